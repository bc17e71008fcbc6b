// CSV export of any list. Spreadsheet programs execute cells that start with = + - @ (and
// tab / CR), so such cells are prefixed with a single quote (OWASP "CSV injection").
export type CsvColumn<T> = { header: string; value: (row: T) => unknown };

const DANGEROUS_START = /^[=+\-@\t\r]/;

export function csvCell(value: unknown): string {
  let s = value == null ? '' : Array.isArray(value) ? value.join(' ') : String(value);
  if (DANGEROUS_START.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function toCsv<T>(rows: readonly T[], columns: readonly CsvColumn<T>[]): string {
  const lines = [columns.map((c) => csvCell(c.header)).join(',')];
  for (const row of rows) lines.push(columns.map((c) => csvCell(c.value(row))).join(','));
  return lines.join('\r\n') + '\r\n';
}

/** Hands the CSV to the browser as a file download. */
export function downloadCsv(filename: string, csv: string): void {
  const url = URL.createObjectURL(new Blob([csv], { type: 'text/csv;charset=utf-8' }));
  const a = document.createElement('a');
  a.href = url;
  a.download = filename;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}
