// Typed client of the REST API. Every failure becomes an ApiError whose message can be shown
// as is: the server's own message when it sent one, otherwise what went wrong in plain words.
import type { ExceptionRecord } from '../../../server/contracts/exception.ts';
import type { KpiReport, GroupBy } from '../../../server/kpi/kpiTypes.ts';
import type { Principal } from '../../../server/auth/roles.ts';
import type { ApprovalRequest, ExceptionDetail, ExceptionPage, ActionResult, KpiSeries, AuditRecord, IntegrationsAnswer, DetectorConfigAnswer, ConfigUpdate, ConfigVersion, ActionPolicies } from './apiTypes.ts';

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    /** The server's structured details (e.g. `{ issues: [{ path, message }] }` of a 400). */
    readonly details?: unknown,
  ) {
    super(message);
  }
  /** The endpoint is not part of this server yet (another part is still being built). */
  get unavailable() {
    return this.status === 404 && this.code === 'not_found';
  }
  get unauthenticated() {
    return this.status === 401;
  }
}

type Query = Record<string, string | number | undefined | null>;

function qs(q: Query = {}): string {
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries(q)) if (v !== undefined && v !== null && v !== '') p.set(k, String(v));
  const s = p.toString();
  return s ? `?${s}` : '';
}

async function request<T>(method: string, path: string, opts: { query?: Query; body?: unknown; headers?: Record<string, string> } = {}): Promise<T> {
  let res: Response;
  try {
    res = await fetch(`/api/v1${path}${qs(opts.query)}`, {
      method,
      credentials: 'same-origin',
      headers: { accept: 'application/json', ...(opts.body !== undefined ? { 'content-type': 'application/json' } : {}), ...opts.headers },
      body: opts.body === undefined ? undefined : JSON.stringify(opts.body),
    });
  } catch {
    throw new ApiError(0, 'network', 'The server cannot be reached. Check your connection; the page retries when it is back.');
  }
  if (res.status === 204) return undefined as T;
  const text = await res.text();
  let json: unknown;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    json = undefined;
  }
  if (!res.ok) {
    const err = (json as { error?: { code?: string; message?: string; details?: unknown } } | undefined)?.error;
    throw new ApiError(res.status, err?.code ?? `http_${res.status}`, err?.message ?? `The server answered ${res.status} ${res.statusText}.`, err?.details);
  }
  return json as T;
}

export const newIdempotencyKey = (): string => crypto.randomUUID();

export const api = {
  login: (username: string, password: string) => request<{ token: string; expiresAt: string }>('POST', '/auth/login', { body: { username, password } }),
  logout: () => request<void>('POST', '/auth/logout'),
  me: () => request<Principal>('GET', '/auth/me'),

  exceptions: (query: Query) => request<ExceptionPage>('GET', '/exceptions', { query }),
  exception: (id: string) => request<ExceptionDetail>('GET', `/exceptions/${encodeURIComponent(id)}`),
  act: (id: string, body: { action: string; params?: Record<string, string | number | boolean | null>; comment?: string }, idempotencyKey = newIdempotencyKey()) =>
    request<ActionResult>('POST', `/exceptions/${encodeURIComponent(id)}/actions`, { body, headers: { 'idempotency-key': idempotencyKey } }),
  move: (id: string, body: { to: string; reason?: string; comment?: string }, idempotencyKey = newIdempotencyKey()) =>
    request<ActionResult>('POST', `/exceptions/${encodeURIComponent(id)}/transitions`, { body, headers: { 'idempotency-key': idempotencyKey } }),
  approvals: (query: Query = {}) => request<{ items: ApprovalRequest[] }>('GET', '/approvals', { query }),
  approve: (id: string, comment = '', idempotencyKey = newIdempotencyKey()) =>
    request<ActionResult>('POST', `/approvals/${encodeURIComponent(id)}/approve`, { body: { comment }, headers: { 'idempotency-key': idempotencyKey } }),
  reject: (id: string, reason: string, idempotencyKey = newIdempotencyKey()) =>
    request<ActionResult>('POST', `/approvals/${encodeURIComponent(id)}/reject`, { body: { reason }, headers: { 'idempotency-key': idempotencyKey } }),
  audit: (query: Query) => request<{ items: AuditRecord[] }>('GET', '/audit', { query }),

  kpis: (from: string, to: string, groupBy?: GroupBy, filters: Query = {}) => request<KpiReport>('GET', '/kpis', { query: { from, to, groupBy, ...filters } }),
  /** `stepSeconds` is rounded to whole minutes, the series API's unit. */
  kpiSeries: (metric: string, from: string, to: string, stepSeconds: number, filters: Query = {}) =>
    request<KpiSeries>('GET', '/kpis/series', { query: { metric, from, to, step: `${Math.max(1, Math.round(stepSeconds / 60))}m`, ...filters } }),
  integrations: (from: string, to: string) => request<IntegrationsAnswer>('GET', '/integrations', { query: { from, to } }),
  detectorConfig: () => request<DetectorConfigAnswer>('GET', '/detectors/config'),
  updateDetectorConfig: (body: { baseRevision: number; config: Record<string, unknown>; comment?: string }) => request<ConfigUpdate>('PATCH', '/detectors/config', { body }),
  detectorConfigVersions: () => request<{ revision: number; items: ConfigVersion[] }>('GET', '/detectors/config/versions'),
  actionPolicies: () => request<ActionPolicies>('GET', '/actions/policies'),
};

export type { ExceptionRecord };
