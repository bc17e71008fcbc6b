import { describe, expect, it } from 'vitest';
import { triageException, createTriage, FORMULA_VERSION, WEIGHTS } from '../../server/triage/triage.ts';
import { parseRoutingRules } from '../../server/triage/routing.ts';
import type { TriageInput } from '../../server/contracts/triage.ts';

const NOW = Date.parse('2025-03-03T10:00:00Z');
const base = (over: Partial<TriageInput>): TriageInput => ({
  type: 'shipment_delay',
  detectedAt: '2025-03-03T09:00:00Z',
  orderIds: ['O-1'],
  revenueAtRisk: 1000,
  details: {},
  ...over,
});

describe('triageException', () => {
  it('ranks a delayed same-day order of a strategic account above a low-value order with a flexible lead time', () => {
    const urgent = triageException(base({ customerTier: 'strategic', revenueAtRisk: 5000, slaDueAt: '2025-03-03T11:00:00Z', details: { sameDay: true } }), NOW);
    const relaxed = triageException(base({ customerTier: 'C', revenueAtRisk: 200, slaDueAt: '2025-03-13T10:00:00Z' }), NOW);
    expect(urgent.priority).toBeGreaterThan(relaxed.priority + 30);
    expect(urgent.severity).toBe('critical');
    expect(['low', 'medium']).toContain(relaxed.severity);
  });

  it('returns its parts, which add up to the priority, with the formula version', () => {
    const r = triageException(base({ customerTier: 'A', slaDueAt: '2025-03-03T14:00:00Z' }), NOW);
    expect(r.formulaVersion).toBe(FORMULA_VERSION);
    expect(Object.keys(r.parts).sort()).toEqual(Object.keys(WEIGHTS).sort());
    const sum = Object.values(r.parts).reduce((s, p) => s + p.contribution, 0);
    expect(Math.abs(sum - r.priority)).toBeLessThanOrEqual(1);
    expect(r.parts.urgency.value).toBeCloseTo(0.5, 2); // 4 h left = one half-life
  });

  it('counts a breached SLA as full urgency and stays within 0..100', () => {
    const r = triageException(base({ customerTier: 'strategic', revenueAtRisk: 1e9, slaDueAt: '2025-03-01T00:00:00Z', details: { sameDay: true, affectedOrders: 5000 } }), NOW);
    expect(r.parts.urgency.value).toBe(1);
    expect(r.priority).toBe(100);
  });

  it('weighs margin impact for pricing and exposure for credit', () => {
    const small = triageException(base({ type: 'pricing_discrepancy', details: { marginImpact: 5 } }), NOW);
    const big = triageException(base({ type: 'pricing_discrepancy', details: { marginImpact: -8000 } }), NOW);
    expect(big.parts.typeImpact.value).toBeGreaterThan(small.parts.typeImpact.value);
    const lowExp = triageException(base({ type: 'credit_hold', details: { exposure: 1000 } }), NOW);
    const highExp = triageException(base({ type: 'credit_hold', details: { exposure: 900_000 } }), NOW);
    expect(highExp.priority).toBeGreaterThan(lowExp.priority);
    expect(highExp.team).toBe('finance');
  });

  it('routes by type and lets configured rules override the table', () => {
    expect(triageException(base({ type: 'backorder' }), NOW).team).toBe('warehouse');
    expect(triageException(base({ type: 'inventory_sync_divergence', details: { stale: true } }), NOW).team).toBe('it');
    const rules = parseRoutingRules(JSON.stringify([{ team: 'customer_service', when: { type: 'backorder', customerTier: 'strategic' } }]));
    const triage = createTriage(rules);
    expect(triage(base({ type: 'backorder', customerTier: 'strategic' }), NOW).team).toBe('customer_service');
    expect(triage(base({ type: 'backorder', customerTier: 'B' }), NOW).team).toBe('warehouse');
  });

  it('names the rule field that is wrong', () => {
    expect(() => parseRoutingRules('[{"team":"nobody","when":{}}]')).toThrow(/0\.team/);
  });
});
