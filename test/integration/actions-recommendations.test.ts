import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Subject } from 'rxjs';
import type { ExceptionRecord } from '../../server/contracts/exception.ts';
import { openStore, type Store } from '../../server/store/client.ts';
import { migrate } from '../../server/store/migrate.ts';
import { OutcomeRecorder } from '../../server/actions/outcomes.ts';
import { Recommender } from '../../server/triage/recommender.ts';
import { MODEL_VERSION } from '../../server/triage/recommend.ts';
import { makeException } from '../fixtures/exceptions.ts';
import { testConfig, tempDataDir } from '../fixtures/towerServer.ts';

let store: Store;
const NOW = Date.parse('2025-03-10T12:00:00Z');
const hours = (h: number) => new Date(Date.parse('2025-03-03T10:00:00Z') + h * 3_600_000).toISOString();

/** One exception's history: the action executed at 0 h, resolved after `resolveAfter` h, maybe reopened. */
function history(action: string, resolveAfter: number | null, reopened: boolean, over: Partial<ExceptionRecord> = {}): ExceptionRecord[] {
  const x = makeException(over);
  const lastAction = { action, by: 'usr_x', executedAt: hours(0) };
  const executed = { ...x, version: 2, status: 'in_progress' as const, change: 'action_executed', details: { ...x.details, lastAction } };
  if (resolveAfter === null) return [executed];
  const resolved = { ...executed, version: 3, status: 'resolved' as const, change: 'resolved', resolvedAt: hours(resolveAfter) };
  return reopened ? [executed, resolved, { ...resolved, version: 4, status: 'open' as const, change: 'reopened', resolvedAt: undefined }] : [executed, resolved];
}

beforeAll(async () => {
  store = await openStore(testConfig(tempDataDir('recommend')));
  await migrate(store.client);
  const changes = new Subject<ExceptionRecord>();
  const recorder = new OutcomeRecorder(store.client);
  recorder.follow(changes);
  const fixture = [
    ...Array.from({ length: 6 }, () => history('partial_release', 1, false)),
    ...Array.from({ length: 6 }, (_, i) => history('release_hold', 1, i < 4)),
    ...Array.from({ length: 2 }, () => history('keep_hold', null, false)),
    // Another tier: evidence for the type, but not for A-tier exceptions of this size.
    ...Array.from({ length: 2 }, () => history('keep_hold', 0.5, false, { customerTier: 'C' })),
  ];
  for (const versions of fixture) for (const v of versions) changes.next(v);
  await recorder.flush();
});
afterAll(async () => {
  await store?.close();
});

describe('recommendation ranking from outcomes', () => {
  it('ranks first the action that resolved similar exceptions fastest without reopening', async () => {
    const rec = await new Recommender({ client: store.client, now: () => NOW }).recommend(makeException());
    expect(rec).toMatchObject({ basis: 'similar_outcomes', modelVersion: MODEL_VERSION, evidenceCount: 14 });
    expect(rec.actions.map((a) => a.action)).toEqual(['partial_release', 'release_hold', 'keep_hold']);
    expect(rec.actions[0].evidence).toEqual({ n: 6, resolvedWithoutReopen: 6, meanResolutionSeconds: 3600 });
    expect(rec.actions[1].evidence).toMatchObject({ n: 6, resolvedWithoutReopen: 2 });
    expect(rec.confidence).toBeGreaterThan(0);
    expect(rec.confidence).toBeLessThan(1);
  });

  it('widens to the exception type when few similar exceptions exist', async () => {
    const rec = await new Recommender({ client: store.client, now: () => NOW }).recommend(makeException({ customerTier: 'strategic' }));
    expect(rec.basis).toBe('type_outcomes');
    expect(rec.evidenceCount).toBe(16);
    expect(rec.note).toMatch(/credit_hold/);
  });

  it('falls back to catalogue order, and says so, with no history', async () => {
    const rec = await new Recommender({ client: store.client, now: () => NOW }).recommend(makeException({ type: 'backorder', team: 'warehouse' }));
    expect(rec).toMatchObject({ basis: 'catalogue', evidenceCount: 0, confidence: 0, note: expect.stringMatching(/catalogue order/) });
    expect(rec.actions.map((a) => a.action)).toEqual(['reallocate', 'partial_ship', 'substitute']);
  });

  it('suggests release conditions from the credit facts', async () => {
    const rec = await new Recommender({ client: store.client, now: () => NOW }).recommend(makeException());
    const partial = rec.actions.find((a) => a.action === 'partial_release')!;
    // limit 50 000 − (exposure 48 000 − order 5 000) = 7 000 available ≥ order 5 000
    expect(partial.suggested!.params).toEqual({ maxAmount: 5000 });
    expect(partial.suggested!.conditions.join(' ')).toMatch(/overdue balance of 1200/);
  });
});
