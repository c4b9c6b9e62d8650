// RFC 4180 with Excel in mind: every field quoted, CRLF row ends, a BOM so Excel reads UTF-8 umlauts.
export const BOM = '\uFEFF';

const FORMULA_START = /^[=+\-@\t\r]/;

/** A leading ' makes spreadsheets show a cell as text instead of running it as a formula (CSV injection). */
export const neutralise = (value: string) => (FORMULA_START.test(value) ? `'${value}` : value);

export function csvCell(value: string | number | boolean | null | undefined): string {
  const text = value === null || value === undefined ? '' : String(value);
  return `"${neutralise(text).replaceAll('"', '""')}"`;
}

export const csvRow = (cells: readonly (string | number | boolean | null | undefined)[], delimiter: string) =>
  `${cells.map(csvCell).join(delimiter)}\r\n`;
