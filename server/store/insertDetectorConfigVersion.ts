// Appends one revision of the detector configuration (resolves once ClickHouse has it).
import type { ClickHouseClient } from '@clickhouse/client';
import { toChTime } from './eventRow.ts';
import type { DetectorConfigVersion } from '../detect/configVersion.ts';

export async function insertDetectorConfigVersion(client: ClickHouseClient, v: DetectorConfigVersion): Promise<void> {
  await client.insert({
    table: 'detector_config_versions',
    format: 'JSONEachRow',
    values: [
      {
        revision: v.revision,
        version: v.version,
        config: JSON.stringify(v.config),
        changes: JSON.stringify(v.changes),
        changed_by: v.changedBy,
        changed_by_name: v.changedByName,
        changed_at: toChTime(v.changedAt),
        comment: v.comment,
      },
    ],
  });
}
