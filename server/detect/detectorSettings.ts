// The detector configuration as admins change it at run time: validates an edit with the same
// schema as the file, stores it as a new revision in ClickHouse (so it survives a restart),
// hands it to the running engine and writes an audit entry. Edits are applied one at a time
// and must name the revision they were made on, so two admins never overwrite each other.
import type { ClickHouseClient } from '@clickhouse/client';
import { AppError, badRequest } from '../errors.ts';
import { formatIssues, formatPath } from '../events/schema.ts';
import type { Logger } from '../logger.ts';
import type { Principal } from '../auth/roles.ts';
import type { AuditLog } from '../actions/audit.ts';
import { insertDetectorConfigVersion } from '../store/insertDetectorConfigVersion.ts';
import { detectorConfigSchema, type DetectorConfig } from './config.ts';
import { appliesAtRestart, assignInPlace, configChanges, revisionVersion, type ConfigChange, type DetectorConfigVersion } from './configVersion.ts';

export type ConfigUpdate = { revision: number; version: string; changes: ConfigChange[]; appliesAtRestart: string[] };

/**
 * The configuration to start with: the newest stored revision over the file's. A stored
 * revision that no longer validates (a key removed by an upgrade) is skipped with a warning
 * rather than stopping the tower; its number stays taken.
 */
export function effectiveDetectorConfig(file: DetectorConfig, stored: readonly DetectorConfigVersion[], logger?: Logger): { config: DetectorConfig; revision: number } {
  const latest = stored.at(-1);
  if (!latest) return { config: file, revision: 0 };
  const parsed = detectorConfigSchema.safeParse(latest.config);
  if (!parsed.success) {
    logger?.warn({ revision: latest.revision, problem: formatIssues(parsed.error) }, 'stored detector configuration no longer validates; using the file configuration');
    return { config: file, revision: latest.revision };
  }
  logger?.info({ revision: latest.revision, version: latest.version, by: latest.changedByName, at: latest.changedAt }, 'detector configuration: stored revision applies over the file');
  return { config: parsed.data, revision: latest.revision };
}

const isObject = (v: unknown): v is Record<string, unknown> => !!v && typeof v === 'object' && !Array.isArray(v);

/** Keys of an edit the schema does not know (nested sections strip them silently otherwise): a typo must not pass as "no change". */
function unknownKeys(input: unknown, known: unknown, prefix = ''): { path: string; message: string }[] {
  if (!isObject(input)) return [];
  return Object.entries(input).flatMap(([k, v]) => {
    const path = prefix ? `${prefix}.${k}` : k;
    if (!isObject(known) || !(k in known)) return [{ path, message: 'unknown key' }];
    return unknownKeys(v, known[k], path);
  });
}

export class DetectorSettings {
  private readonly versions: DetectorConfigVersion[];
  private current: number;
  private readonly baseVersion: string;
  /** Changed since this process started and read only when state is built: shown until a restart. */
  private readonly pending = new Set<string>();
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly d: {
      client: ClickHouseClient;
      audit: AuditLog;
      /** The running engine; `config` is the live object it reads. */
      engine: { applyConfig(next: DetectorConfig): void };
      config: DetectorConfig;
      file: DetectorConfig;
      revision: number;
      stored: readonly DetectorConfigVersion[];
      now: () => number;
      logger: Logger;
    },
  ) {
    this.versions = [...d.stored];
    this.current = d.revision;
    this.baseVersion = d.file.version;
  }

  get config(): DetectorConfig {
    return this.d.config;
  }
  get revision(): number {
    return this.current;
  }
  get pendingRestart(): string[] {
    return [...this.pending].sort();
  }

  /** Saved revisions, newest first, without the whole configuration. */
  history(): Omit<DetectorConfigVersion, 'config'>[] {
    return this.versions.map(({ config: _config, ...v }) => v).reverse();
  }

  update(input: unknown, baseRevision: number, by: Principal, comment: string): Promise<ConfigUpdate> {
    const run = this.queue.then(() => this.apply(input, baseRevision, by, comment));
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async apply(input: unknown, baseRevision: number, by: Principal, comment: string): Promise<ConfigUpdate> {
    if (baseRevision !== this.current) {
      throw new AppError(409, 'config_conflict', `the detector configuration changed since it was loaded (now revision ${this.current}, the edit was made on revision ${baseRevision}); reload and apply the change again`);
    }
    if (!input || typeof input !== 'object' || Array.isArray(input)) throw badRequest('config: expected an object with every detector section');
    // An edit names only what it changes; it is laid over the running configuration (never
    // over defaults, which would silently reset every section it left out). The version is
    // the server's to stamp.
    const merged = structuredClone(this.config) as Record<string, unknown>;
    assignInPlace(merged, input as Record<string, unknown>);
    merged.version = this.config.version;
    const parsed = detectorConfigSchema.safeParse(merged);
    const issues = parsed.success ? unknownKeys(input, parsed.data) : parsed.error.issues.map((i) => ({ path: formatPath(i.path), message: i.message }));
    if (!parsed.success || issues.length) {
      throw new AppError(400, 'invalid_config', `invalid detector configuration: ${issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`, { issues });
    }
    const changes = configChanges(this.config, parsed.data);
    if (changes.length === 0) throw badRequest('nothing changed: the configuration is the same as revision ' + this.current);
    const revision = Math.max(this.current, this.versions.at(-1)?.revision ?? 0) + 1;
    const next: DetectorConfig = { ...parsed.data, version: revisionVersion(this.baseVersion, revision) };
    const version: DetectorConfigVersion = {
      revision,
      version: next.version,
      config: next,
      changes,
      changedBy: by.id,
      changedByName: by.name,
      changedAt: new Date(this.d.now()).toISOString(),
      comment,
    };
    // Stored before it is applied: what runs is always what a restart would bring back.
    await insertDetectorConfigVersion(this.d.client, version);
    this.d.engine.applyConfig(next);
    this.versions.push(version);
    this.current = revision;
    const atRestart = changes.map((c) => c.path).filter(appliesAtRestart);
    for (const p of atRestart) this.pending.add(p);
    this.d.logger.info({ revision, version: next.version, by: by.name, changes: changes.map((c) => c.path) }, 'detector configuration changed');
    await this.d.audit
      .record({ kind: 'config.changed', actor: by.id, outcome: next.version, reason: comment, modelVersion: next.version, data: { revision, changes, appliesAtRestart: atRestart } })
      .catch((err: Error) => this.d.logger.error({ err, revision }, 'audit entry of a detector configuration change not stored'));
    return { revision, version: next.version, changes, appliesAtRestart: atRestart };
  }
}
