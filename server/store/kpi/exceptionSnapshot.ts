// Every exception as it stood at {to}: its highest version written before {to}, the first
// acknowledgement, and how many versions were manual actions. Windows in the past are thus
// computed from the state they had then (a reopened exception is open again, a resolution
// after {to} has not happened yet).
//
// Manual action: a version whose actor is a person — not 'system', not empty and not the
// detector that wrote the row (detectors sign their versions with their own name).
export const MANUAL_ACTOR = `(actor NOT IN ('', 'system') AND actor != detector)`;

export const EXCEPTION_SNAPSHOT = `
SELECT
  exception_id,
  s.1 AS type, s.2 AS status, s.3 AS severity, s.4 AS team, s.5 AS customer_tier,
  s.6 AS warehouse, s.7 AS carrier, s.8 AS interface,
  s.9 AS resolved_at, s.10 AS resolution_reason, s.11 AS revenue_at_risk, s.12 AS updated_at,
  heavy.1 AS order_ids, heavy.2 AS details, heavy.3 AS evidence,
  detected_at, acknowledged_at, manual_actions,
  coalesce(s.9, s.12) AS closed_at
FROM
(
  SELECT
    exception_id,
    -- tuples keep NULLs (argMax skips rows whose argument is NULL); the heavy fields have
    -- their own tuple so that queries which do not use them never aggregate them
    argMax(tuple(type, status, severity, team, customer_tier, warehouse, carrier, interface,
                 resolved_at, resolution_reason, revenue_at_risk, updated_at), version) AS s,
    argMax(tuple(order_ids, details, evidence), version) AS heavy,
    min(detected_at) AS detected_at,
    min(acknowledged_at) AS acknowledged_at,
    countIf(${MANUAL_ACTOR}) AS manual_actions
  FROM exception_log
  WHERE updated_at < {to:DateTime64(3, 'UTC')}
  GROUP BY exception_id
)`;

export const FINAL = `('resolved', 'dismissed')`;
