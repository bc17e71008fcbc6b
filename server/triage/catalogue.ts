// Next-best actions per exception type (DESIGN.md §4), each with its risk, the policy that
// governs it, who may ask for it, its preconditions and the system that carries it out.
// Catalogue order is the fallback ranking when there is no outcome history.
import type { ActionKind } from '../contracts/actionCommand.ts';
import type { ExceptionRecord, ExceptionType } from '../contracts/exception.ts';
import type { Role } from '../auth/roles.ts';

export type Risk = 'low' | 'medium' | 'high';
export type Policy = { mode: 'auto' } | { mode: 'approval'; role: Role } | { mode: 'recommend_only' };
export type ConnectorName = 'erp' | 'tms' | 'service_desk';

export type ActionDef = {
  action: string;
  label: string;
  risk: Risk;
  policy: Policy;
  /** Roles that may ask for it (admin always may). */
  requestRoles: Role[];
  /** Where it is executed; none for a decision that changes nothing outside (keep the hold). */
  connector?: ConnectorName;
  /** The ActionCommand kind sent to the ERP/TMS; service-desk cases carry the action name. */
  command?: ActionKind;
  /** A successful execution resolves the exception (otherwise it stays in progress). */
  resolves: boolean;
  /** The command acts on one order (the first, or `params.orderId`): on an exception over several orders it resolves nothing by itself. */
  orderLevel?: boolean;
  /** Returns why the action cannot apply to this exception, or undefined. */
  precondition?: (x: ExceptionRecord) => string | undefined;
};

const needsOrder = (x: ExceptionRecord) => (x.orderIds.length ? undefined : 'the exception names no order');
const needsCarrier = (x: ExceptionRecord) => (x.carrier ? undefined : 'the exception names no carrier');

const ops: Role[] = ['operations'];

export const CATALOGUE: Record<ExceptionType, ActionDef[]> = {
  backorder: [
    { action: 'reallocate', label: 'Reallocate from an alternate warehouse', risk: 'medium', policy: { mode: 'auto' }, requestRoles: ['warehouse', 'operations'], connector: 'erp', command: 'reallocate', resolves: true, precondition: needsOrder, orderLevel: true },
    { action: 'partial_ship', label: 'Ship what is available, backorder the rest', risk: 'medium', policy: { mode: 'recommend_only' }, requestRoles: ['warehouse', 'operations'], resolves: false },
    { action: 'substitute', label: 'Offer a substitute item', risk: 'high', policy: { mode: 'recommend_only' }, requestRoles: ['warehouse', 'operations'], resolves: false },
  ],
  inventory_sync_divergence: [
    { action: 'resync_inventory', label: 'Resync ERP with WMS', risk: 'low', policy: { mode: 'auto' }, requestRoles: ['it', 'warehouse'], connector: 'erp', command: 'resync_inventory', resolves: true },
    { action: 'open_incident', label: 'Open an incident; flag at-risk orders before wave release', risk: 'low', policy: { mode: 'auto' }, requestRoles: ['it', 'warehouse'], connector: 'service_desk', resolves: false },
  ],
  pricing_discrepancy: [
    { action: 'apply_contract_price', label: 'Apply the contract price', risk: 'low', policy: { mode: 'auto' }, requestRoles: ['pricing'], connector: 'erp', command: 'apply_contract_price', resolves: true, precondition: needsOrder, orderLevel: true },
    { action: 'approve_override', label: 'Keep the order price (margin override)', risk: 'high', policy: { mode: 'approval', role: 'pricing' }, requestRoles: ['pricing'], connector: 'erp', command: 'release_hold', resolves: true, precondition: needsOrder, orderLevel: true },
  ],
  credit_hold: [
    { action: 'release_hold', label: 'Release the credit hold', risk: 'high', policy: { mode: 'approval', role: 'finance' }, requestRoles: ['finance', 'operations'], connector: 'erp', command: 'release_hold', resolves: true, precondition: needsOrder, orderLevel: true },
    { action: 'partial_release', label: 'Release part of the order, up to the available credit', risk: 'high', policy: { mode: 'approval', role: 'finance' }, requestRoles: ['finance', 'operations'], connector: 'erp', command: 'partial_release', resolves: true, precondition: needsOrder, orderLevel: true },
    { action: 'keep_hold', label: 'Keep the hold and contact the customer', risk: 'low', policy: { mode: 'auto' }, requestRoles: ['finance'], resolves: false },
  ],
  shipment_delay: [
    { action: 'expedite', label: 'Expedite the shipment', risk: 'medium', policy: { mode: 'auto' }, requestRoles: ops, connector: 'tms', command: 'expedite', resolves: true, precondition: needsOrder, orderLevel: true },
    { action: 'notify_customer', label: 'Notify the customer of the new date', risk: 'low', policy: { mode: 'auto' }, requestRoles: ops, connector: 'service_desk', resolves: false },
  ],
  carrier_failure: [
    { action: 'reroute', label: 'Reroute to an alternate carrier', risk: 'medium', policy: { mode: 'auto' }, requestRoles: ['operations', 'it'], connector: 'tms', command: 'reroute', resolves: true, precondition: needsCarrier },
    { action: 'open_incident', label: 'Open an incident with the carrier', risk: 'low', policy: { mode: 'auto' }, requestRoles: ['operations', 'it'], connector: 'service_desk', resolves: false },
  ],
  duplicate_order: [
    { action: 'suppress_duplicate', label: 'Suppress fulfillment of the duplicate', risk: 'high', policy: { mode: 'approval', role: 'operations' }, requestRoles: ops, connector: 'erp', command: 'suppress_duplicate', resolves: true, precondition: needsOrder, orderLevel: true },
    { action: 'open_review', label: 'Open a review task', risk: 'low', policy: { mode: 'auto' }, requestRoles: ops, connector: 'service_desk', resolves: false },
  ],
  missing_master_data: [
    { action: 'hold_order', label: 'Hold the order until corrected', risk: 'low', policy: { mode: 'auto' }, requestRoles: ops, connector: 'erp', command: 'hold_order', resolves: false, precondition: needsOrder, orderLevel: true },
    { action: 'route_for_correction', label: 'Route to master data for correction', risk: 'low', policy: { mode: 'auto' }, requestRoles: ops, connector: 'service_desk', resolves: false },
  ],
  routing_violation: [
    { action: 'consolidate', label: 'Consolidate into one shipment', risk: 'medium', policy: { mode: 'auto' }, requestRoles: ops, connector: 'tms', command: 'consolidate', resolves: true, precondition: needsOrder, orderLevel: true },
    { action: 'request_waiver', label: 'Request a routing-guide waiver', risk: 'low', policy: { mode: 'recommend_only' }, requestRoles: ops, resolves: false },
  ],
  integration_failure: [
    { action: 'replay_messages', label: 'Replay the failed messages', risk: 'low', policy: { mode: 'auto' }, requestRoles: ['it'], connector: 'erp', command: 'replay_messages', resolves: true },
    { action: 'open_incident', label: 'Open an incident', risk: 'low', policy: { mode: 'auto' }, requestRoles: ['it'], connector: 'service_desk', resolves: false },
  ],
  order_anomaly: [
    { action: 'confirm_with_customer', label: 'Confirm the order with the customer', risk: 'low', policy: { mode: 'auto' }, requestRoles: ops, connector: 'erp', command: 'confirm_with_customer', resolves: true, precondition: needsOrder, orderLevel: true },
    { action: 'hold_order', label: 'Hold the order pending confirmation', risk: 'medium', policy: { mode: 'approval', role: 'operations' }, requestRoles: ops, connector: 'erp', command: 'hold_order', resolves: false, precondition: needsOrder, orderLevel: true },
  ],
};

export function findAction(type: ExceptionType, action: string): ActionDef | undefined {
  return CATALOGUE[type].find((a) => a.action === action);
}
