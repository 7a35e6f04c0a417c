import { parse, printParseErrorCode, type ParseError } from 'jsonc-parser';
import type { PolicyProblem } from './problem.js';
import { SourceMap } from './source-map.js';

/** Policy files are small documents; anything larger is a mistake (a wrong file, a dump). */
export const MAX_POLICY_BYTES = 1024 * 1024;

const PARSE_ERROR_SENTENCES: Record<string, string> = {
  InvalidSymbol:
    'unexpected character; JSON allows only objects, arrays, strings, numbers, true, false and null',
  InvalidNumberFormat: 'this number is not written the way JSON writes numbers',
  PropertyNameExpected: 'expected a property name in double quotes (is there a trailing comma?)',
  ValueExpected: 'expected a value here',
  ColonExpected: 'expected a colon after the property name',
  CommaExpected: 'expected a comma between the two entries',
  CloseBraceExpected: 'expected "}" to close the object',
  CloseBracketExpected: 'expected "]" to close the array',
  EndOfFileExpected: 'expected the end of the file after the document',
  InvalidCommentToken: 'comments are not allowed in a policy file (it is JSON, not JSONC)',
  UnexpectedEndOfComment: 'comments are not allowed in a policy file (it is JSON, not JSONC)',
  UnexpectedEndOfString: 'this string is not closed with a double quote',
  UnexpectedEndOfNumber: 'this number ends too early',
  InvalidUnicode: 'invalid \\u escape in a string',
  InvalidEscapeCharacter: 'invalid escape character in a string',
  InvalidCharacter: 'invalid character in a string (control characters must be escaped)',
};

export type ParsedDocument =
  { ok: true; value: unknown; sourceMap: SourceMap } | { ok: false; problems: PolicyProblem[] };

/**
 * Parses a policy file's text as strict JSON. The value comes from `JSON.parse` (which
 * keeps `__proto__` as a plain own key); positions of mistakes come from jsonc-parser.
 */
export function parseDocument(text: string, file: string): ParsedDocument {
  const sourceMap = new SourceMap(text);
  const bytes = Buffer.byteLength(text, 'utf8');
  if (bytes > MAX_POLICY_BYTES) return { ok: false, problems: [tooLargeProblem(file, bytes)] };
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  try {
    return { ok: true, value: JSON.parse(body) as unknown, sourceMap };
  } catch {
    const errors: ParseError[] = [];
    parse(body, errors, { allowTrailingComma: false, disallowComments: true });
    const first = errors[0];
    const offset = (first?.offset ?? 0) + (body === text ? 0 : 1);
    const position = sourceMap.position(offset);
    const code = first === undefined ? 'ValueExpected' : printParseErrorCode(first.error);
    const message =
      body.trim() === ''
        ? 'the file is empty; a policy is a JSON object with at least "version"'
        : `not valid JSON: ${PARSE_ERROR_SENTENCES[code] ?? code}`;
    return { ok: false, problems: [{ file, pointer: '', ...position, message }] };
  }
}

/** The problem reported for a file over {@link MAX_POLICY_BYTES}. */
export function tooLargeProblem(file: string, bytes: number): PolicyProblem {
  return {
    file,
    pointer: '',
    line: 1,
    column: 1,
    message: `the file is ${formatBytes(bytes)}, more than the ${formatBytes(MAX_POLICY_BYTES)} a policy file may be; is this the right file?`,
  };
}

function formatBytes(bytes: number): string {
  if (bytes >= 1024 * 1024) return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
  if (bytes >= 1024) return `${(bytes / 1024).toFixed(1)} kB`;
  return `${bytes} bytes`;
}
