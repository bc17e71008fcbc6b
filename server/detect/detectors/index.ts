// The eleven detectors, built from one configuration.
import type { DetectorConfig } from '../config.ts';
import type { Detector } from '../signal.ts';
import { createBackorderDetector } from './backorder.ts';
import { createCarrierFailureDetector } from './carrierFailure.ts';
import { createCreditHoldDetector } from './creditHold.ts';
import { createDuplicateOrderDetector } from './duplicateOrder.ts';
import { createIntegrationFailureDetector } from './integrationFailure.ts';
import { createInventorySyncDivergenceDetector } from './inventorySyncDivergence.ts';
import { createMissingMasterDataDetector } from './missingMasterData.ts';
import { createOrderAnomalyDetector } from './orderAnomaly.ts';
import { createPricingDiscrepancyDetector } from './pricingDiscrepancy.ts';
import { createRoutingViolationDetector } from './routingViolation.ts';
import { createShipmentDelayDetector } from './shipmentDelay.ts';

export function createDetectors(config: DetectorConfig): Detector[] {
  return [
    createBackorderDetector(config.backorder),
    createInventorySyncDivergenceDetector(config.inventory_sync_divergence),
    createPricingDiscrepancyDetector(config.pricing_discrepancy),
    createCreditHoldDetector(config.credit_hold),
    createShipmentDelayDetector(config.shipment_delay),
    createCarrierFailureDetector(config.carrier_failure),
    createDuplicateOrderDetector(config.duplicate_order),
    createMissingMasterDataDetector(config.missing_master_data),
    createRoutingViolationDetector(config.routing_violation),
    createIntegrationFailureDetector(config.integration_failure),
    createOrderAnomalyDetector(config.order_anomaly),
  ];
}
