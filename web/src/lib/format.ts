// Numbers, money, durations and rates in the user's locale (the browser's, unless overridden).
// A browser started under LANG=en_US@posix reports 'en-US@posix', which Intl rejects:
// fall back to the runtime's default rather than failing to start.
function supportedLocale(): string | undefined {
  const tag = typeof navigator === 'undefined' ? undefined : navigator.language;
  try {
    return tag ? Intl.getCanonicalLocales(tag)[0] : undefined;
  } catch {
    return undefined;
  }
}
const locale = supportedLocale();

const integer = new Intl.NumberFormat(locale, { maximumFractionDigits: 0 });
const compact = new Intl.NumberFormat(locale, { notation: 'compact', maximumFractionDigits: 1 });
const percent = new Intl.NumberFormat(locale, { style: 'percent', maximumFractionDigits: 1 });
const moneyFormats = new Map<string, Intl.NumberFormat>();

export const fmtInt = (n: number | null | undefined) => (n == null ? '—' : integer.format(n));
export const fmtCompact = (n: number | null | undefined) => (n == null ? '—' : compact.format(n));
export const fmtPercent = (n: number | null | undefined) => (n == null ? '—' : percent.format(n));

export function fmtMoney(n: number | null | undefined, currency = 'USD', compactForm = false): string {
  if (n == null) return '—';
  const key = `${currency}:${compactForm}`;
  let f = moneyFormats.get(key);
  if (!f) {
    f = new Intl.NumberFormat(locale, { style: 'currency', currency, maximumFractionDigits: compactForm ? 1 : 0, ...(compactForm ? { notation: 'compact' } : {}) });
    moneyFormats.set(key, f);
  }
  return f.format(n);
}

/** 42 s, 13 min, 2.5 h, 3.1 d — the unit a person would say. */
export function fmtDuration(seconds: number | null | undefined): string {
  if (seconds == null) return '—';
  const s = Math.abs(seconds);
  const one = new Intl.NumberFormat(locale, { maximumFractionDigits: 1 });
  if (s < 90) return `${one.format(seconds)} s`;
  if (s < 90 * 60) return `${one.format(seconds / 60)} min`;
  if (s < 36 * 3600) return `${one.format(seconds / 3600)} h`;
  return `${one.format(seconds / 86400)} d`;
}

const dateTime = new Intl.DateTimeFormat(locale, { dateStyle: 'short', timeStyle: 'medium' });
const timeOnly = new Intl.DateTimeFormat(locale, { timeStyle: 'medium' });
export const fmtDateTime = (iso: string | undefined | null) => (iso ? dateTime.format(new Date(iso)) : '—');
export const fmtTime = (iso: string | undefined | null) => (iso ? timeOnly.format(new Date(iso)) : '—');

/** "3 min ago" / "in 2 h" relative to `nowMs`. */
export function fmtRelative(iso: string | undefined, nowMs: number): string {
  if (!iso) return '—';
  const diff = (Date.parse(iso) - nowMs) / 1000;
  return diff >= 0 ? `in ${fmtDuration(diff)}` : `${fmtDuration(-diff)} ago`;
}

export const humanize = (key: string) => key.replace(/_/g, ' ');
