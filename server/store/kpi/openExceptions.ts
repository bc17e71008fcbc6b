// Exceptions in a non-final state at the end of the window, by type and severity. Counted by
// the exception KPI query (open_by), which reads the same snapshot; here they become rows.
import type { ExceptionKpiRow } from './exceptionKpis.ts';

export type OpenExceptionRow = { g: string; type: string; severity: string; n: number; w?: number };

/** One row per group, type and severity; each keeps its group row's window tag w (runKpiQuery). */
export function openExceptionRows(rows: (ExceptionKpiRow & { w?: number })[]): OpenExceptionRow[] {
  return rows.flatMap(({ g, w, open_by: [keys, counts] }) =>
    keys.map((key, i) => {
      const [type, severity] = key.split('\t');
      return { g, w, type, severity, n: Number(counts[i]) };
    }),
  );
}
