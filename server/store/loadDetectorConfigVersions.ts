// Every stored revision of the detector configuration, oldest first (a few rows: one per admin edit).
import type { ClickHouseClient } from '@clickhouse/client';
import { fromChTime } from './eventRow.ts';
import type { DetectorConfigVersion } from '../detect/configVersion.ts';

export async function loadDetectorConfigVersions(client: ClickHouseClient): Promise<DetectorConfigVersion[]> {
  const rs = await client.query({ query: 'SELECT * FROM detector_config_versions ORDER BY revision', format: 'JSONEachRow' });
  return (await rs.json<Record<string, string | number>>()).map((r) => ({
    revision: Number(r.revision),
    version: String(r.version),
    config: JSON.parse(String(r.config)) as unknown,
    changes: JSON.parse(String(r.changes)),
    changedBy: String(r.changed_by),
    changedByName: String(r.changed_by_name),
    changedAt: fromChTime(String(r.changed_at)),
    comment: String(r.comment),
  }));
}
