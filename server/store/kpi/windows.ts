// The two windows a KPI query answers at once: current [from, to) and previous [pfrom, from)
// of equal length. A query reads [pfrom, to) in one pass and tags each row or bucket with its
// window, w = 0 (current) or 1 (previous): one statement, planned once — planning is most of a
// KPI query's time at 10M events, and the two branches of a UNION ALL were planned one after
// the other. Without a previous window {pfrom} = {from} (runKpiQuery), and only w = 0 rows
// come back.
export const PFROM = `{pfrom:DateTime64(3, 'UTC')}`;
export const FROM = `{from:DateTime64(3, 'UTC')}`;
export const TO = `{to:DateTime64(3, 'UTC')}`;

/** The window a moment belongs to, for a moment in [pfrom, to). */
export const windowOf = (column: string) => `if(${column} >= ${FROM}, 0, 1)`;

/** The moment falls in either window. */
export const inBothWindows = (column: string) => `${column} >= ${PFROM} AND ${column} < ${TO}`;

/** The first start of an hour or day at or after a bound: where whole buckets begin. */
export const bucketStartAtOrAfter = (grain: 'Hour' | 'Day', bound: string) =>
  `if(toStartOf${grain}(${bound}) = ${bound}, toStartOf${grain}(${bound}), toStartOf${grain}(${bound}) + INTERVAL 1 ${grain.toUpperCase()})`;

/**
 * Rollup buckets of one grain that lie wholly inside one of the two windows; the rest of
 * [pfrom, to) — the partial buckets at pfrom, around from and at to — is read at a finer
 * grain (bucketsAtTheEnds). A window too short for a whole bucket has none.
 */
export const wholeBuckets = (grain: 'Hour' | 'Day', column: string) =>
  `${column} >= ${bucketStartAtOrAfter(grain, PFROM)} AND ${column} < toStartOf${grain}(${TO})
    AND NOT (${column} >= toStartOf${grain}(${FROM}) AND ${column} < ${bucketStartAtOrAfter(grain, FROM)})`;

/** The complement of wholeBuckets within [pfrom, to), for rows or finer buckets. */
export const bucketsAtTheEnds = (grain: 'Hour' | 'Day', column: string) =>
  `(${column} < ${bucketStartAtOrAfter(grain, PFROM)} OR (${column} >= toStartOf${grain}(${FROM}) AND ${column} < ${bucketStartAtOrAfter(grain, FROM)}) OR ${column} >= toStartOf${grain}(${TO}))`;
