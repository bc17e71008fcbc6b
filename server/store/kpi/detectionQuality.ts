// Detection precision and recall per exception type against the simulator's labels
// (injected_labels), plus the precision users' feedback implies (false-positive dismissals).
// An exception is a true positive when one of its evidence events carries a label of its
// type; a fault (labelled in the window) is detected when any exception of its type cites
// one of its events.
import type { ClickHouseClient } from '@clickhouse/client';
import { EXCEPTION_FILTER } from '../../kpi/dimensions.ts';
import { exceptionSnapshot, FINAL } from './exceptionSnapshot.ts';
import { runKpiQuery, type KpiParams } from './runKpiQuery.ts';

export type DetectionRow = { type: string; detected: number; true_positives: number; closed: number; false_positives: number; faults: number; faults_detected: number };

const FROM = `{from:DateTime64(3, 'UTC')}`;
const TO = `{to:DateTime64(3, 'UTC')}`;

// A fault of the window may be proven by an exception the window does not otherwise see (one
// detected and closed before {from}, from an earlier event of the same fault), so the
// snapshot also takes in every exception citing an event of a fault labelled in the window.
const CITING_WINDOW_FAULTS = `
    SELECT exception_id FROM exception_log ARRAY JOIN evidence AS e
    WHERE e IN (SELECT event_id FROM injected_labels WHERE fault_id IN (SELECT fault_id FROM injected_labels WHERE ts >= ${FROM} AND ts < ${TO}))`;

// One pass over the snapshot and one over the labels: each exception is judged once (the
// faults its evidence proves), and the faults detected per type are collected from those
// judgements — a CTE read twice is evaluated twice, and this query once read the snapshot
// three times and the labels three times.
const QUERY = `
WITH
judged AS (
  SELECT d.exception_id AS exception_id, any(d.type) AS type, any(d.detected_at) AS detected_at, any(d.status) AS status,
         any(d.resolution_reason) AS resolution_reason, any(d.closed_at) AS closed_at,
         groupUniqArrayIf(l.fault_id, l.fault_id != '') AS proven_faults
  FROM
  (
    SELECT exception_id, type, status, resolution_reason, detected_at, closed_at, e
    FROM (${exceptionSnapshot(['evidence'], CITING_WINDOW_FAULTS)})
    ARRAY JOIN if(empty(evidence), [''], evidence) AS e
    WHERE ${EXCEPTION_FILTER}
  ) AS d
  LEFT JOIN (SELECT event_id, label_type, fault_id FROM injected_labels WHERE ts < ${TO}) AS l
    ON l.event_id = d.e AND l.label_type = d.type
  GROUP BY d.exception_id
),
by_exception AS (
  SELECT type,
    countIf(detected_at >= ${FROM} AND detected_at < ${TO}) AS detected,
    countIf(detected_at >= ${FROM} AND detected_at < ${TO} AND notEmpty(proven_faults)) AS true_positives,
    countIf(status IN ${FINAL} AND closed_at >= ${FROM} AND closed_at < ${TO}) AS closed,
    countIf(status = 'dismissed' AND resolution_reason = 'false_positive' AND closed_at >= ${FROM} AND closed_at < ${TO}) AS false_positives,
    groupUniqArrayArray(proven_faults) AS detected_faults
  FROM judged GROUP BY type
),
by_fault AS (
  SELECT label_type AS type, groupUniqArray(fault_id) AS faults_in_window
  FROM injected_labels
  WHERE ts >= ${FROM} AND ts < ${TO} AND ({f_type:String} = '' OR label_type = {f_type:String})
  GROUP BY label_type
)
SELECT
  if(e.type != '', e.type, f.type) AS type,
  e.detected AS detected, e.true_positives AS true_positives, e.closed AS closed, e.false_positives AS false_positives,
  length(f.faults_in_window) AS faults, length(arrayIntersect(f.faults_in_window, e.detected_faults)) AS faults_detected
FROM by_exception AS e
FULL OUTER JOIN by_fault AS f ON f.type = e.type
ORDER BY type`;

export function detectionQuality(client: ClickHouseClient, params: KpiParams): Promise<DetectionRow[]> {
  return runKpiQuery<DetectionRow>(client, 'detection_quality', QUERY, params);
}
