// The `ocel` section of a mapping file: which OCEL object types are the tower's join keys
// (order, item = order line, product = sku, …) and which activity becomes which event type.
import { z } from 'zod';
import { EVENT_TYPES } from '../../events/schema.ts';
import { valueSpecSchema } from '../valueSpec.ts';

export const OBJECT_KEYS = ['orderId', 'lineId', 'customerId', 'sku', 'warehouse', 'carrier', 'shipmentId'] as const;
export type ObjectKey = (typeof OBJECT_KEYS)[number];

const activitySchema = z
  .object({
    type: z.enum(EVENT_TYPES),
    /** Event fields from event attributes (or constants): qty, amount, currency, warehouse, … */
    fields: z.partialRecord(z.enum([...OBJECT_KEYS, 'qty', 'amount', 'currency', 'interface']), valueSpecSchema).default({}),
    attrs: z.record(z.string(), valueSpecSchema).default({}),
    /** For order.created / shipment.created: one line per line object the event names, read from that object's attributes. */
    line: z.object({ sku: valueSpecSchema.optional(), qty: valueSpecSchema.optional(), unitPrice: valueSpecSchema.optional() }).strict().optional(),
  })
  .strict();

export const ocelMappingSchema = z
  .object({
    objectTypes: z.record(z.string(), z.enum(OBJECT_KEYS)),
    activities: z.record(z.string(), z.union([z.literal('ignore'), z.enum(EVENT_TYPES), activitySchema], {
      error: "must be 'ignore', an event type, or { type, fields, attrs, line }",
    })),
  })
  .strict()
  .superRefine((mapping, ctx) => {
    const keys = Object.values(mapping.objectTypes);
    if (!keys.includes('orderId')) ctx.addIssue({ code: 'custom', path: ['objectTypes'], message: 'one object type must map to orderId' });
  });

export type OcelMapping = z.infer<typeof ocelMappingSchema>;
export type ActivityMapping = z.infer<typeof activitySchema>;
