// Validation of the KPI endpoints' parameters and of the SLA target configuration.
import { describe, expect, it } from 'vitest';
import { parseRange, parseSeries } from '../../server/kpi/kpiQuery.ts';
import { parseSlaTargets, DEFAULT_SLA_TARGETS } from '../../server/kpi/slaTargets.ts';
import { loadConfig } from '../../server/config.ts';

const NOW = Date.parse('2026-03-03T00:00:00Z');
const message = (f: () => unknown) => {
  try {
    f();
  } catch (err) {
    return (err as Error).message;
  }
  throw new Error('expected a rejection');
};

describe('parseRange', () => {
  it('defaults to the 24 hours before now and reads offsets as instants', () => {
    expect(parseRange({}, NOW)).toEqual({ fromMs: NOW - 86_400_000, toMs: NOW, groupBy: undefined, filters: {} });
    const r = parseRange({ from: '2026-03-01T19:00:00-05:00', to: '2026-03-02T12:00:00+02:00', groupBy: 'carrier', tier: 'A' }, NOW);
    expect(r).toEqual({ fromMs: Date.parse('2026-03-02T00:00:00Z'), toMs: Date.parse('2026-03-02T10:00:00Z'), groupBy: 'carrier', filters: { tier: 'A' } });
  });

  it('names what is wrong', () => {
    expect(message(() => parseRange({ from: '2026-03-02', to: '2026-03-03T00:00:00Z' }, NOW))).toMatch(/^from: from must be an ISO-8601 time with a zone/);
    expect(message(() => parseRange({ from: '2026-03-02T00:00:00Z', to: '2026-03-02T00:00:00Z' }, NOW))).toMatch(/must be before to/);
    expect(message(() => parseRange({ from: '2024-01-01T00:00:00Z' }, NOW))).toMatch(/at most 400 days/);
    expect(message(() => parseRange({ groupBy: 'sku' }, NOW))).toMatch(/groupBy 'sku' is not one of type, team, tier, warehouse, carrier, interface/);
    expect(message(() => parseRange({ tier: ['A', 'B'] }, NOW))).toMatch(/'tier' must be given once/);
  });
});

describe('parseSeries', () => {
  it('accepts a known metric and a step', () => {
    expect(parseSeries({ metric: 'events', step: '15m' }, NOW)).toMatchObject({ metric: 'events', stepSeconds: 900 });
  });

  it('refuses unknown metrics, steps and too many points', () => {
    expect(message(() => parseSeries({ metric: 'joy' }, NOW))).toMatch(/unknown metric 'joy'/);
    expect(message(() => parseSeries({ metric: 'events', step: '0m' }, NOW))).toMatch(/step '0m'/);
    expect(message(() => parseSeries({ metric: 'events', step: '1m', from: '2026-01-01T00:00:00Z' }, NOW))).toMatch(/at most 2000/);
  });
});

describe('SLA targets', () => {
  it('overrides the defaults per severity and names a bad entry', () => {
    expect(parseSlaTargets('critical=3600, low=600')).toEqual({ ...DEFAULT_SLA_TARGETS, critical: 3600, low: 600 });
    expect(message(() => parseSlaTargets('urgent=60'))).toMatch(/'urgent=60': severity must be one of critical, high, medium, low/);
    expect(message(() => loadConfig({ CONTROL_TOWER_SLA_TARGETS: 'high=soon' }))).toMatch(/'high=soon': seconds must be a positive number/);
  });
});
