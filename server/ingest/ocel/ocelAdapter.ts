// Process-mining event logs (OCEL 1.0 JSON and flattened CSV, OCEL 2.0 JSON) → common events.
// Activities map to event types; object types map to the tower's keys; an event that names only
// some objects finds the rest through ObjectLinks. An event touching several orders (a package
// with items of two orders) becomes one event per order.
import { setAttr } from '../setAttr.ts';
import { asNumberSpec } from '../csv/eventRows.ts';
import { isoInstant } from '../csv/eventTime.ts';
import { checked, deterministicId, rejected, textChunks, type ImportResult } from '../importResult.ts';
import { MappingError, type MappingFile } from '../mappingFile.ts';
import { compileValue, ValueError, type CompiledValue, type Scalar } from '../valueSpec.ts';
import { OBJECT_KEYS, type ActivityMapping, type ObjectKey } from './mapping.ts';
import { readOcelCsv } from './ocel1Csv.ts';
import { ObjectLinks, type Keys } from './objectLinks.ts';
import { readOcelJson, type OcelEvent, type OcelValue } from './ocelLog.ts';

export type OcelOptions = { format?: 'json' | 'csv'; delimiter?: string };

type CompiledActivity = {
  type: string;
  fields: [string, CompiledValue][];
  attrs: [string, CompiledValue][];
  line: { sku?: CompiledValue; qty?: CompiledValue; unitPrice?: CompiledValue };
};

const LINE_TYPES = new Set(['order.created', 'shipment.created']);
// Event types that mean something without an order (DESIGN.md §3 required keys).
const ORDERLESS = new Set(['shipment.status', 'carrier.api_call', 'integration.message', 'inventory.snapshot', 'inventory.replenished', 'payment.received', 'payment.overdue']);
const NUMERIC = new Set(['qty', 'amount']);
const STYLE = { decimalSeparator: '.' as const };

export async function* importOcel(input: NodeJS.ReadableStream | string, mapping: MappingFile, options: OcelOptions = {}): AsyncIterable<ImportResult> {
  const ocel = mapping.ocel;
  if (!ocel) throw new MappingError('mapping: ocel section is missing');
  const activities = new Map<string, CompiledActivity | 'ignore'>(Object.entries(ocel.activities).map(([name, spec]) => [name, compileActivity(spec)]));
  const convert = (event: OcelEvent, links: ObjectLinks) => eventsFor(event, links, activities, mapping);

  if (options.format === 'csv') {
    const links = new ObjectLinks(ocel.objectTypes, new Map());
    for await (const item of readOcelCsv(input, options.delimiter)) {
      if ('error' in item) {
        yield item;
        continue;
      }
      links.register(item.objects);
      yield* convert(item.event, links);
    }
    return;
  }
  let text = '';
  for await (const chunk of textChunks(input)) text += chunk;
  const log = readOcelJson(text);
  const links = new ObjectLinks(ocel.objectTypes, log.objects);
  for (const event of log.events) yield* convert(event, links);
}

function compileActivity(spec: ActivityMapping | string): CompiledActivity | 'ignore' {
  if (spec === 'ignore') return 'ignore';
  const full = typeof spec === 'string' ? { type: spec, fields: {}, attrs: {}, line: undefined } : spec;
  return {
    type: full.type,
    fields: Object.entries(full.fields).map(([field, value]) => [field, compileValue(NUMERIC.has(field) ? asNumberSpec(value!) : value!, STYLE)]),
    attrs: Object.entries(full.attrs).map(([attr, value]) => [attr, compileValue(value, STYLE)]),
    line: {
      ...(full.line?.sku ? { sku: compileValue(full.line.sku, STYLE) } : {}),
      ...(full.line?.qty ? { qty: compileValue(asNumberSpec(full.line.qty), STYLE) } : {}),
      ...(full.line?.unitPrice ? { unitPrice: compileValue(asNumberSpec(full.line.unitPrice), STYLE) } : {}),
    },
  };
}

const reader = (values: Record<string, OcelValue>) => (name: string) => {
  const value = values[name];
  return value === undefined || value === null ? undefined : String(value);
};

function* eventsFor(event: OcelEvent, links: ObjectLinks, activities: Map<string, CompiledActivity | 'ignore'>, mapping: MappingFile): Generator<ImportResult> {
  const activity = activities.get(event.activity);
  if (activity === 'ignore') {
    learnFromIgnored(event, links);
    return;
  }
  if (!activity) {
    yield rejected(event.where, `activity '${event.activity}' is not in ocel.activities`);
    return;
  }
  const ts = isoInstant(event.time, mapping.timezone);
  if (!ts) {
    yield rejected(event.where, `timestamp '${event.time}' is not an ISO-8601 time`);
    return;
  }
  try {
    const named = links.named(event.objectIds);
    const lineObjects = named.lineId ?? [];
    const groups = groupByOrder(activity.type, event, named, lineObjects, links);
    for (const [index, group] of groups.entries()) {
      const candidate = build(event, activity, group, named, links, ts);
      links.learn(event.objectIds.filter((id) => group.objects.has(id)), keysOf(candidate));
      const parts = groups.length > 1 ? [event.id, String(index + 1)] : [event.id];
      yield checked({ ...candidate, id: deterministicId('ocel', parts, JSON.stringify(event)), source: mapping.source }, event.where);
    }
  } catch (error) {
    if (!(error instanceof ValueError)) throw error;
    yield rejected(event.where, error.message);
  }
}

type OrderGroup = { orderId: string | undefined; lines: string[]; objects: Set<string> };

function groupByOrder(type: string, event: OcelEvent, named: Partial<Record<ObjectKey, string[]>>, lineObjects: string[], links: ObjectLinks): OrderGroup[] {
  const direct = named.orderId ?? [];
  const orderOf = (id: string) => links.lookup(id, 'orderId');
  const orders = direct.length ? direct : [...new Set(event.objectIds.map(orderOf).filter((id): id is string => id !== undefined))];
  if (orders.length === 0 && ORDERLESS.has(type)) return [{ orderId: undefined, lines: lineObjects, objects: new Set(event.objectIds) }];
  if (orders.length === 0) {
    throw new ValueError(`names no order, and none of its objects (${event.objectIds.join(', ') || 'none'}) is linked to an order by an earlier event or a relation`);
  }
  const groups: OrderGroup[] = orders.map((orderId) => ({ orderId, lines: [], objects: new Set<string>([orderId]) }));
  for (const line of lineObjects) {
    const owner = orders.length === 1 ? groups[0] : groups.find((group) => group.orderId === orderOf(line));
    if (!owner) throw new ValueError(`line object ${line} cannot be placed in one of orders ${orders.join(', ')}`);
    owner.lines.push(line);
    owner.objects.add(line);
  }
  // Objects that are neither orders nor lines (customer, product, package, …) belong to every group.
  for (const id of event.objectIds) if (!direct.includes(id) && !lineObjects.includes(id)) for (const group of groups) group.objects.add(id);
  return groups;
}

function build(event: OcelEvent, activity: CompiledActivity, group: OrderGroup, named: Partial<Record<ObjectKey, string[]>>, links: ObjectLinks, ts: string) {
  const candidate: Record<string, unknown> = { type: activity.type, ts, ...(group.orderId ? { orderId: group.orderId } : {}) };
  const members = [...group.objects];
  const hasLines = LINE_TYPES.has(activity.type);
  for (const key of OBJECT_KEYS) {
    // Line-bearing events carry line and sku per line, not once for the event.
    if (key === 'orderId' || key === 'lineId' || (hasLines && key === 'sku')) continue;
    const direct = named[key]?.find((id) => group.objects.has(id));
    const linked = direct ?? members.map((id) => links.lookup(id, key)).find((value) => value !== undefined);
    if (linked !== undefined) candidate[key] = linked;
  }
  if (group.lines.length === 1 && !hasLines) candidate.lineId = group.lines[0];
  const get = reader(event.attrs);
  for (const [field, value] of activity.fields) {
    const read = value.read(get);
    if (read !== undefined && read !== null) candidate[field] = NUMERIC.has(field) ? read : String(read);
  }
  const attrs: Record<string, unknown> = {};
  for (const [attr, value] of activity.attrs) {
    const read = value.read(get);
    if (read !== undefined) setAttr(attrs, attr, read);
  }
  // Only an event naming exactly one product says which product its lines are.
  const eventSku = named.sku?.length === 1 ? named.sku[0] : undefined;
  const lines = group.lines.map((lineId) => lineOf(lineId, activity, links, event, eventSku));
  for (const line of lines) if (line.sku !== undefined) links.learn([line.lineId], { sku: line.sku });
  if (hasLines) {
    if (lines.length === 0) throw new ValueError(`${activity.type} needs line objects (an object type mapped to lineId) in the event`);
    attrs.lines = activity.type === 'shipment.created' ? lines.map(({ lineId, qty }) => ({ lineId, qty })) : lines;
  } else if (lines.length === 1 && candidate.sku === undefined && lines[0].sku !== undefined) {
    candidate.sku = lines[0].sku;
  }
  candidate.attrs = attrs;
  return candidate;
}

function lineOf(lineId: string, activity: CompiledActivity, links: ObjectLinks, event: OcelEvent, eventSku: string | undefined) {
  const get = reader({ ...event.attrs, ...links.attrsOf(lineId) });
  const sku = (activity.line.sku?.read(get) as Scalar | undefined) ?? links.lookup(lineId, 'sku') ?? eventSku;
  const qty = activity.line.qty?.read(get) ?? 1;
  const unitPrice = activity.line.unitPrice?.read(get);
  return {
    lineId,
    ...(sku !== undefined && sku !== null ? { sku: String(sku) } : {}),
    qty,
    ...(unitPrice !== undefined && unitPrice !== null ? { unitPrice } : {}),
  };
}

function keysOf(candidate: Record<string, unknown>): Keys {
  return Object.fromEntries(OBJECT_KEYS.filter((key) => key !== 'lineId' && typeof candidate[key] === 'string').map((key) => [key, candidate[key] as string]));
}

/** An ignored activity is no event for the tower, but the objects it names together still link. */
function learnFromIgnored(event: OcelEvent, links: ObjectLinks) {
  const named = links.named(event.objectIds);
  const orders = named.orderId ?? [];
  if (orders.length > 1) return;
  const keys: Keys = {};
  for (const key of OBJECT_KEYS) if (key !== 'lineId' && named[key]?.length === 1) keys[key] = named[key][0];
  keys.orderId ??= event.objectIds.map((id) => links.lookup(id, 'orderId')).find((id) => id !== undefined);
  links.learn(event.objectIds, keys);
}
