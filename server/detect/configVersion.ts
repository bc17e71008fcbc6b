// Revisions of the detector configuration: what one admin edit changed, and which of those
// keys the running engine cannot take over without a restart.
export type ConfigChange = { path: string; from: unknown; to: unknown };

export type DetectorConfigVersion = {
  /** 1, 2, … per saved edit; 0 is the file (or built-in defaults) nobody edited. */
  revision: number;
  /** The file's version with the revision (`2025.1+r3`): exceptions record it (configVersion). */
  version: string;
  config: unknown;
  changes: ConfigChange[];
  changedBy: string;
  changedByName: string;
  changedAt: string;
  comment: string;
};

export const revisionVersion = (base: string, revision: number) => (revision === 0 ? base : `${base}+r${revision}`);

const isObject = (v: unknown): v is Record<string, unknown> => !!v && typeof v === 'object' && !Array.isArray(v);

/** Every leaf that differs, by dotted path (arrays compare as a whole). */
export function configChanges(before: unknown, after: unknown, prefix = ''): ConfigChange[] {
  if (isObject(before) && isObject(after)) {
    const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])];
    return keys.flatMap((k) => configChanges(before[k], after[k], prefix ? `${prefix}.${k}` : k));
  }
  return JSON.stringify(before) === JSON.stringify(after) ? [] : [{ path: prefix, from: before ?? null, to: after ?? null }];
}

/** Dotted paths of every leaf (arrays are leaves). */
export const leafPaths = (o: unknown, prefix = ''): string[] =>
  isObject(o) ? Object.entries(o).flatMap(([k, v]) => leafPaths(v, prefix ? `${prefix}.${k}` : k)) : [prefix];

/**
 * Keys the detectors and engine read once, when they build their state: state lifetimes and
 * capacities (the maps are sized then), health windows and smoothing (each monitor keeps the
 * window it was built with), the duplicate window (it is the map's TTL), the shipment grace
 * (scheduled deadlines are matched against it) and the engine's own sizing and tick. A change
 * to one of these is stored and shown, and takes effect at the next restart; every other
 * threshold is read on each event and applies at once.
 */
const AT_RESTART = [
  /\.stateTtlHours$/,
  /\.maxKeys$/,
  /^order_anomaly\.(maxCustomers|maxCustomerSkus|historySize|skuHistorySize)$/,
  /^(carrier_failure\.api|integration_failure\.health)\.(windowMinutes|ewmaAlpha)$/,
  /^duplicate_order\.windowHours$/,
  /^shipment_delay\.graceMinutes$/,
  /^engine\.(tickSeconds|maxOrders|orderTtlHours|replayHours|updateIntervalSeconds)$/,
];

export const appliesAtRestart = (path: string) => AT_RESTART.some((re) => re.test(path));

/**
 * Copies `next` into `live` keeping every nested object's identity: the detectors hold
 * references to their own sections and read thresholds from them on each event, so this is
 * how a change reaches them without rebuilding their state.
 */
export function assignInPlace(live: Record<string, unknown>, next: Record<string, unknown>): void {
  for (const [k, v] of Object.entries(next)) {
    const cur = live[k];
    if (isObject(cur) && isObject(v)) assignInPlace(cur, v);
    else live[k] = v;
  }
}
