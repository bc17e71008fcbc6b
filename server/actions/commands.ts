// What a connector sends: the ActionCommand (server/contracts/actionCommand.ts, shared with
// the simulator's ERP/TMS) for systems of record, a case for the service desk.
import type { ActionCommand } from '../contracts/actionCommand.ts';
import type { ExceptionRecord } from '../contracts/exception.ts';
import type { ActionDef } from '../triage/catalogue.ts';

export type Scalar = string | number | boolean | null;
export type ServiceDeskCase = {
  idempotencyKey: string;
  caseType: string;
  exceptionId: string;
  orderIds: string[];
  title: string;
  severity: string;
  priority: number;
  team: string;
  params: Record<string, Scalar>;
};

export function commandBody(def: ActionDef, x: ExceptionRecord, idempotencyKey: string, params: Record<string, Scalar>): ActionCommand | ServiceDeskCase {
  if (def.connector === 'service_desk' || !def.command) {
    return { idempotencyKey, caseType: def.action, exceptionId: x.id, orderIds: x.orderIds, title: x.title, severity: x.severity, priority: x.priority, team: x.team, params };
  }
  const command: ActionCommand = { idempotencyKey, kind: def.command, exceptionId: x.id };
  const orderId = typeof params.orderId === 'string' ? params.orderId : x.orderIds[0];
  if (orderId) command.orderId = orderId;
  if (x.sku) command.sku = x.sku;
  if (x.carrier) command.carrier = x.carrier;
  // For a reallocation `warehouse` is the source to allocate from, never the one that ran
  // short; without one the ERP picks its best alternate.
  const warehouse = typeof params.warehouse === 'string' ? params.warehouse : def.command === 'reallocate' ? undefined : x.warehouse;
  if (warehouse) command.warehouse = warehouse;
  if (x.interface) command.interface = x.interface;
  const rest = Object.fromEntries(Object.entries(params).filter(([k]) => k !== 'orderId' && k !== 'warehouse'));
  if (Object.keys(rest).length) command.params = rest;
  return command;
}
