// Settings that hold for one call only, on an embedded engine session. chdb-node applies a
// call's clickhouse_settings as SET statements on the session, where they stay: one KPI
// query's max_threads = 1 went on to hold for every later statement of that session (the raw
// scans of the 100M KPI benchmark ran single-threaded: 150 s, 90 s with this). A ClickHouse
// server applies them to the request alone.
// So a setting an earlier call changed, and this call does not name, is set back to its
// default before this call runs.
import { rewritingStatements, type Conn, type Statement } from './restartingConnection.ts';

// What chdb-node does not SET on the session (its HTTP-only settings, and default_format,
// which becomes the result format): setting those back would name unknown settings.
const NOT_SET_BY_CHDB = new Set([
  'wait_end_of_query',
  'send_progress_in_http_headers',
  'http_response_buffer_size',
  'http_headers_progress_interval_ms',
  'http_send_progress_interval_ms',
  'enable_http_compression',
  'http_zlib_compression_level',
  'http_response_compression_method',
  'http_native_compression_disable_checksumming_on_decompress',
  'default_format',
]);

export function callScopedSettings(conn: Conn): Conn {
  const changed = new Set<string>(); // settings a call has SET on this session
  const scoped = <P extends Statement>(params: P): P => {
    const named = Object.entries(params.clickhouse_settings ?? {}).filter(([k, v]) => v !== undefined && !NOT_SET_BY_CHDB.has(k)).map(([k]) => k);
    const reset = [...changed].filter((k) => !named.includes(k));
    for (const k of reset) changed.delete(k);
    for (const k of named) changed.add(k);
    if (reset.length === 0) return params;
    return { ...params, query: `${reset.map((k) => `SET ${k} = DEFAULT; `).join('')}${params.query}` };
  };
  return rewritingStatements(conn, scoped, { inserts: true });
}
