// A REST resource for a view: loading, ready, error (with the server's message), unavailable
// (the endpoint is not part of this server yet) or signin (401). `load` ignores answers that
// arrive after a newer request was made, so a fast range change never shows stale data.
import { ApiError } from './api.ts';

export type ResourceState = 'idle' | 'loading' | 'ready' | 'error' | 'unavailable' | 'signin';

export class Resource<T> {
  #state = $state<ResourceState>('idle');
  #data = $state.raw<T | undefined>(undefined);
  #error = $state<string | null>(null);
  #seq = 0;

  async load(fetcher: () => Promise<T>) {
    const seq = ++this.#seq;
    if (this.#state !== 'ready') this.#state = 'loading';
    try {
      const data = await fetcher();
      if (seq !== this.#seq) return;
      this.#data = data;
      this.#state = 'ready';
      this.#error = null;
    } catch (err) {
      if (seq !== this.#seq) return;
      const e = err as ApiError;
      this.#state = e instanceof ApiError && e.unavailable ? 'unavailable' : e instanceof ApiError && e.unauthenticated ? 'signin' : 'error';
      this.#error = e.message;
    }
  }

  get state() {
    return this.#state;
  }
  get data() {
    return this.#data;
  }
  get error() {
    return this.#error;
  }
}
