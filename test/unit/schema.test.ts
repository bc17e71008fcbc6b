import { describe, expect, it } from 'vitest';
import { EVENT_TYPES, validateEvent } from '../../server/events/schema.ts';
import { sampleEvent } from '../fixtures/events.ts';

describe('common event model v1', () => {
  it.each(EVENT_TYPES)('accepts a well-formed %s event', (type) => {
    const result = validateEvent(sampleEvent(type));
    expect(result).toMatchObject({ ok: true, event: { type } });
  });

  it('names every wrong field with its path', () => {
    const event = sampleEvent('order.created') as any;
    event.attrs.lines[0].qty = 'ten';
    event.source = 'fax';
    const result = validateEvent(event);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error).toContain('attrs.lines[0].qty: Invalid input: expected number, received string');
    expect(result.error).toContain('source: Invalid option');
  });

  it('rejects an unknown event type by name', () => {
    expect(validateEvent({ ...sampleEvent('order.invoiced'), type: 'order.teleported' })).toEqual({ ok: false, error: "type: unknown event type 'order.teleported'" });
  });

  it('rejects misspelled top-level keys instead of dropping them', () => {
    const result = validateEvent({ ...sampleEvent('order.invoiced'), orderID: 'O-2' });
    expect(result).toEqual({ ok: false, error: '(event): Unrecognized key: "orderID"' });
  });

  it('requires the join keys a type cannot do without', () => {
    const { orderId: _drop, ...event } = sampleEvent('order.held');
    expect(validateEvent(event)).toEqual({ ok: false, error: 'orderId: required for order.held' });
  });

  it('normalises event time to UTC milliseconds and rejects times without a zone', () => {
    const ok = validateEvent({ ...sampleEvent('order.invoiced'), ts: '2026-11-26T12:30:00+02:00' });
    expect(ok).toMatchObject({ ok: true, event: { ts: '2026-11-26T10:30:00.000Z' } });
    const noZone = validateEvent({ ...sampleEvent('order.invoiced'), ts: '2026-11-26T12:30:00' });
    expect(noZone).toMatchObject({ ok: false, error: expect.stringContaining('ts:') });
  });

  it('lifts lineId from attrs to the join key when only attrs carry it', () => {
    const { lineId: _drop, ...event } = sampleEvent('order.priced');
    const result = validateEvent({ ...event, attrs: { ...event.attrs, lineId: 'L7' } });
    expect(result).toMatchObject({ ok: true, event: { lineId: 'L7' } });
  });

  it('refuses non-objects with the kind it received', () => {
    expect(validateEvent([1])).toEqual({ ok: false, error: '(event): expected an object, received array' });
    expect(validateEvent(null)).toEqual({ ok: false, error: '(event): expected an object, received null' });
  });

  it('refuses nested objects in free-form attrs', () => {
    const result = validateEvent({ ...sampleEvent('order.invoiced'), attrs: { note: { deep: true } } });
    expect(result).toMatchObject({ ok: false, error: expect.stringContaining('attrs.note') });
  });
});
