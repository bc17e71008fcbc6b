// Every exception as it stood at {to}: its highest version written before {to}, the first
// acknowledgement, and how many versions were manual actions. Windows in the past are thus
// computed from the state they had then (a reopened exception is open again, a resolution
// after {to} has not happened yet).
//
// Manual action: a version whose actor is a person — not 'system', not empty and not the
// detector that wrote the row (detectors sign their versions with their own name).
export const MANUAL_ACTOR = `(actor NOT IN ('', 'system') AND actor != detector)`;

// The latest version is read as a row (LIMIT 1 BY over the (exception_id, version) order)
// rather than with argMax(tuple(…)): argMax of a tuple is a generic, slow aggregate, and
// it was most of the cost of every exception KPI. NULLs are kept as they are in the row.
export const EXCEPTION_SNAPSHOT = `
SELECT
  l.exception_id AS exception_id,
  l.type AS type, l.status AS status, l.severity AS severity, l.team AS team, l.customer_tier AS customer_tier,
  l.warehouse AS warehouse, l.carrier AS carrier, l.interface AS interface,
  l.resolved_at AS resolved_at, l.resolution_reason AS resolution_reason, l.revenue_at_risk AS revenue_at_risk, l.updated_at AS updated_at,
  l.order_ids AS order_ids, l.details AS details, l.evidence AS evidence,
  a.detected_at AS detected_at, a.acknowledged_at AS acknowledged_at, a.manual_actions AS manual_actions,
  coalesce(l.resolved_at, l.updated_at) AS closed_at
FROM
(
  SELECT exception_id, type, status, severity, team, customer_tier, warehouse, carrier, interface,
         resolved_at, resolution_reason, revenue_at_risk, updated_at, order_ids, details, evidence
  FROM exception_log
  WHERE updated_at < {to:DateTime64(3, 'UTC')}
  ORDER BY exception_id, version DESC
  LIMIT 1 BY exception_id
) AS l
INNER JOIN
(
  SELECT
    exception_id,
    min(detected_at) AS detected_at,
    min(acknowledged_at) AS acknowledged_at,
    countIf(${MANUAL_ACTOR}) AS manual_actions
  FROM exception_log
  WHERE updated_at < {to:DateTime64(3, 'UTC')}
  GROUP BY exception_id
) AS a ON a.exception_id = l.exception_id`;

export const FINAL = `('resolved', 'dismissed')`;
