// A table pasted into a text field: lines of cells split by tabs, semicolons, bars or
// commas, the first line naming the columns (no digits in it). A cell's column name says
// what the cell holds, as a field name does for a value (a BSN column, a "geboorteland
// ouders" column), and the names themselves are not data.

export interface TextTable {
  /** The column names, trimmed, in order. */
  names: readonly string[];
  delimiter: string;
  /** Where the header line ends (the index of its line break). */
  headerEnd: number;
}

const DELIMITERS = ['\t', ';', '|', ','];
const MAX_NAME = 40;
const MAX_NAME_WORDS = 4;

/** The table a text is, or undefined when its first line names no columns. */
export function tableOf(text: string): TextTable | undefined {
  const headerEnd = text.indexOf('\n');
  if (headerEnd < 0) return undefined;
  const header = headerOf(text.slice(0, headerEnd), headerEnd);
  if (header === undefined) return undefined;
  // The next line is cut the same way: a first line of prose with a comma in it ("Beste
  // Joyce, …") is no header.
  const next = text.slice(headerEnd + 1).split('\n', 1)[0] ?? '';
  return next.includes(header.delimiter) ? header : undefined;
}

/**
 * A header line on its own, as the first of an array of row strings (["naam;bsn",
 * "Jan;123456782"]): its rows are the array's later items, each read as a line below it.
 */
export function headerRow(text: string): TextTable | undefined {
  return text.includes('\n') ? undefined : headerOf(text, -1);
}

/** A line's column names: no digits, cut by one delimiter into short names. */
function headerOf(line: string, headerEnd: number): TextTable | undefined {
  if (/\d/.test(line)) return undefined;
  const delimiter = DELIMITERS.find((d) => line.split(d).length >= 2);
  if (delimiter === undefined) return undefined;
  const names = line.split(delimiter).map((n) => n.trim());
  if (names.some((n) => n.length > MAX_NAME || n.split(' ').length > MAX_NAME_WORDS))
    return undefined;
  return { names, delimiter, headerEnd };
}

/** The name of the column `at` stands in, or undefined (the header line, no name). */
export function columnAt(table: TextTable, text: string, at: number): string | undefined {
  if (at < table.headerEnd) return undefined;
  const lineStart = text.lastIndexOf('\n', at - 1) + 1;
  const column = text.slice(lineStart, at).split(table.delimiter).length - 1;
  const name = table.names[column];
  return name === undefined || name === '' ? undefined : name;
}

/** Every non-empty cell below the header with its column's index: [column, cell]. */
export function cellsOf(table: TextTable, text: string): [number, string][] {
  const out: [number, string][] = [];
  for (const line of text.slice(table.headerEnd + 1).split('\n')) {
    const cells = line.split(table.delimiter);
    for (let i = 0; i < cells.length && i < table.names.length; i++) {
      const cell = cells[i]!.trim();
      if (table.names[i] !== '' && cell !== '') out.push([i, cell]);
    }
  }
  return out;
}
