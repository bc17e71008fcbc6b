import { describe, expect, it } from 'vitest';
import { ExceptionBook } from '../../server/exceptions/book.ts';
import { triageException } from '../../server/triage/triage.ts';
import { retriageActive } from '../../server/triage/retriage.ts';
import { makeException } from '../fixtures/exceptions.ts';

describe('retriage', () => {
  it('raises the priority of an exception as its SLA comes due, and leaves stable ones alone', async () => {
    const stored: unknown[] = [];
    const book = new ExceptionBook({ persist: async (rows) => void stored.push(...rows), flushMs: 1 });
    const detectedAt = Date.parse('2025-03-03T09:00:00Z');
    const input = (x: ReturnType<typeof makeException>) => ({ ...x, details: { sameDay: true } });
    const due = input(makeException({ type: 'shipment_delay', team: 'transportation', customerTier: 'strategic', slaDueAt: '2025-03-04T09:00:00.000Z' }));
    const noSla = input(makeException({ type: 'shipment_delay', team: 'customer_service' }));
    for (const x of [due, noSla]) {
      const t = triageException(x, detectedAt);
      await book.commit({ ...x, priority: t.priority, severity: t.severity });
    }
    const before = book.get(due.id)!.priority;
    expect(await retriageActive(book, triageException, detectedAt + 60_000)).toBe(0);
    expect(await retriageActive(book, triageException, Date.parse('2025-03-04T08:30:00Z'))).toBe(1);
    const after = book.get(due.id)!;
    expect(after).toMatchObject({ version: 2, change: 'reprioritized', actor: 'system:triage', team: 'transportation' });
    expect(after.priority).toBeGreaterThan(before + 10);
    expect(book.get(noSla.id)!.version).toBe(1);
    await book.flush();
    expect(stored).toHaveLength(3);
  });
});
