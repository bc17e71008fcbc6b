// Connector deliveries: each command sent to a system of record, with its state
// (sending → succeeded | dead_letter) written through to ClickHouse. Dead letters stay
// listed until an operator replays them; a replay sends the same idempotency key again.
import type { ClickHouseClient } from '@clickhouse/client';
import { fromChTime, toChTime } from '../store/eventRow.ts';
import type { ConnectorName } from '../triage/catalogue.ts';

/** `cancelled`: recorded, but the request that made it was refused before anything was sent. */
export type DeliveryStatus = 'sending' | 'succeeded' | 'dead_letter' | 'replayed' | 'cancelled';
export type Delivery = {
  id: string;
  version: number;
  connector: ConnectorName;
  action: string;
  url: string;
  exceptionId: string;
  idempotencyKey: string;
  body: unknown;
  status: DeliveryStatus;
  attempts: number;
  lastError: string;
  response: string;
  updatedAt: string;
};

const toRow = (d: Delivery) => ({
  id: d.id,
  version: d.version,
  connector: d.connector,
  action: d.action,
  url: d.url,
  exception_id: d.exceptionId,
  idempotency_key: d.idempotencyKey,
  body: JSON.stringify(d.body),
  status: d.status,
  attempts: d.attempts,
  last_error: d.lastError,
  response: d.response,
  updated_at: toChTime(d.updatedAt),
});

export class DeliveryStore {
  private readonly byId = new Map<string, Delivery>();
  private constructor(private readonly client: ClickHouseClient) {}

  /** Loads deliveries that still need attention: dead letters and ones cut off mid-send. */
  static async open(client: ClickHouseClient): Promise<DeliveryStore> {
    const store = new DeliveryStore(client);
    const rs = await client.query({ query: `SELECT * FROM connector_deliveries FINAL WHERE status IN ('sending', 'dead_letter')`, format: 'JSONEachRow' });
    for (const r of await rs.json<Record<string, unknown>>()) {
      store.byId.set(String(r.id), {
        id: String(r.id),
        version: Number(r.version),
        connector: r.connector as ConnectorName,
        action: String(r.action),
        url: String(r.url),
        exceptionId: String(r.exception_id),
        idempotencyKey: String(r.idempotency_key),
        body: JSON.parse(String(r.body)),
        status: r.status as DeliveryStatus,
        attempts: Number(r.attempts),
        lastError: String(r.last_error),
        response: String(r.response),
        updatedAt: fromChTime(String(r.updated_at)),
      });
    }
    return store;
  }

  get(id: string) {
    return this.byId.get(id);
  }

  list(status?: DeliveryStatus): Delivery[] {
    return [...this.byId.values()].filter((d) => !status || d.status === status).sort((a, b) => b.updatedAt.localeCompare(a.updatedAt));
  }

  async save(d: Delivery): Promise<Delivery> {
    await this.client.insert({ table: 'connector_deliveries', values: [toRow(d)], format: 'JSONEachRow' });
    // Only deliveries that may need attention stay in memory; finished ones live in the table.
    if (d.status === 'succeeded' || d.status === 'cancelled') this.byId.delete(d.id);
    else this.byId.set(d.id, d);
    return d;
  }
}
