// Maps a validated event to a row of the `events` table and back.
import type { CtEvent } from '../events/schema.ts';

export type EventRow = {
  id: string;
  ts: string;
  ingested_at: string;
  source: string;
  type: string;
  order_id: string;
  line_id: string;
  customer_id: string;
  sku: string;
  warehouse: string;
  carrier: string;
  shipment_id: string;
  interface: string;
  qty: number | null;
  amount: number | null;
  currency: string;
  attrs: string;
};

/** ClickHouse DateTime64 text: `2026-01-01 00:00:00.000` (UTC). */
export const toChTime = (iso: string) => iso.replace('T', ' ').replace('Z', '');
export const fromChTime = (ch: string) => `${ch.replace(' ', 'T')}Z`;

export function toEventRow(event: CtEvent, ingestedAtIso: string): EventRow {
  return {
    id: event.id,
    ts: toChTime(event.ts),
    ingested_at: toChTime(ingestedAtIso),
    source: event.source,
    type: event.type,
    order_id: event.orderId ?? '',
    line_id: event.lineId ?? '',
    customer_id: event.customerId ?? '',
    sku: event.sku ?? '',
    warehouse: event.warehouse ?? '',
    carrier: event.carrier ?? '',
    shipment_id: event.shipmentId ?? '',
    interface: event.interface ?? '',
    qty: event.qty ?? null,
    amount: event.amount ?? null,
    currency: event.currency ?? '',
    attrs: JSON.stringify(event.attrs),
  };
}

const optional = (v: string) => (v === '' ? undefined : v);

export function fromEventRow(row: EventRow): CtEvent {
  const event: Record<string, unknown> = {
    id: row.id,
    ts: fromChTime(row.ts),
    source: row.source,
    type: row.type,
    orderId: optional(row.order_id),
    lineId: optional(row.line_id),
    customerId: optional(row.customer_id),
    sku: optional(row.sku),
    warehouse: optional(row.warehouse),
    carrier: optional(row.carrier),
    shipmentId: optional(row.shipment_id),
    interface: optional(row.interface),
    qty: row.qty ?? undefined,
    amount: row.amount ?? undefined,
    currency: optional(row.currency),
    attrs: JSON.parse(row.attrs),
  };
  for (const k of Object.keys(event)) if (event[k] === undefined) delete event[k];
  return event as CtEvent;
}
