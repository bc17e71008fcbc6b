import { Readable } from 'node:stream';
import type { ClickHouseClient } from '@clickhouse/client';
import type { EventRow } from './eventRow.ts';
import { tsvNumber, tsvText as tsv } from './tsv.ts';

const COLUMNS = [
  'id', 'ts', 'ingested_at', 'source', 'type', 'order_id', 'line_id', 'customer_id', 'sku',
  'warehouse', 'carrier', 'shipment_id', 'interface', 'qty', 'amount', 'currency', 'attrs',
] as const satisfies readonly (keyof EventRow)[];

/**
 * One INSERT per batch; the materialized views record the ids and facts in the same statement.
 * TabSeparated, not JSONEachRow: `attrs` is JSON inside a JSON string, and the engine's JSON
 * reader spent about twice the CPU of its TSV reader on it (104,762 order events: ≈2.0 vs ≈0.8 CPU-s).
 */
export async function insertEvents(client: ClickHouseClient, rows: EventRow[]): Promise<void> {
  if (rows.length === 0) return;
  await client.insert({ table: 'events', columns: [...COLUMNS], values: Readable.from([eventRowsAsTsv(rows)], { objectMode: false }), format: 'TabSeparated' });
}

/** The rows as TabSeparated text in the order of COLUMNS, one line each. */
function eventRowsAsTsv(rows: readonly EventRow[]): string {
  let text = '';
  for (const r of rows) {
    text += `${tsv(r.id)}\t${r.ts}\t${r.ingested_at}\t${tsv(r.source)}\t${tsv(r.type)}\t${tsv(r.order_id)}\t${tsv(r.line_id)}\t${tsv(r.customer_id)}\t${tsv(r.sku)}\t` +
      `${tsv(r.warehouse)}\t${tsv(r.carrier)}\t${tsv(r.shipment_id)}\t${tsv(r.interface)}\t${tsvNumber(r.qty)}\t${tsvNumber(r.amount)}\t${tsv(r.currency)}\t${tsv(r.attrs)}\n`;
  }
  return text;
}
