// OCEL logs of both versions, read into one shape: events with the objects they name, and
// objects with their attributes and object-to-object relations (OCEL 2.0 only).
import { z } from 'zod';
import { formatIssues } from '../../events/schema.ts';

export type OcelValue = string | number | boolean | null;
export type OcelObject = { id: string; type: string; attrs: Record<string, OcelValue>; related: string[] };
export type OcelEvent = { id: string; activity: string; time: string; objectIds: string[]; attrs: Record<string, OcelValue>; where: string };
export type OcelLog = { events: OcelEvent[]; objects: Map<string, OcelObject> };

const value = z.union([z.string(), z.number(), z.boolean(), z.null()]);

const ocel1 = z.object({
  'ocel:events': z.record(z.string(), z.object({
    'ocel:activity': z.string(),
    'ocel:timestamp': z.string(),
    'ocel:omap': z.array(z.string()),
    'ocel:vmap': z.record(z.string(), value).default({}),
  })),
  'ocel:objects': z.record(z.string(), z.object({ 'ocel:type': z.string(), 'ocel:ovmap': z.record(z.string(), value).default({}) })).default({}),
});

const attribute = z.object({ name: z.string(), value, time: z.string().optional() });
const relationship = z.object({ objectId: z.string(), qualifier: z.string().optional() });
const ocel2 = z.object({
  objectTypes: z.array(z.object({ name: z.string() })).optional(),
  eventTypes: z.array(z.object({ name: z.string() })).optional(),
  objects: z.array(z.object({ id: z.string(), type: z.string(), attributes: z.array(attribute).default([]), relationships: z.array(relationship).default([]) })).default([]),
  events: z.array(z.object({ id: z.string(), type: z.string(), time: z.string(), attributes: z.array(attribute).default([]), relationships: z.array(relationship).default([]) })),
});

export class OcelFormatError extends Error {}

/** Reads OCEL 1.0 or 2.0 JSON (told apart by their top-level keys). Events are returned in time order. */
export function readOcelJson(text: string): OcelLog {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new OcelFormatError(`not valid JSON: ${(error as Error).message}`);
  }
  const isVersion1 = typeof json === 'object' && json !== null && 'ocel:events' in json;
  const parsed = (isVersion1 ? ocel1 : ocel2).safeParse(json);
  if (!parsed.success) throw new OcelFormatError(`not an OCEL ${isVersion1 ? '1.0' : '2.0'} JSON log: ${formatIssues(parsed.error)}`);
  const log = isVersion1 ? fromVersion1(parsed.data as z.infer<typeof ocel1>) : fromVersion2(parsed.data as z.infer<typeof ocel2>);
  // Stable sort: events at the same instant keep the log's order.
  log.events.sort((a, b) => Date.parse(a.time) - Date.parse(b.time));
  return log;
}

function fromVersion1(log: z.infer<typeof ocel1>): OcelLog {
  const objects = new Map<string, OcelObject>();
  for (const [id, object] of Object.entries(log['ocel:objects'])) objects.set(id, { id, type: object['ocel:type'], attrs: object['ocel:ovmap'], related: [] });
  const events = Object.entries(log['ocel:events']).map(([id, event]) => ({
    id, activity: event['ocel:activity'], time: event['ocel:timestamp'], objectIds: event['ocel:omap'], attrs: event['ocel:vmap'], where: `event ${id}`,
  }));
  return { events, objects };
}

function fromVersion2(log: z.infer<typeof ocel2>): OcelLog {
  const objects = new Map<string, OcelObject>();
  for (const object of log.objects) {
    // OCEL 2.0 object attributes are time-stamped; the latest value wins.
    const latest = [...object.attributes].sort((a, b) => Date.parse(a.time ?? '0') - Date.parse(b.time ?? '0'));
    objects.set(object.id, {
      id: object.id, type: object.type,
      attrs: Object.fromEntries(latest.map((attr) => [attr.name, attr.value])),
      related: object.relationships.map((relation) => relation.objectId),
    });
  }
  const events = log.events.map((event) => ({
    id: event.id, activity: event.type, time: event.time,
    objectIds: event.relationships.map((relation) => relation.objectId),
    attrs: Object.fromEntries(event.attributes.map((attr) => [attr.name, attr.value])),
    where: `event ${event.id}`,
  }));
  return { events, objects };
}
