// Every threshold and tolerance of the detection engine in one versioned configuration.
// Each detector's schema (with its defaults, documented) sits next to the detector; this file
// composes them, adds the engine's own settings and loads an optional JSON file
// (config key `detectorConfigPath`). `GET /api/v1/detectors/config` shows the effective values.
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { formatIssues } from '../events/schema.ts';
import { backorderConfig } from './detectors/backorder.ts';
import { carrierFailureConfig } from './detectors/carrierFailure.ts';
import { creditHoldConfig } from './detectors/creditHold.ts';
import { duplicateOrderConfig } from './detectors/duplicateOrder.ts';
import { integrationFailureConfig } from './detectors/integrationFailure.ts';
import { inventorySyncDivergenceConfig } from './detectors/inventorySyncDivergence.ts';
import { missingMasterDataConfig } from './detectors/missingMasterData.ts';
import { orderAnomalyConfig } from './detectors/orderAnomaly.ts';
import { pricingDiscrepancyConfig } from './detectors/pricingDiscrepancy.ts';
import { routingViolationConfig } from './detectors/routingViolation.ts';
import { shipmentDelayConfig } from './detectors/shipmentDelay.ts';

/** Bumped whenever a default changes, so exceptions can be traced to the thresholds that made them. */
export const DETECTOR_CONFIG_VERSION = '2025.1';

export const engineConfig = z
  .object({
    /**
     * Watermark rule: the watermark is the newest event time seen. When no event arrives, the
     * scheduler moves it on with the clock to (now − `idleLagSeconds`), but only while the
     * stream is live (its newest event was within `liveWindowMinutes` of the clock when it
     * arrived), so an import of old history is never judged against today.
     */
    idleLagSeconds: z.number().min(0).default(5),
    liveWindowMinutes: z.number().positive().default(60),
    /** How often (clock) the scheduler checks the watermark; also how often time-based detections fire at most. */
    tickSeconds: z.number().positive().default(1),
    /** Updates to an open exception are folded into one version at most this often (event time). */
    updateIntervalSeconds: z.number().min(0).default(60),
    /** Evidence event ids kept per exception: the first half and the most recent half. */
    maxEvidence: z.number().int().min(2).default(50),
    /** Orders linked to one exception at most (a long outage touches many). */
    maxOrderIds: z.number().int().min(1).default(1000),
    /** Per-order facts kept for impact (lines × price, tier, promise): orders and their lifetime. */
    maxOrders: z.number().int().positive().default(300_000),
    orderTtlHours: z.number().positive().default(96),
    /** How far back (event time, before the newest stored event) a restart replays events to rebuild state. */
    replayHours: z.number().min(0).default(72),
    defaultCurrency: z.string().regex(/^[A-Z]{3}$/).default('USD'),
  })
  .default({
    idleLagSeconds: 5,
    liveWindowMinutes: 60,
    tickSeconds: 1,
    updateIntervalSeconds: 60,
    maxEvidence: 50,
    maxOrderIds: 1000,
    maxOrders: 300_000,
    orderTtlHours: 96,
    replayHours: 72,
    defaultCurrency: 'USD',
  });

export const detectorConfigSchema = z
  .object({
    version: z.string().default(DETECTOR_CONFIG_VERSION),
    engine: engineConfig,
    backorder: backorderConfig,
    inventory_sync_divergence: inventorySyncDivergenceConfig,
    pricing_discrepancy: pricingDiscrepancyConfig,
    credit_hold: creditHoldConfig,
    shipment_delay: shipmentDelayConfig,
    carrier_failure: carrierFailureConfig,
    duplicate_order: duplicateOrderConfig,
    missing_master_data: missingMasterDataConfig,
    routing_violation: routingViolationConfig,
    integration_failure: integrationFailureConfig,
    order_anomaly: orderAnomalyConfig,
  })
  .strict();

export type DetectorConfig = z.infer<typeof detectorConfigSchema>;
export type DetectorConfigInput = z.input<typeof detectorConfigSchema>;

export class DetectorConfigError extends Error {}

export function parseDetectorConfig(input: unknown = {}): DetectorConfig {
  const parsed = detectorConfigSchema.safeParse(input);
  if (!parsed.success) throw new DetectorConfigError(`invalid detector configuration: ${formatIssues(parsed.error)}`);
  return parsed.data;
}

/** Defaults, or the JSON file at `path` over them; the error names the file and the bad key. */
export function loadDetectorConfig(path?: string): DetectorConfig {
  if (!path) return parseDetectorConfig({});
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new DetectorConfigError(`detector configuration ${path} could not be read: ${(err as Error).message}`);
  }
  try {
    return parseDetectorConfig(raw);
  } catch (err) {
    throw new DetectorConfigError(`${path}: ${(err as Error).message}`);
  }
}
