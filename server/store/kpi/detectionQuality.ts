// Detection precision and recall per exception type against the simulator's labels
// (injected_labels), plus the precision users' feedback implies (false-positive dismissals).
// An exception is a true positive when one of its evidence events carries a label of its
// type; a fault (labelled in the window) is detected when any exception of its type cites
// one of its events.
import type { ClickHouseClient } from '@clickhouse/client';
import { EXCEPTION_FILTER } from '../../kpi/dimensions.ts';
import { EXCEPTION_SNAPSHOT, FINAL } from './exceptionSnapshot.ts';
import { runKpiQuery, type KpiParams } from './runKpiQuery.ts';

export type DetectionRow = { type: string; detected: number; true_positives: number; closed: number; false_positives: number; faults: number; faults_detected: number };

const FROM = `{from:DateTime64(3, 'UTC')}`;
const TO = `{to:DateTime64(3, 'UTC')}`;

const QUERY = `
WITH
det AS (
  SELECT exception_id, type, evidence, status, resolution_reason, detected_at, closed_at
  FROM (${EXCEPTION_SNAPSHOT})
  WHERE ${EXCEPTION_FILTER}
),
hits AS (
  SELECT d.exception_id AS exception_id, d.type AS type, l.fault_id AS fault_id
  FROM (SELECT exception_id, type, e FROM det ARRAY JOIN evidence AS e) AS d
  INNER JOIN (SELECT event_id, label_type, fault_id FROM injected_labels WHERE ts < ${TO}) AS l
    ON l.event_id = d.e AND l.label_type = d.type
),
by_exception AS (
  SELECT type,
    countIf(detected_at >= ${FROM} AND detected_at < ${TO}) AS detected,
    countIf(detected_at >= ${FROM} AND detected_at < ${TO} AND exception_id IN (SELECT exception_id FROM hits)) AS true_positives,
    countIf(status IN ${FINAL} AND closed_at >= ${FROM} AND closed_at < ${TO}) AS closed,
    countIf(status = 'dismissed' AND resolution_reason = 'false_positive' AND closed_at >= ${FROM} AND closed_at < ${TO}) AS false_positives
  FROM det GROUP BY type
),
by_fault AS (
  SELECT label_type AS type, uniqExact(fault_id) AS faults,
    uniqExactIf(fault_id, (label_type, fault_id) IN (SELECT type, fault_id FROM hits)) AS faults_detected
  FROM injected_labels
  WHERE ts >= ${FROM} AND ts < ${TO} AND ({f_type:String} = '' OR label_type = {f_type:String})
  GROUP BY label_type
)
SELECT
  if(e.type != '', e.type, f.type) AS type,
  e.detected AS detected, e.true_positives AS true_positives, e.closed AS closed, e.false_positives AS false_positives,
  f.faults AS faults, f.faults_detected AS faults_detected
FROM by_exception AS e
FULL OUTER JOIN by_fault AS f ON f.type = e.type
ORDER BY type`;

export function detectionQuality(client: ClickHouseClient, params: KpiParams): Promise<DetectionRow[]> {
  return runKpiQuery<DetectionRow>(client, 'detection_quality', QUERY, params);
}
