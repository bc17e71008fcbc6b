// The drawer's data: the exception's detail from the REST API, refreshed when the live feed
// brings a newer version, and the actions a person takes on it (each with its own
// Idempotency-Key, so a double click or a retry cannot run an action twice).
import { api, newIdempotencyKey } from './api.ts';
import type { ActionResult, ExceptionDetail } from './apiTypes.ts';
import { Resource } from './resource.svelte.ts';

export class ExceptionDetailState {
  readonly detail = new Resource<ExceptionDetail>();
  #busy = $state<string | null>(null);
  #message = $state<{ kind: 'ok' | 'error'; text: string } | null>(null);

  constructor(readonly id: string) {}

  reload() {
    return this.detail.load(() => api.exception(this.id));
  }

  async #run(label: string, call: (key: string) => Promise<ActionResult>, describe: (r: ActionResult) => string) {
    if (this.#busy) return;
    this.#busy = label;
    this.#message = null;
    const key = newIdempotencyKey();
    try {
      const r = await call(key);
      this.#message = { kind: 'ok', text: describe(r) };
      await this.reload();
    } catch (err) {
      this.#message = { kind: 'error', text: (err as Error).message };
    } finally {
      this.#busy = null;
    }
  }

  act(action: string, comment: string) {
    return this.#run(action, (key) => api.act(this.id, { action, comment }, key), (r) =>
      r.outcome === 'pending_approval' ? `Approval requested from ${r.requiredRole ?? 'an approver'}` : r.note ?? `Action ${r.outcome ?? 'done'}`,
    );
  }
  move(to: string, reason?: string, comment = '') {
    return this.#run(to, (key) => api.move(this.id, { to, reason, comment }, key), () => `Moved to ${to.replace('_', ' ')}`);
  }
  approve(approvalId: string, comment: string) {
    return this.#run('approve', (key) => api.approve(approvalId, comment, key), () => 'Approved');
  }
  reject(approvalId: string, reason: string) {
    return this.#run('reject', (key) => api.reject(approvalId, reason, key), () => 'Rejected');
  }

  get busy() {
    return this.#busy;
  }
  get message() {
    return this.#message;
  }
}
