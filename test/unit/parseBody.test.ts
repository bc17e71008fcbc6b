import { describe, expect, it } from 'vitest';
import { parseIngestBody } from '../../server/ingest/parseBody.ts';
import { AppError } from '../../server/errors.ts';
import { sampleEvent } from '../fixtures/events.ts';

const buf = (s: string) => Buffer.from(s, 'utf8');
const catchError = (fn: () => unknown) => {
  try {
    fn();
  } catch (e) {
    return e as AppError;
  }
  throw new Error('expected an error');
};

describe('ingest body parsing', () => {
  it('takes one event, an array, or NDJSON', () => {
    const a = sampleEvent('order.invoiced');
    const b = sampleEvent('order.cancelled');
    expect(parseIngestBody(buf(JSON.stringify(a)), 'application/json').events).toHaveLength(1);
    expect(parseIngestBody(buf(JSON.stringify([a, b])), 'application/json').events).toHaveLength(2);
    expect(parseIngestBody(buf(`${JSON.stringify(a)}\n\n${JSON.stringify(b)}\n`), 'application/x-ndjson; charset=utf-8').events).toHaveLength(2);
  });

  it('rejects invalid items one by one with their index and keeps the rest', () => {
    const good = sampleEvent('order.invoiced');
    const parsed = parseIngestBody(buf(JSON.stringify([good, { ...good, ts: 'yesterday' }, 42])), 'application/json');
    expect(parsed.events.map((e) => e.id)).toEqual([good.id]);
    expect(parsed.rejected).toEqual([
      { index: 1, error: 'ts: Invalid ISO datetime' },
      { index: 2, error: '(event): expected an object, received number' },
    ]);
  });

  it('refuses malformed NDJSON naming the line', () => {
    const err = catchError(() => parseIngestBody(buf(`${JSON.stringify(sampleEvent('order.invoiced'))}\n{"id": \n`), 'application/x-ndjson'));
    expect(err).toBeInstanceOf(AppError);
    expect(err.status).toBe(400);
    expect(err.message).toMatch(/^malformed JSON on line 2: /);
  });

  it('refuses invalid UTF-8 and empty bodies', () => {
    expect(catchError(() => parseIngestBody(Buffer.from([0x7b, 0xff, 0x7d]), 'application/json')).message).toBe('body is not valid UTF-8');
    expect(catchError(() => parseIngestBody(Buffer.alloc(0), 'application/json')).message).toMatch(/^empty body/);
  });
});

describe('lone surrogates', () => {
  it('rejects an item whose text holds a lone surrogate escape, naming the field, and keeps escaped pairs', () => {
    const body = Buffer.from(`[${JSON.stringify({ ...sampleEvent('order.invoiced'), id: 'a\udfff' })},${JSON.stringify({ ...sampleEvent('order.invoiced'), orderId: 'O-\ud83d\ude00' })}]`);
    const batch = parseIngestBody(body, 'application/json');
    expect(batch.rejected).toEqual([{ index: 0, error: 'id: text is not valid Unicode (lone surrogate escape)' }]);
    expect(batch.events.map((e) => e.orderId)).toEqual(['O-😀']);
  });

  it('walks a deeply nested body without overflowing the stack', () => {
    const deep = '{"a":'.repeat(20_000) + '"\\ud800"' + '}'.repeat(20_000);
    expect(parseIngestBody(Buffer.from(deep), 'application/json').rejected[0].error).toMatch(/^a\.a\.a.*: text is not valid Unicode/);
  });
});

describe('lone surrogates in imported files', () => {
  it('rejects an NDJSON file line whose text holds a lone surrogate escape, naming line and field', async () => {
    const { importNdjson } = await import('../../server/ingest/ndjsonAdapter.ts');
    const text = `${JSON.stringify({ ...sampleEvent('order.invoiced'), orderId: 'O-\ud800' })}\n${JSON.stringify(sampleEvent('order.invoiced'))}\n`;
    const results = [];
    for await (const r of importNdjson(text)) results.push(r);
    expect(results[0]).toEqual({ error: { where: 'line 1', reason: 'orderId: text is not valid Unicode (lone surrogate escape)' } });
    expect('event' in results[1]).toBe(true);
  });
});
