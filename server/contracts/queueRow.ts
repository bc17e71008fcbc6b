// What the live feed sends per exception: the fields the queue, its filters, the KPI tiles
// and the charts use. The full record (evidence, thresholds, details, detector, actor) is
// fetched when someone opens it (GET /exceptions/:id); sending it for every open exception
// on every (re)connect made a 10,000-row snapshot 5.5 MB (23 MB with real evidence).
import type { ExceptionRecord } from './exception.ts';

/** Order ids kept per row: enough for text search and the incidents table; `orderCount` has the total. */
export const QUEUE_ROW_ORDER_IDS = 20;

export type QueueRow = Pick<
  ExceptionRecord,
  | 'id'
  | 'version'
  | 'type'
  | 'status'
  | 'severity'
  | 'priority'
  | 'team'
  | 'correlationKey'
  | 'title'
  | 'detectedAt'
  | 'updatedAt'
  | 'customerId'
  | 'customerTier'
  | 'sku'
  | 'warehouse'
  | 'carrier'
  | 'interface'
  | 'revenueAtRisk'
  | 'currency'
  | 'slaDueAt'
  | 'orderIds'
> & { orderCount: number };

export function toQueueRow(x: ExceptionRecord): QueueRow {
  return {
    id: x.id,
    version: x.version,
    type: x.type,
    status: x.status,
    severity: x.severity,
    priority: x.priority,
    team: x.team,
    correlationKey: x.correlationKey,
    title: x.title,
    detectedAt: x.detectedAt,
    updatedAt: x.updatedAt,
    customerId: x.customerId,
    customerTier: x.customerTier,
    sku: x.sku,
    warehouse: x.warehouse,
    carrier: x.carrier,
    interface: x.interface,
    revenueAtRisk: x.revenueAtRisk,
    currency: x.currency,
    slaDueAt: x.slaDueAt,
    orderIds: x.orderIds.length > QUEUE_ROW_ORDER_IDS ? x.orderIds.slice(0, QUEUE_ROW_ORDER_IDS) : x.orderIds,
    orderCount: x.orderIds.length,
  };
}
