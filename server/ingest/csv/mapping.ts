// The `csv` section of a mapping file: how an ERP export's columns become events. A file has
// one or more record kinds (selected by a record-type column when there are several): `event`
// rows map to one event each (consecutive rows of the same document merge their lines), and
// `link` rows are document-flow links (order → delivery → invoice, like SAP VBFA) from which
// shipment and invoice events are derived.
import { z } from 'zod';
import { EVENT_TYPES } from '../../events/schema.ts';
import { valueSpecSchema } from '../valueSpec.ts';
import { isValidZone } from '../zonedTime.ts';
import { compileFormat } from './dateFormat.ts';

const format = z.string().refine((value) => {
  try {
    compileFormat(value);
    return true;
  } catch {
    return false;
  }
}, 'not a date/time format (use tokens yyyy, yy, MM, dd, HH, mm, ss, SSS)');

export const zoneSchema = z.string().refine(isValidZone, 'unknown time zone (use UTC, +hh:mm or an IANA name like Europe/Berlin)');

/** Event time: one ISO-8601 column, or a date column and an optional time column with their formats. */
export const timeSpecSchema = z.union([
  z.string().min(1),
  z
    .object({
      date: z.string().min(1),
      dateFormat: format.optional(),
      time: z.string().min(1).optional(),
      timeFormat: format.optional(),
      timezone: zoneSchema.optional(),
    })
    .strict()
    .refine((spec) => spec.time === undefined || spec.timeFormat !== undefined, { message: 'timeFormat is required with time', path: ['timeFormat'] })
    .refine((spec) => spec.time === undefined || spec.dateFormat !== undefined, { message: 'dateFormat is required with time', path: ['dateFormat'] }),
]);
export type TimeSpec = z.infer<typeof timeSpecSchema>;

export const KEY_FIELDS = ['orderId', 'lineId', 'customerId', 'sku', 'warehouse', 'carrier', 'shipmentId', 'interface', 'qty', 'amount', 'currency'] as const;

const eventTypeOrIgnore = z.union([z.enum(EVENT_TYPES), z.literal('ignore')]);

const eventRecordSchema = z
  .object({
    kind: z.literal('event'),
    type: z.union([z.enum(EVENT_TYPES), z.object({ column: z.string().min(1), map: z.record(z.string(), eventTypeOrIgnore) }).strict()], {
      error: `must be an event type (${EVENT_TYPES.join(', ')}) or { column, map: { code: event type | ignore } }`,
    }),
    id: valueSpecSchema.optional(),
    time: timeSpecSchema,
    fields: z.partialRecord(z.enum(KEY_FIELDS), valueSpecSchema).default({}),
    attrs: z.record(z.string(), valueSpecSchema).default({}),
    /** One order/shipment line per row; consecutive rows of the same document are merged into one event. */
    line: z
      .object({ lineId: valueSpecSchema, sku: valueSpecSchema.optional(), qty: valueSpecSchema, unitPrice: valueSpecSchema.optional(), uom: valueSpecSchema.optional() })
      .strict()
      .optional(),
  })
  .strict();

const documentRefSchema = z
  .object({ document: valueSpecSchema, item: valueSpecSchema.optional(), category: valueSpecSchema })
  .strict();

const linkRecordSchema = z
  .object({
    kind: z.literal('link'),
    from: documentRefSchema,
    to: documentRefSchema,
    time: timeSpecSchema,
    qty: valueSpecSchema.optional(),
    amount: valueSpecSchema.optional(),
    currency: valueSpecSchema.optional(),
    fields: z.partialRecord(z.enum(['customerId', 'warehouse', 'carrier']), valueSpecSchema).default({}),
  })
  .strict();

export const csvMappingSchema = z
  .object({
    delimiter: z.string().length(1, 'must be one character (use "\\t" for TSV)').default(','),
    quote: z.string().length(1).default('"'),
    decimalSeparator: z.enum(['.', ',']).default('.'),
    /** Column whose value names the entry of `records` a row belongs to; omit when the file has one record kind. */
    recordType: z.string().min(1).optional(),
    records: z.record(z.string(), z.discriminatedUnion('kind', [eventRecordSchema, linkRecordSchema])),
  })
  .strict()
  .superRefine((mapping, ctx) => {
    const names = Object.keys(mapping.records);
    if (names.length === 0) ctx.addIssue({ code: 'custom', path: ['records'], message: 'needs at least one record' });
    if (names.length > 1 && mapping.recordType === undefined) {
      ctx.addIssue({ code: 'custom', path: ['recordType'], message: `required when there are several records (${names.join(', ')})` });
    }
  });

export type CsvMapping = z.infer<typeof csvMappingSchema>;
export type EventRecordMapping = z.infer<typeof eventRecordSchema>;
export type LinkRecordMapping = z.infer<typeof linkRecordSchema>;
