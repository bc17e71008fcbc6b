// Query parameters written into the statement as typed literals, for the embedded engine.
// chdb-node runs every statement that carries query_params through one process-wide chain
// (its bundled engine does not keep bound parameters apart between sessions), so with
// parameters the engine's sessions (sessionPool.ts) would still take statements one at a
// time — measured on the KPI set: two order queries side by side took as long as one after
// the other. Literals need no binding, so the sessions run them side by side.
//
// Each {name:Type} becomes CAST(literal AS Type), which reads text as the binding does (a
// DateTime from its plain form, as chTime writes it; the store's best_effort input setting
// applies to neither). A placeholder whose name has no value, or a value of a kind no
// literal is written for, is an error naming the parameter.
import { rewritingStatements, type Conn, type Statement } from './restartingConnection.ts';

const PLACEHOLDER = /\{([A-Za-z_][A-Za-z0-9_]*):([^{}]+)\}/g;

/** A ClickHouse string literal: backslash and quote escaped, so any text stays one literal. */
export const stringLiteral = (text: string) => `'${text.replace(/[\\']/g, (c) => `\\${c}`).replace(/\0/g, '\\0')}'`;

function literal(name: string, value: unknown): string {
  if (typeof value === 'string') return stringLiteral(value);
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new Error(`query parameter ${name}: ${value} is not a finite number`);
    return String(value);
  }
  if (typeof value === 'bigint') return value.toString();
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (value === null) return 'NULL';
  if (Array.isArray(value)) return `[${value.map((v) => literal(name, v)).join(', ')}]`;
  throw new Error(`query parameter ${name}: a ${value === undefined ? 'missing value' : typeof value} cannot be written as a literal`);
}

/** The statement with every {name:Type} replaced by its value from params. */
export function inlineParams(query: string, params: Record<string, unknown>): string {
  return query.replace(PLACEHOLDER, (_, name: string, type: string) => {
    if (!Object.hasOwn(params, name)) throw new Error(`query parameter ${name} (${type}) has no value`);
    return `CAST(${literal(name, params[name])} AS ${type})`;
  });
}

const DEFAULT_MAX_QUERY_SIZE = 262_144;

/** The connection with its statements' parameters inlined before they reach it. */
export function inlineQueryParams(conn: Conn): Conn {
  const inline = <P extends Statement>(params: P): P => {
    if (!params.query_params || Object.keys(params.query_params).length === 0) return params;
    const query = inlineParams(params.query, params.query_params);
    // A bound value does not count towards the statement's size, a literal does: a dedupe
    // look-up of 50,000 ids is about 3 MB, the engine's default limit 256 KiB.
    const size = Buffer.byteLength(query) + 1024;
    const settings = size > DEFAULT_MAX_QUERY_SIZE ? { ...params.clickhouse_settings, max_query_size: size } : params.clickhouse_settings;
    return { ...params, query, query_params: undefined, clickhouse_settings: settings };
  };
  return rewritingStatements(conn, inline, { inserts: false });
}
