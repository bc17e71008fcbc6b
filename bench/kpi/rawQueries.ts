// The same dashboard figures computed straight from raw events (no fact model, no rollups),
// for the ratio the benchmark reports. Fill rates, cycle time and perfect orders are rebuilt
// per order and line from the event JSON; interface health is scanned from the messages.
export const RAW_ORDER_KPIS = `
WITH
lines AS (
  SELECT order_id, JSONExtractString(l, 'lineId') AS line_id,
    maxIf(JSONExtractFloat(l, 'qty'), type = 'order.created') AS ordered_qty,
    sumIf(JSONExtractFloat(l, 'qty'), type = 'shipment.created') AS shipped_qty,
    minIf(ts, type = 'shipment.created') AS first_ship_at,
    argMinIf(JSONExtractFloat(l, 'qty'), ts, type = 'shipment.created') AS first_qty
  FROM events ARRAY JOIN JSONExtractArrayRaw(attrs, 'lines') AS l
  WHERE type IN ('order.created', 'shipment.created')
  GROUP BY order_id, line_id
),
per_order AS (
  SELECT order_id,
    minIf(ts, type = 'order.created') AS created_at,
    minIf(parseDateTime64BestEffortOrNull(JSONExtractString(attrs, 'promisedShipDate'), 3, 'UTC'), type = 'order.created') AS due_at,
    minIf(ts, type = 'shipment.created') AS first_ship_at,
    maxIf(ts, type = 'shipment.status' AND JSONExtractString(attrs, 'status') = 'delivered') AS delivered_at,
    countIf(type = 'order.invoiced') AS invoices,
    maxIf(JSONExtractFloat(attrs, 'qtyBackordered'), type = 'inventory.allocated') > 0 AS backordered
  FROM events
  WHERE type IN ('order.created', 'shipment.created', 'shipment.status', 'order.invoiced', 'inventory.allocated')
  GROUP BY order_id
),
line_per_order AS (
  SELECT order_id, count() AS n, countIf(first_qty >= ordered_qty) AS ok, sum(least(shipped_qty, ordered_qty)) AS shipped, sum(ordered_qty) AS ordered
  FROM lines GROUP BY order_id
)
SELECT
  countIf(due_at >= {from:DateTime64(3, 'UTC')} AND due_at < {to:DateTime64(3, 'UTC')}) AS due,
  countIf(due_at >= {from:DateTime64(3, 'UTC')} AND due_at < {to:DateTime64(3, 'UTC')} AND ok = n AND NOT backordered) AS filled,
  sumIf(ok, due_at >= {from:DateTime64(3, 'UTC')} AND due_at < {to:DateTime64(3, 'UTC')}) / sumIf(n, due_at >= {from:DateTime64(3, 'UTC')} AND due_at < {to:DateTime64(3, 'UTC')}) AS line_fill,
  sumIf(shipped, due_at >= {from:DateTime64(3, 'UTC')} AND due_at < {to:DateTime64(3, 'UTC')}) / sumIf(ordered, due_at >= {from:DateTime64(3, 'UTC')} AND due_at < {to:DateTime64(3, 'UTC')}) AS unit_fill,
  quantileExactInclusiveIf(0.5)(dateDiff('second', created_at, first_ship_at), first_ship_at >= {from:DateTime64(3, 'UTC')} AND first_ship_at < {to:DateTime64(3, 'UTC')}) AS cycle_p50,
  countIf(delivered_at >= {from:DateTime64(3, 'UTC')} AND delivered_at < {to:DateTime64(3, 'UTC')} AND ok = n AND invoices > 0) AS perfect
FROM per_order AS o LEFT JOIN line_per_order AS l ON l.order_id = o.order_id`;

export const RAW_INTEGRATIONS = `
SELECT if(type = 'carrier.api_call', concat('carrier:', carrier), interface) AS iface, count() AS messages,
  countIf(NOT JSONExtractBool(attrs, 'ok')) AS failures, quantileTDigest(0.95)(JSONExtractFloat(attrs, 'latencyMs')) AS p95
FROM events
WHERE type IN ('integration.message', 'carrier.api_call') AND ts >= {from:DateTime64(3, 'UTC')} AND ts < {to:DateTime64(3, 'UTC')}
GROUP BY iface`;
