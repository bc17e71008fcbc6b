// Generates a realistic distributor history INSIDE the engine (INSERT … SELECT FROM
// numbers()), so loading 100M events costs no JSON parsing in Node and no network.
//
// Mix: 40 % of events are the order flow (5 events per order: created, allocated, shipped,
// delivered for 95 %, invoiced for 97 %), the rest telemetry (75 % integration messages over
// six interfaces, 15 % carrier API calls, 10 % inventory snapshots). Order numbers are
// sequential, as ERP order numbers are. 1 order in 50 gets an exception; 70 % of those are
// resolved (half by a person, half automatically); those detected before the last three
// days are all closed, as a working team leaves few old exceptions open.
import type { ClickHouseClient } from '@clickhouse/client';

export type GenerateOptions = { events: number; startIso: string; days: number };

const START = `toDateTime64({start:String}, 3, 'UTC')`;

export function plan(opts: GenerateOptions) {
  const orders = Math.max(1, Math.floor((opts.events * 0.4) / 5));
  const flow = orders * 5;
  const telemetry = Math.max(0, opts.events - flow);
  return { orders, messages: Math.floor(telemetry * 0.75), carrierCalls: Math.floor(telemetry * 0.15), snapshots: telemetry - Math.floor(telemetry * 0.75) - Math.floor(telemetry * 0.15), exceptions: Math.floor(orders / 50), spanMs: opts.days * 86_400_000 };
}

const ORDER_TS = `addMilliseconds(${START}, intDiv(number * {span:UInt64}, {orders:UInt64}))`;
const ORDER_ID = `concat('O', leftPad(toString(number), 10, '0'))`;
const LINES = `range(1, 2 + number % 3)`;
const QTY = (k: string) => `(1 + (number + ${k}) % 10)`;
const PRICE = (k: string) => `(5 + (number * 13 + ${k}) % 200)`;
const SHIP_TS = `addMilliseconds(${ORDER_TS}, 7200000 + cityHash64(number, 1) % 172800000)`;
const COLUMNS = 'id, ts, ingested_at, source, type, order_id, line_id, customer_id, sku, warehouse, carrier, shipment_id, interface, qty, amount, currency, attrs';

const STATEMENTS: { name: string; rows: (p: ReturnType<typeof plan>) => number; sql: string }[] = [
  {
    name: 'order.created',
    rows: (p) => p.orders,
    sql: `INSERT INTO events (${COLUMNS}) SELECT concat('oc-', toString(number)), ${ORDER_TS} AS t, t, 'erp', 'order.created', ${ORDER_ID}, '',
      concat('C', toString(number % 5000)), '', concat('W', toString(number % 4)), '', '', '', NULL, NULL, 'USD',
      concat('{"customerTier":"', ['strategic', 'A', 'B', 'C'][1 + number % 4], '","promisedShipDate":"', formatDateTime(t + INTERVAL 1 DAY, '%Y-%m-%dT%H:%i:%SZ', 'UTC'),
        '","lines":[', arrayStringConcat(arrayMap(k -> concat('{"lineId":"L', toString(k), '","sku":"S', toString((number * 7 + k) % 20000), '","qty":', toString(${QTY('k')}), ',"unitPrice":', toString(${PRICE('k')}), '}'), ${LINES}), ','), ']}')
      FROM numbers({orders:UInt64})`,
  },
  {
    name: 'inventory.allocated',
    rows: (p) => p.orders,
    sql: `INSERT INTO events (${COLUMNS}) SELECT concat('oa-', toString(number)), addMilliseconds(${ORDER_TS}, 3600000) AS t, t, 'erp', 'inventory.allocated', ${ORDER_ID}, 'L1',
      '', concat('S', toString((number * 7 + 1) % 20000)), concat('W', toString(number % 4)), '', '', '', NULL, NULL, '',
      concat('{"lineId":"L1","qtyAllocated":', toString(${QTY('1')} - if(number % 20 = 0, 1, 0)), ',"qtyBackordered":', if(number % 20 = 0, '1', '0'), '}')
      FROM numbers({orders:UInt64})`,
  },
  {
    name: 'shipment.created',
    rows: (p) => p.orders,
    sql: `INSERT INTO events (${COLUMNS}) SELECT concat('os-', toString(number)), ${SHIP_TS} AS t, t, 'wms', 'shipment.created', ${ORDER_ID}, '',
      '', '', concat('W', toString(number % 4)), ['UPS', 'FEDEX', 'DHL'][1 + number % 3], concat('SH', toString(number)), '', NULL, NULL, '',
      concat('{"lines":[', arrayStringConcat(arrayMap(k -> concat('{"lineId":"L', toString(k), '","qty":', toString(if(k = 1 AND number % 25 = 0, intDiv(${QTY('k')}, 2), ${QTY('k')})), '}'), ${LINES}), ','), ']}')
      FROM numbers({orders:UInt64})`,
  },
  {
    name: 'shipment.status',
    rows: (p) => p.orders,
    sql: `INSERT INTO events (${COLUMNS}) SELECT concat('od-', toString(number)), addMilliseconds(${SHIP_TS}, 86400000 + cityHash64(number, 2) % 172800000) AS t, t, 'carrier', 'shipment.status', ${ORDER_ID}, '',
      '', '', '', ['UPS', 'FEDEX', 'DHL'][1 + number % 3], concat('SH', toString(number)), '', NULL, NULL, '',
      if(number % 20 = 7, '{"status":"in_transit"}', '{"status":"delivered"}')
      FROM numbers({orders:UInt64})`,
  },
  {
    name: 'order.invoiced',
    rows: (p) => p.orders,
    sql: `INSERT INTO events (${COLUMNS}) SELECT concat('oi-', toString(number)), addMilliseconds(${SHIP_TS}, 7200000) AS t, t, 'erp', 'order.invoiced', ${ORDER_ID}, '',
      '', '', '', '', '', '', NULL, if(number % 33 = 0, NULL, toFloat64(arraySum(k -> ${QTY('k')} * ${PRICE('k')}, ${LINES}))), 'USD', '{}'
      FROM numbers({orders:UInt64})`,
  },
  {
    name: 'integration.message',
    rows: (p) => p.messages,
    sql: `INSERT INTO events (${COLUMNS}) SELECT concat('im-', toString(number)), addMilliseconds(${START}, intDiv(number * {span:UInt64}, {messages:UInt64})) AS t, t, 'middleware', 'integration.message', '', '',
      '', '', '', '', '', ['edi-850', 'edi-856', 'erp-orders', 'wms-picks', 'tms-rates', 'ecom-api'][1 + number % 6], NULL, NULL, '',
      concat('{"direction":"in","ok":', if(cityHash64(number) % 100 < 3, 'false', 'true'), ',"latencyMs":', toString(20 + cityHash64(number, 1) % 400),
        if(cityHash64(number, 3) % 50 = 0, ',"retry":1', ''),
        multiIf(cityHash64(number, 4) % 500 = 0, ',"errorCode":"dead_letter"', cityHash64(number, 4) % 500 = 1, ',"errorCode":"duplicate"', ''), '}')
      FROM numbers({messages:UInt64})`,
  },
  {
    name: 'carrier.api_call',
    rows: (p) => p.carrierCalls,
    sql: `INSERT INTO events (${COLUMNS}) SELECT concat('ca-', toString(number)), addMilliseconds(${START}, intDiv(number * {span:UInt64}, {carrierCalls:UInt64})) AS t, t, 'carrier', 'carrier.api_call', '', '',
      '', '', '', ['UPS', 'FEDEX', 'DHL'][1 + number % 3], '', '', NULL, NULL, '',
      concat('{"operation":"track","ok":', if(cityHash64(number) % 100 < 2, 'false', 'true'), ',"latencyMs":', toString(50 + cityHash64(number, 1) % 900), '}')
      FROM numbers({carrierCalls:UInt64})`,
  },
  {
    name: 'inventory.snapshot',
    rows: (p) => p.snapshots,
    sql: `INSERT INTO events (${COLUMNS}) SELECT concat('is-', toString(number)), addMilliseconds(${START}, intDiv(number * {span:UInt64}, {snapshots:UInt64})) AS t, t, if(number % 2 = 0, 'erp', 'wms'), 'inventory.snapshot', '', '',
      '', concat('S', toString(number % 20000)), concat('W', toString(number % 4)), '', '', '', NULL, NULL, '',
      concat('{"system":"', if(number % 2 = 0, 'erp', 'wms'), '","onHand":', toString(number % 500), ',"available":', toString(number % 450), '}')
      FROM numbers({snapshots:UInt64})`,
  },
  {
    name: 'exception_log v1',
    rows: (p) => p.exceptions,
    sql: `INSERT INTO exception_log (exception_id, version, updated_at, type, status, severity, priority, team, correlation_key, title, detected_at, order_ids, customer_tier, warehouse, carrier, revenue_at_risk, currency, evidence, detector, detector_version, thresholds, confidence, actor, change, details)
      SELECT concat('X', toString(number)), 1, addMilliseconds(${START}, intDiv(number * 50 * {span:UInt64}, {orders:UInt64}) + 3600000) AS t,
        ['backorder', 'shipment_delay', 'credit_hold', 'pricing_discrepancy', 'carrier_failure'][1 + number % 5] AS x, 'open', ['critical', 'high', 'medium', 'low'][1 + number % 4], 50,
        ['warehouse', 'transportation', 'finance', 'pricing', 'transportation'][1 + number % 5], concat('order:', toString(number)), 'generated', t,
        [concat('O', leftPad(toString(number * 50), 10, '0'))], ['strategic', 'A', 'B', 'C'][1 + (number * 50) % 4], concat('W', toString((number * 50) % 4)), '', 100 + number % 900, 'USD', [], x, '1', '{}', 0.9, x, 'detected', '{}'
      FROM numbers({exceptions:UInt64})`,
  },
  {
    name: 'exception_log v2',
    rows: (p) => {
      const days = p.spanMs / 86_400_000;
      const old = Math.floor((p.exceptions * (days - 3)) / days);
      let recent = 0;
      for (let n = old; n < p.exceptions; n++) if (n % 10 < 7) recent++;
      return old + recent;
    },
    sql: `INSERT INTO exception_log (exception_id, version, updated_at, type, status, severity, priority, team, correlation_key, title, detected_at, resolved_at, order_ids, customer_tier, warehouse, carrier, revenue_at_risk, currency, evidence, detector, detector_version, thresholds, confidence, resolution_reason, actor, change, details)
      SELECT concat('X', toString(number)), 2, addMilliseconds(d, 600000 + cityHash64(number) % 86400000) AS t,
        ['backorder', 'shipment_delay', 'credit_hold', 'pricing_discrepancy', 'carrier_failure'][1 + number % 5] AS x, 'resolved', ['critical', 'high', 'medium', 'low'][1 + number % 4], 50,
        ['warehouse', 'transportation', 'finance', 'pricing', 'transportation'][1 + number % 5], concat('order:', toString(number)), 'generated',
        addMilliseconds(${START}, intDiv(number * 50 * {span:UInt64}, {orders:UInt64}) + 3600000) AS d, t,
        [concat('O', leftPad(toString(number * 50), 10, '0'))], ['strategic', 'A', 'B', 'C'][1 + (number * 50) % 4], concat('W', toString((number * 50) % 4)), '', 100 + number % 900, 'USD', [], x, '1', '{}', 0.9,
        if(number % 2 = 0, 'manual', 'auto'), if(number % 2 = 0, concat('user-', toString(number % 40)), 'system'), 'resolved', '{}'
      FROM numbers({exceptions:UInt64}) WHERE number % 10 < 7 OR number < {exceptions:UInt64} * ({days:UInt64} - 3) / {days:UInt64}`,
  },
];

export type LoadStep = { name: string; rows: number; ms: number };

/** Runs the generators one after another; `onStep` reports each as it finishes. */
export async function generate(client: ClickHouseClient, opts: GenerateOptions, onStep: (s: LoadStep) => void): Promise<LoadStep[]> {
  const p = plan(opts);
  const params = { start: opts.startIso, span: p.spanMs, days: opts.days, orders: p.orders, messages: Math.max(1, p.messages), carrierCalls: Math.max(1, p.carrierCalls), snapshots: Math.max(1, p.snapshots), exceptions: p.exceptions };
  const steps: LoadStep[] = [];
  for (const s of STATEMENTS) {
    const rows = s.rows(p);
    if (rows === 0) continue;
    const t = performance.now();
    await client.command({ query: s.sql, query_params: params, clickhouse_settings: { max_execution_time: 0, max_insert_threads: '2' } });
    const step = { name: s.name, rows, ms: performance.now() - t };
    steps.push(step);
    onStep(step);
  }
  return steps;
}
