// The command the tower's connectors send to an ERP/TMS (as a webhook body) to carry out an
// action on an exception. The simulator's ERP answers it in demo mode (server/sim/respond.ts).
import { z } from 'zod';

export const ACTION_KINDS = [
  'release_hold',
  'partial_release',
  'reallocate',
  'reroute',
  'suppress_duplicate',
  'apply_contract_price',
  'expedite',
  'resync_inventory',
  'replay_messages',
  'hold_order',
  'consolidate',
  'confirm_with_customer',
] as const;

export type ActionKind = (typeof ACTION_KINDS)[number];

const key = z.string().min(1).max(256);

export const actionCommandSchema = z
  .object({
    /** Same key ⇒ same effect, however many times it is sent. */
    idempotencyKey: key,
    kind: z.enum(ACTION_KINDS),
    exceptionId: key,
    orderId: key.optional(),
    sku: key.optional(),
    carrier: key.optional(),
    warehouse: key.optional(),
    interface: key.optional(),
    params: z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()])).optional(),
  })
  .strict();

export type ActionCommand = z.infer<typeof actionCommandSchema>;
