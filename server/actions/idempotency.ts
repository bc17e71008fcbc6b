// Idempotency-Key on action requests: the first outcome of a key (per caller) is stored in
// ClickHouse before it is answered, and every retry answers that same outcome, also after
// a restart. Concurrent requests with the same key wait for the first one.
import { createHash } from 'node:crypto';
import type { ClickHouseClient } from '@clickhouse/client';
import { AppError } from '../errors.ts';
import { VersionConflictError } from '../exceptions/book.ts';
import { toChTime } from '../store/eventRow.ts';

export type Outcome = { status: number; body: unknown };
type Stored = Outcome & { requestHash: string };

export const requestHash = (parts: unknown) => createHash('sha256').update(JSON.stringify(parts)).digest('hex');

export class IdempotencyStore {
  private readonly inflight = new Map<string, Promise<Stored>>();
  private readonly recent = new Map<string, Stored>();

  constructor(
    private readonly client: ClickHouseClient,
    private readonly now: () => number,
    private readonly keep = 10_000,
  ) {}

  /**
   * Runs `fn` once per (scope, key). Expected errors (AppError, 4xx) are outcomes too: a
   * retry of a refused request is refused the same way. Unexpected failures are not
   * stored, so the caller may retry them.
   */
  async run(scope: string, key: string, hash: string, fn: () => Promise<Outcome>): Promise<Outcome & { replayed: boolean }> {
    if (!key || key.length > 200) throw new AppError(400, 'idempotency_key_required', 'send an Idempotency-Key header (1–200 characters) with every action request');
    const id = `${scope}\u0000${key}`;
    const pending = this.inflight.get(id);
    const known = pending ? await pending : (this.recent.get(id) ?? (await this.lookup(scope, key)));
    if (known) {
      if (known.requestHash !== hash) throw new AppError(422, 'idempotency_key_reused', `Idempotency-Key '${key}' was already used for a different request`);
      return { status: known.status, body: known.body, replayed: true };
    }
    const work = (async (): Promise<Stored> => {
      let outcome: Outcome;
      try {
        outcome = await fn();
      } catch (err) {
        // A version conflict is transient (someone else changed the exception meanwhile): not an outcome to replay.
        if (!(err instanceof AppError) || err.status >= 500 || err instanceof VersionConflictError) throw err;
        outcome = { status: err.status, body: { error: { code: err.code, message: err.message, details: err.details } } };
      }
      const stored = { ...outcome, requestHash: hash };
      await this.client.insert({
        table: 'idempotency_keys',
        format: 'JSONEachRow',
        values: [{ scope, key, request_hash: hash, status: outcome.status, body: JSON.stringify(outcome.body), created_at: toChTime(new Date(this.now()).toISOString()) }],
      });
      this.remember(id, stored);
      return stored;
    })();
    this.inflight.set(id, work);
    try {
      const stored = await work;
      return { status: stored.status, body: stored.body, replayed: false };
    } finally {
      this.inflight.delete(id);
    }
  }

  private remember(id: string, s: Stored) {
    this.recent.set(id, s);
    while (this.recent.size > this.keep) this.recent.delete(this.recent.keys().next().value!);
  }

  private async lookup(scope: string, key: string): Promise<Stored | undefined> {
    const rs = await this.client.query({
      query: 'SELECT status, body, request_hash FROM idempotency_keys FINAL WHERE scope = {scope:String} AND key = {key:String} LIMIT 1',
      query_params: { scope, key },
      format: 'JSONEachRow',
    });
    const [row] = await rs.json<{ status: number; body: string; request_hash: string }>();
    if (!row) return undefined;
    const stored = { status: Number(row.status), body: JSON.parse(row.body), requestHash: row.request_hash };
    this.remember(`${scope}\u0000${key}`, stored);
    return stored;
  }
}
