// Object-centric links: an OCEL event may name only an item or a package; the tower needs the
// order (and customer, sku, …) behind it. Keys are found, in order, on the objects the event
// names, then in what earlier events taught about those objects (an event naming an order and
// an item links the item to the order), then in OCEL 2.0 object-to-object relations.
import type { ObjectKey } from './mapping.ts';
import type { OcelObject } from './ocelLog.ts';

export type Keys = Partial<Record<ObjectKey, string>>;

// What an object may learn from the events it takes part in. Shared objects (products,
// customers, warehouses, carriers) learn nothing: they belong to many orders.
const LEARNS: Record<ObjectKey, readonly ObjectKey[]> = {
  orderId: ['customerId'],
  lineId: ['orderId', 'customerId', 'sku', 'shipmentId', 'warehouse'],
  // A package can carry items of several orders, so it does not learn one order.
  shipmentId: ['carrier', 'warehouse'],
  customerId: [],
  sku: [],
  warehouse: [],
  carrier: [],
};

export class ObjectLinks {
  private readonly learned = new Map<string, Keys>();

  // OCEL 2.0 relations are directed (order —comprises→ item); links work both ways.
  private readonly relations = new Map<string, string[]>();

  constructor(
    private readonly keyOfType: Readonly<Record<string, ObjectKey>>,
    private readonly objects: Map<string, OcelObject>,
  ) {
    for (const object of objects.values()) {
      for (const related of object.related) {
        this.relate(object.id, related);
        this.relate(related, object.id);
      }
    }
  }

  private relate(from: string, to: string) {
    const list = this.relations.get(from);
    if (list) list.push(to);
    else this.relations.set(from, [to]);
  }

  keyOf(objectId: string): ObjectKey | undefined {
    const type = this.objects.get(objectId)?.type;
    return type === undefined ? undefined : this.keyOfType[type];
  }

  attrsOf(objectId: string): OcelObject['attrs'] {
    return this.objects.get(objectId)?.attrs ?? {};
  }

  /** Object ids the event names, grouped by the key their type maps to. */
  named(objectIds: readonly string[]): Partial<Record<ObjectKey, string[]>> {
    const out: Partial<Record<ObjectKey, string[]>> = {};
    for (const id of objectIds) {
      const key = this.keyOf(id);
      if (key) (out[key] ??= []).push(id);
    }
    return out;
  }

  /** The value of `key` linked to an object by earlier events or by an object-to-object relation. */
  lookup(objectId: string, key: ObjectKey): string | undefined {
    const learned = this.learned.get(objectId)?.[key];
    if (learned !== undefined) return learned;
    for (const related of this.relations.get(objectId) ?? []) {
      if (this.keyOf(related) === key) return related;
    }
    return undefined;
  }

  /** Remembers the keys of an event on the objects that belong to one order; first links win. */
  learn(objectIds: readonly string[], keys: Keys): void {
    for (const id of objectIds) {
      const key = this.keyOf(id);
      const learnable = key ? LEARNS[key] : [];
      if (learnable.length === 0) continue;
      const known = this.learned.get(id) ?? {};
      for (const name of learnable) if (known[name] === undefined && keys[name] !== undefined) known[name] = keys[name];
      this.learned.set(id, known);
    }
  }

  /** Registers objects first seen in a streamed log (flattened CSV carries no object table). */
  register(objects: readonly OcelObject[]): void {
    for (const object of objects) if (!this.objects.has(object.id)) this.objects.set(object.id, object);
  }
}
