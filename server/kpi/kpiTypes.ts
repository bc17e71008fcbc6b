// The KPI set of DESIGN.md §6 as the API and the live feed send it. Rates are fractions in
// [0, 1] (null when the denominator is zero), durations are seconds, money is currency units.

export type Quantiles = { p50: number | null; p90: number | null; mean: number | null };

export type OpenExceptions = {
  total: number;
  byType: Record<string, number>;
  bySeverity: Record<string, number>;
  byTypeAndSeverity: Record<string, Record<string, number>>;
};

export type IntegrationHealth = {
  interface: string;
  messages: number;
  messagesPerMinute: number;
  failureRate: number | null;
  p95LatencyMs: number | null;
  retries: number;
  duplicatesSuppressed: number;
  deadLetters: number;
};

export type ErrorCodeCount = { code: string; count: number; lastSeen: string };

/** An entry of GET /integrations: health with the interface's most frequent error codes. */
export type IntegrationRow = IntegrationHealth & { topErrorCodes: ErrorCodeCount[] };

export type DetectionQuality = {
  type: string;
  detected: number;
  /** Exceptions whose evidence carries a label of the same type (simulator ground truth). */
  truePositives: number;
  precision: number | null;
  faults: number;
  faultsDetected: number;
  recall: number | null;
  /** From user feedback: 1 − dismissed as false_positive ÷ closed. */
  feedbackPrecision: number | null;
};

export type KpiSet = {
  openExceptions: OpenExceptions;
  mttaSeconds: number | null;
  resolutionSeconds: Quantiles;
  slaAdherence: number | null;
  revenueAtRisk: number;
  lineFillRate: number | null;
  unitFillRate: number | null;
  orderFillRate: number | null;
  orderCycleSeconds: { p50: number | null; p90: number | null; exceptionDelay: number | null };
  perfectOrderRate: number | null;
  manualTouchesPerOrder: number | null;
  autoResolutionRate: number | null;
  falsePositiveRate: number | null;
  integrations: IntegrationHealth[];
  detection: DetectionQuality[];
};

export type KpiWindow = { from: string; to: string; previousFrom: string; previousTo: string };

export const GROUP_BYS = ['type', 'team', 'tier', 'warehouse', 'carrier', 'interface'] as const;
export type GroupBy = (typeof GROUP_BYS)[number];

/** Filters narrow every KPI to one value of a dimension; absent = all. */
export type KpiFilters = Partial<Record<GroupBy, string>>;

export type KpiReport = {
  window: KpiWindow;
  filters: KpiFilters;
  current: KpiSet;
  previous: KpiSet;
  groupBy?: GroupBy;
  groups?: { key: string; current: KpiSet; previous: KpiSet }[];
};
