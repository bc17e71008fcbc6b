// Resolution targets per severity for slaAdherence: an exception meets its SLA when
// resolved_at − detected_at ≤ the target of its severity. Defaults follow common service-desk
// practice (critical 4 h, high 8 h, medium 24 h, low 72 h); override with
// CONTROL_TOWER_SLA_TARGETS="critical=3600,high=14400,medium=86400,low=259200" (seconds).
import type { Severity } from '../contracts/exception.ts';

export type SlaTargets = Record<Severity, number>;

export const DEFAULT_SLA_TARGETS: SlaTargets = { critical: 4 * 3600, high: 8 * 3600, medium: 24 * 3600, low: 72 * 3600 };

/** Parses `severity=seconds,…`; the message names the bad entry. */
export function parseSlaTargets(text: string): SlaTargets {
  const targets = { ...DEFAULT_SLA_TARGETS };
  for (const entry of text.split(',').map((s) => s.trim()).filter(Boolean)) {
    const [name, value] = entry.split('=');
    if (!(name in targets)) throw new Error(`SLA target '${entry}': severity must be one of ${Object.keys(targets).join(', ')}`);
    const seconds = Number(value);
    if (!Number.isFinite(seconds) || seconds <= 0) throw new Error(`SLA target '${entry}': seconds must be a positive number`);
    targets[name as Severity] = seconds;
  }
  return targets;
}

export const slaParams = (t: SlaTargets) => ({ sla_critical: t.critical, sla_high: t.high, sla_medium: t.medium, sla_low: t.low });
