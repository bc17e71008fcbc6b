// The most frequent error codes per interface (carriers as `carrier:<code>`, as in the health
// rollup) in a window, from the interface_error_codes_minute rollup (a bucket counts when it
// starts in the window, as for interface health).
import type { ClickHouseClient } from '@clickhouse/client';
import { runKpiQuery, type KpiParams } from './runKpiQuery.ts';

export type ErrorCodeRow = { interface: string; code: string; count: number; last_seen: string };

const query = `
SELECT interface, code, sum(count) AS count, max(last_seen) AS last_seen
FROM interface_error_codes_minute
WHERE bucket >= {from:DateTime64(3, 'UTC')} AND bucket < {to:DateTime64(3, 'UTC')}
  AND ({f_interface:String} = '' OR interface = {f_interface:String})
  AND ({f_carrier:String} = '' OR interface = concat('carrier:', {f_carrier:String}))
GROUP BY interface, code
ORDER BY interface, count DESC, code
LIMIT {perInterface:UInt32} BY interface`;

export function topErrorCodes(client: ClickHouseClient, perInterface: number, params: KpiParams): Promise<ErrorCodeRow[]> {
  return runKpiQuery<ErrorCodeRow>(client, 'top_error_codes', query, { ...params, perInterface });
}
