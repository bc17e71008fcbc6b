// Rows that are document-flow links (preceding document → subsequent document, like SAP VBFA).
// The tower's events are derived from the links:
//   order → delivery    ⇒ shipment.created (one per delivery and order, lines from the item links)
//   delivery → invoice  ⇒ order.invoiced   (order found through the earlier order → delivery link)
//   order → invoice     ⇒ order.invoiced
// Remembers delivery → order for the whole file: one entry per delivery, far smaller than the file.
import { compileValue, ValueError, type NumberStyle, type Scalar } from '../valueSpec.ts';
import { asNumberSpec, type Candidate } from './eventRows.ts';
import { compileTime } from './eventTime.ts';
import type { LinkRecordMapping } from './mapping.ts';

type Get = (column: string) => string | undefined;
const CATEGORIES = ['order', 'delivery', 'invoice', 'ignore'] as const;
type Category = (typeof CATEGORIES)[number];

export type DerivedRow = { candidate: Candidate; key: string; merge: 'lines' | 'sum'; line?: Record<string, Scalar> };

export type CompiledLinkRecord = { columns: string[]; map: (get: Get) => DerivedRow | undefined };

export function compileLinkRecord(name: string, record: LinkRecordMapping, zone: string, style: NumberStyle): CompiledLinkRecord {
  const time = compileTime(record.time, zone);
  const ref = (side: 'from' | 'to') => ({
    document: compileValue(record[side].document, style),
    item: record[side].item === undefined ? undefined : compileValue(record[side].item, style),
    category: compileValue(record[side].category, style),
  });
  const from = ref('from');
  const to = ref('to');
  const qty = record.qty === undefined ? undefined : compileValue(asNumberSpec(record.qty), style);
  const amount = record.amount === undefined ? undefined : compileValue(asNumberSpec(record.amount), style);
  const currency = record.currency === undefined ? undefined : compileValue(record.currency, style);
  const fields = Object.entries(record.fields).map(([field, spec]) => [field, compileValue(spec!, style)] as const);
  const orderOfDelivery = new Map<string, string>();
  const columns = [from, to].flatMap((side) => [side.document, side.item, side.category]).concat([qty, amount, currency], fields.map(([, value]) => value))
    .map((value) => value?.column)
    .filter((column): column is string => column !== undefined)
    .concat(time.columns);

  const category = (side: typeof from, get: Get, label: string): Category => {
    const value = side.category.read(get);
    if (!CATEGORIES.includes(value as Category)) {
      throw new ValueError(`${label} category '${String(value)}' must map to one of ${CATEGORIES.join(', ')}`);
    }
    return value as Category;
  };
  const document = (side: typeof from, get: Get, label: string): string => {
    const value = side.document.read(get);
    if (value === undefined || value === null || value === '') throw new ValueError(`${label} document (column ${side.document.column}) is empty`);
    return String(value);
  };

  return {
    columns,
    map(get) {
      const fromCategory = category(from, get, 'from');
      const toCategory = category(to, get, 'to');
      if (fromCategory === 'ignore' || toCategory === 'ignore') return undefined;
      const fromDoc = document(from, get, 'from');
      const toDoc = document(to, get, 'to');
      const base: Candidate = { type: '', ts: time.read(get) };
      for (const [field, value] of fields) {
        const read = value.read(get);
        if (read !== undefined && read !== null) base[field] = String(read);
      }
      const quantity = qty?.read(get);
      const value = amount?.read(get);
      const money = currency?.read(get);
      const item = (from.item?.read(get) ?? to.item?.read(get)) as Scalar | undefined;
      if (fromCategory === 'order' && toCategory === 'delivery') {
        orderOfDelivery.set(toDoc, fromDoc);
        if (typeof quantity !== 'number') throw new ValueError(`order → delivery link needs a quantity (column ${qty?.column ?? 'qty not mapped'})`);
        if (item === undefined || item === null) throw new ValueError('order → delivery link needs an item (from.item or to.item)');
        return {
          candidate: { ...base, type: 'shipment.created', orderId: fromDoc, shipmentId: toDoc, attrs: {} },
          key: `${name}|shipment|${fromDoc}|${toDoc}`,
          merge: 'lines',
          line: { lineId: String(item), qty: quantity },
        };
      }
      if (toCategory === 'invoice' && (fromCategory === 'delivery' || fromCategory === 'order')) {
        const orderId = fromCategory === 'order' ? fromDoc : orderOfDelivery.get(fromDoc);
        if (orderId === undefined) throw new ValueError(`delivery ${fromDoc} has no earlier order → delivery link in this file`);
        return {
          candidate: {
            ...base, type: 'order.invoiced', orderId,
            ...(typeof value === 'number' ? { amount: value } : {}),
            ...(typeof quantity === 'number' ? { qty: quantity } : {}),
            ...(typeof money === 'string' && money ? { currency: money } : {}),
            attrs: { invoiceNumber: toDoc, ...(fromCategory === 'delivery' ? { deliveryId: fromDoc } : {}) },
          },
          key: `${name}|invoice|${fromDoc}|${toDoc}`,
          merge: 'sum',
        };
      }
      throw new ValueError(`link ${fromCategory} → ${toCategory} is not a supported document flow (order → delivery, delivery → invoice, order → invoice)`);
    },
  };
}
