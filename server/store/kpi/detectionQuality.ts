// Detection precision and recall per exception type against the simulator's labels
// (injected_labels), plus the precision users' feedback implies (false-positive dismissals).
// An exception is a true positive when one of its evidence events carries a label of its
// type; a fault (labelled in the window) is detected when any exception of its type cites
// one of its events.
import type { ClickHouseClient } from '@clickhouse/client';
import { EXCEPTION_FILTER } from '../../kpi/dimensions.ts';
import { exceptionSnapshot, FINAL, SEEN_BY_WINDOW } from './exceptionSnapshot.ts';
import { runKpiQuery, type KpiParams } from './runKpiQuery.ts';
import { inBothWindows, TO, windowOf } from './windows.ts';

export type DetectionRow = { type: string; detected: number; true_positives: number; closed: number; false_positives: number; faults: number; faults_detected: number };


// A fault of the window may be proven by an exception the window does not otherwise see (one
// detected and closed before {from}, from an earlier event of the same fault), so the
// snapshot also takes in every exception citing an event of a fault labelled in either window.
const CITING_WINDOW_FAULTS = `
    SELECT exception_id FROM exception_log ARRAY JOIN evidence AS e
    WHERE e IN (SELECT event_id FROM injected_labels WHERE fault_id IN (SELECT fault_id FROM injected_labels WHERE ${inBothWindows('ts')}))`;

// One pass over the snapshot and one over the labels: each exception is judged once (the
// faults its evidence proves), and the faults detected per type are collected from those
// judgements — a CTE read twice is evaluated twice, and this query once read the snapshot
// three times and the labels three times. Both windows at once, each row keeping its w and
// its window's bounds (see exceptionSnapshot); a label proves a fault to a window once it
// was recorded before that window's end.
const QUERY = `
WITH
judged AS (
  SELECT d.w AS w, d.exception_id AS exception_id, any(d.w_from) AS w_from, any(d.w_to) AS w_to, any(d.type) AS type,
         any(d.detected_at) AS detected_at, any(d.status) AS status, any(d.resolution_reason) AS resolution_reason, any(d.closed_at) AS closed_at,
         groupUniqArrayIf(l.fault_id, l.fault_id != '' AND l.ts < d.w_to) AS proven_faults
  FROM
  (
    SELECT w, w_from, w_to, exception_id, type, status, resolution_reason, detected_at, closed_at, e
    FROM (${exceptionSnapshot(['evidence'], `${SEEN_BY_WINDOW} UNION ALL ${CITING_WINDOW_FAULTS}`)})
    ARRAY JOIN if(empty(evidence), [''], evidence) AS e
    WHERE ${EXCEPTION_FILTER}
  ) AS d
  LEFT JOIN (SELECT event_id, label_type, fault_id, ts FROM injected_labels WHERE ts < ${TO}) AS l
    ON l.event_id = d.e AND l.label_type = d.type
  GROUP BY d.w, d.exception_id
),
by_exception AS (
  SELECT w, type,
    countIf(detected_at >= w_from AND detected_at < w_to) AS detected,
    countIf(detected_at >= w_from AND detected_at < w_to AND notEmpty(proven_faults)) AS true_positives,
    countIf(status IN ${FINAL} AND closed_at >= w_from AND closed_at < w_to) AS closed,
    countIf(status = 'dismissed' AND resolution_reason = 'false_positive' AND closed_at >= w_from AND closed_at < w_to) AS false_positives,
    groupUniqArrayArray(proven_faults) AS detected_faults
  FROM judged GROUP BY w, type
),
by_fault AS (
  SELECT ${windowOf('ts')} AS w, label_type AS type, groupUniqArray(fault_id) AS faults_in_window
  FROM injected_labels
  WHERE ${inBothWindows('ts')} AND ({f_type:String} = '' OR label_type = {f_type:String})
  GROUP BY w, label_type
)
SELECT
  if(e.type != '', e.w, f.w) AS w,
  if(e.type != '', e.type, f.type) AS type,
  e.detected AS detected, e.true_positives AS true_positives, e.closed AS closed, e.false_positives AS false_positives,
  length(f.faults_in_window) AS faults, length(arrayIntersect(f.faults_in_window, e.detected_faults)) AS faults_detected
FROM by_exception AS e
FULL OUTER JOIN by_fault AS f ON f.w = e.w AND f.type = e.type
ORDER BY w, type`;

export function detectionQuality(client: ClickHouseClient, params: KpiParams): Promise<DetectionRow[]> {
  return runKpiQuery<DetectionRow>(client, 'detection_quality', QUERY, params);
}
