import { humanizeErrors } from './humanize.js';
import { parseDocument } from './parse-document.js';
import type { PolicyProblem } from './problem.js';
import { policyValidator } from './schema.js';
import type { SourceMap } from './source-map.js';
import type { PolicyDocument, TenantAgreementDocument } from './types.js';

export type ValidatedDocument =
  | { kind: 'platform'; document: PolicyDocument }
  | { kind: 'tenant'; document: TenantAgreementDocument };

export type ValidationResult =
  | ({ ok: true; file: string } & ValidatedDocument)
  | { ok: false; file: string; problems: PolicyProblem[] };

export interface ValidateOptions {
  /** The date exceptions must still be valid on; default: today. */
  at?: Date;
}

/**
 * Validates one policy or tenant-agreement file's text: JSON syntax, the schema, then the
 * rules a schema cannot say (an exception must not have expired). Never throws.
 */
export function validatePolicyText(
  text: string,
  file: string,
  options: ValidateOptions = {},
): ValidationResult {
  const parsed = parseDocument(text, file);
  if (!parsed.ok) return { ok: false, file, problems: parsed.problems };
  return validatePolicyValue(parsed.value, file, parsed.sourceMap, options);
}

/** Validates an already parsed document; `sourceMap` gives positions when there is a file. */
export function validatePolicyValue(
  value: unknown,
  file: string,
  sourceMap: SourceMap | undefined,
  options: ValidateOptions = {},
): ValidationResult {
  const validate = policyValidator();
  const locate = (pointer: string, atKey = false) =>
    sourceMap?.locate(pointer, atKey) ?? { line: 1, column: 1 };
  if (!validate(value)) {
    const problems = humanizeErrors(validate.errors ?? [], value).map((e) => ({
      file,
      pointer: e.pointer,
      ...locate(e.pointer, e.atKey),
      message: e.message,
    }));
    return { ok: false, file, problems: sortProblems(problems) };
  }
  const isTenant = Object.hasOwn(value as object, 'tenant');
  const checked = isTenant
    ? ({ kind: 'tenant', document: value as TenantAgreementDocument } as const)
    : ({ kind: 'platform', document: value as PolicyDocument } as const);
  const semantic = semanticProblems(checked, options.at ?? new Date()).map((p) => ({
    file,
    pointer: p.pointer,
    ...locate(p.pointer),
    message: p.message,
  }));
  if (semantic.length > 0) return { ok: false, file, problems: sortProblems(semantic) };
  return { ok: true, file, ...checked };
}

/** The rules that need dates or several fields at once. */
function semanticProblems(
  checked: ValidatedDocument,
  at: Date,
): { pointer: string; message: string }[] {
  const problems: { pointer: string; message: string }[] = [];
  const today = at.toISOString().slice(0, 10);
  const tenantSections: [string, { exceptions?: TenantAgreementDocument['exceptions'] }][] =
    checked.kind === 'tenant'
      ? [['', checked.document]]
      : Object.entries(checked.document.tenants ?? {}).map(([id, t]) => [`/tenants/${id}`, t]);
  for (const [base, section] of tenantSections) {
    (section.exceptions ?? []).forEach((exception, i) => {
      const pointer = `${base}/exceptions/${i}`;
      if (!isRealDate(exception.expires)) {
        problems.push({
          pointer: `${pointer}/expires`,
          message: `${exception.expires} is not a date in the calendar`,
        });
      } else if (exception.expires < today) {
        problems.push({
          pointer: `${pointer}/expires`,
          message: `this exception expired on ${exception.expires}; renew the written agreement "${exception.agreement}" or remove the exception`,
        });
      }
      if (exception.since !== undefined && exception.since > exception.expires) {
        problems.push({
          pointer: `${pointer}/since`,
          message: `starts (${exception.since}) after it expires (${exception.expires})`,
        });
      }
    });
  }
  if (checked.kind === 'platform') {
    for (const [name, sub] of Object.entries(checked.document.subprocessors ?? {})) {
      const pointer = `/subprocessors/${name.replaceAll('~', '~0').replaceAll('/', '~1')}`;
      if (sub.country === 'INT' && sub.organisation === undefined) {
        problems.push({
          pointer,
          message:
            'an international organisation (country "INT") needs "organisation", such as "epo"',
        });
      }
      if (sub.country !== 'INT' && sub.organisation !== undefined) {
        problems.push({
          pointer: `${pointer}/organisation`,
          message: '"organisation" is only for country "INT" (an international organisation)',
        });
      }
    }
    const hooks = Object.entries(checked.document.breach?.hooks ?? {});
    if (hooks.length > 0 && !hooks.some(([, h]) => (h.role ?? 'primary') === 'primary')) {
      problems.push({
        pointer: '/breach/hooks',
        message:
          'needs at least one hook with role "primary" (escalation hooks only hear of late signals)',
      });
    }
  }
  return problems;
}

function isRealDate(date: string): boolean {
  const parsed = new Date(`${date}T00:00:00Z`);
  return !Number.isNaN(parsed.getTime()) && parsed.toISOString().slice(0, 10) === date;
}

function sortProblems(problems: PolicyProblem[]): PolicyProblem[] {
  return problems.sort((a, b) => a.line - b.line || a.column - b.column);
}
