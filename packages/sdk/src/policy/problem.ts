/** One thing wrong with a policy file, said so a person can fix it. */
export interface PolicyProblem {
  /** The file the problem is in (or a label such as "<inline>"). */
  file: string;
  /** RFC 6901 JSON Pointer to the value at fault; "" for the whole document. */
  pointer: string;
  /** 1-based line and column of the value at fault in the file. */
  line: number;
  column: number;
  /** A sentence a person understands. */
  message: string;
}

/** `file:line:column pointer message`, the layout editors and CI logs link from. */
export function formatProblem(problem: PolicyProblem): string {
  const where = problem.pointer === '' ? '(document)' : problem.pointer;
  return `${problem.file}:${problem.line}:${problem.column} ${where}: ${problem.message}`;
}
