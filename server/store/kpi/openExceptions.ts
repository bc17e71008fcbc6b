// Exceptions in a non-final state at the end of the window, by type and severity. Counted by
// the exception KPI query (open_by), which reads the same snapshot; here they become rows.
import type { ExceptionKpiRow } from './exceptionKpis.ts';

export type OpenExceptionRow = { g: string; type: string; severity: string; n: number; w?: number };

export function openExceptionRows(rows: ExceptionKpiRow[]): OpenExceptionRow[] {
  return rows.flatMap((row) => {
    const [keys, counts] = row.open_by;
    return keys.map((key, i) => {
      const [type, severity] = key.split('\t');
      return { g: row.g, type, severity, n: Number(counts[i]), ...('w' in row ? { w: (row as { w: number }).w } : {}) };
    });
  });
}
