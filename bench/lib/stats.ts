// Small helpers shared by benchmark scripts.
export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i];
}

export const fmt = (n: number, digits = 0) => n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });

export function machine(): string {
  return `${process.platform} ${process.arch}, ${require_os().cpus().length} cores (${require_os().cpus()[0]?.model ?? 'cpu'}), ${fmt(require_os().totalmem() / 1024 ** 3, 1)} GiB, Node ${process.version}`;
}

import * as os from 'node:os';
const require_os = () => os;

export function flag(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  if (i === -1) return fallback;
  const v = Number(process.argv[i + 1]);
  if (!Number.isFinite(v) || v <= 0) throw new Error(`--${name} must be a positive number, got ${process.argv[i + 1]}`);
  return v;
}
