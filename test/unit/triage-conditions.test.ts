import { describe, expect, it } from 'vitest';
import { suggestConditions } from '../../server/triage/conditions.ts';
import { makeException } from '../fixtures/exceptions.ts';
import { commandBody } from '../../server/actions/commands.ts';
import { findAction } from '../../server/triage/catalogue.ts';

const NOW = Date.parse('2025-03-03T10:00:00Z');

describe('suggested conditions', () => {
  it('limits a partial credit release to the available credit', () => {
    const x = makeException({ revenueAtRisk: 20_000, details: { creditLimit: 50_000, exposure: 62_000 } });
    expect(suggestConditions(x, 'partial_release', NOW)!.params).toEqual({ maxAmount: 8000 });
    expect(suggestConditions(x, 'release_hold', NOW)!.conditions[0]).toMatch(/12000 USD over the limit/);
  });

  it('reallocates from the cheapest warehouse that covers the shortage', () => {
    const alternatives = [
      { warehouse: 'DC-WEST', available: 500, freightCost: 180 },
      { warehouse: 'DC-SOUTH', available: 40, freightCost: 60 },
      { warehouse: 'DC-NORTH', available: 120, freightCost: 95 },
    ];
    const x = makeException({ type: 'backorder', warehouse: 'DC-EAST', customerTier: 'C', details: { qtyShort: 100, alternatives } });
    expect(suggestConditions(x, 'reallocate', NOW)!.params).toEqual({ warehouse: 'DC-NORTH' });
    const tooBig = makeException({ type: 'backorder', customerTier: 'strategic', details: { qtyShort: 1000, alternatives } });
    expect(suggestConditions(tooBig, 'reallocate', NOW)!.params).toEqual({ warehouse: 'DC-WEST' });
    const cTier = makeException({ type: 'backorder', customerTier: 'C', details: { qtyShort: 1000, alternatives } });
    expect(suggestConditions(cTier, 'reallocate', NOW)!.params).toEqual({});
  });

  it('picks the alternate carrier that meets the SLA with the best on-time rate', () => {
    const x = makeException({
      type: 'carrier_failure',
      carrier: 'UPS',
      slaDueAt: '2025-03-04T10:00:00Z',
      details: { alternateCarriers: [{ carrier: 'FDX', transitHours: 48, onTimeRate: 0.99 }, { carrier: 'DHL', transitHours: 20, onTimeRate: 0.93, cost: 30 }, { carrier: 'ONT', transitHours: 12, onTimeRate: 0.9, cost: 20 }] },
    });
    expect(suggestConditions(x, 'reroute', NOW)!.params).toEqual({ toCarrier: 'DHL' });
  });
});

describe('connector command body', () => {
  it('never names the warehouse that ran short as the reallocation source', () => {
    const x = makeException({ type: 'backorder', warehouse: 'DC-EAST', sku: 'SKU-1' });
    expect(commandBody(findAction('backorder', 'reallocate')!, x, 'k', {})).not.toHaveProperty('warehouse');
    expect(commandBody(findAction('backorder', 'reallocate')!, x, 'k', { warehouse: 'DC-WEST' })).toMatchObject({ kind: 'reallocate', warehouse: 'DC-WEST', sku: 'SKU-1', orderId: x.orderIds[0] });
    const sync = makeException({ type: 'inventory_sync_divergence', warehouse: 'DC-EAST', sku: 'SKU-1' });
    expect(commandBody(findAction('inventory_sync_divergence', 'resync_inventory')!, sync, 'k', {})).toMatchObject({ kind: 'resync_inventory', warehouse: 'DC-EAST' });
  });
});
