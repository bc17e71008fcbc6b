// The admin's draft of the detector configuration: one text value per leaf key (by dotted
// path), which keys differ from what the server runs, the errors per key (the browser's own
// check that a number is a number, then the server's schema), and saving only what changed
// on the revision it was loaded from.
import { api, ApiError } from './api.ts';
import type { ConfigUpdate } from './apiTypes.ts';

export type Leaf = { path: string; value: unknown };

const isObject = (v: unknown): v is Record<string, unknown> => !!v && typeof v === 'object' && !Array.isArray(v);

export function leaves(o: Record<string, unknown>, prefix = ''): Leaf[] {
  return Object.entries(o).flatMap(([k, v]): Leaf[] => (isObject(v) ? leaves(v, `${prefix}${k}.`) : [{ path: `${prefix}${k}`, value: v }]));
}

export const display = (v: unknown) => (Array.isArray(v) ? v.map(String).join(', ') : String(v));

/** The typed value of a draft text, in the type the server has for the key, or an error. */
function parse(text: string, like: unknown): { value: unknown } | { error: string } {
  if (typeof like === 'number') {
    const n = Number(text.trim());
    return text.trim() === '' || !Number.isFinite(n) ? { error: 'must be a number' } : { value: n };
  }
  if (typeof like === 'boolean') return { value: text === 'true' };
  if (Array.isArray(like)) return { value: text.split(',').map((s) => s.trim()).filter(Boolean) };
  return { value: text };
}

export class ConfigEditor {
  #original = $state.raw<Record<string, Leaf>>({});
  draft = $state<Record<string, string>>({});
  errors = $state<Record<string, string>>({});
  comment = $state('');
  saving = $state(false);
  message = $state<{ kind: 'ok' | 'error'; text: string } | null>(null);
  #revision = 0;

  reset(config: Record<string, unknown>, revision: number) {
    const byPath: Record<string, Leaf> = {};
    for (const l of leaves(config)) if (l.path !== 'version') byPath[l.path] = l;
    this.#original = byPath;
    this.draft = Object.fromEntries(Object.values(byPath).map((l) => [l.path, display(l.value)]));
    this.errors = {};
    this.#revision = revision;
  }

  get changed(): string[] {
    return Object.keys(this.#original).filter((p) => this.draft[p] !== display(this.#original[p].value));
  }

  isChanged(path: string) {
    return path in this.#original && this.draft[path] !== display(this.#original[path].value);
  }

  /** Saves the changed keys; answers the new revision, or undefined with errors set. */
  async save(): Promise<ConfigUpdate | undefined> {
    const errors: Record<string, string> = {};
    const edit: Record<string, unknown> = {};
    for (const path of this.changed) {
      const parsed = parse(this.draft[path], this.#original[path].value);
      if ('error' in parsed) errors[path] = parsed.error;
      else setPath(edit, path, parsed.value);
    }
    this.errors = errors;
    this.message = null;
    if (Object.keys(errors).length) {
      this.message = { kind: 'error', text: 'Fix the marked values first.' };
      return undefined;
    }
    this.saving = true;
    try {
      const saved = await api.updateDetectorConfig({ baseRevision: this.#revision, config: edit, comment: this.comment || undefined });
      this.comment = '';
      this.message = { kind: 'ok', text: `Saved as revision ${saved.revision} (${saved.version}).${saved.appliesAtRestart.length ? ` Takes effect at the next restart: ${saved.appliesAtRestart.join(', ')}.` : ' Detection uses it from now on.'}` };
      return saved;
    } catch (err) {
      const e = err as ApiError;
      const issues = (e.details as { issues?: { path: string; message: string }[] } | undefined)?.issues ?? [];
      this.errors = Object.fromEntries(issues.map((i) => [i.path, i.message]));
      this.message = { kind: 'error', text: e.status === 409 ? `${e.message}.` : issues.length ? 'The server refused the marked values.' : e.message };
      return undefined;
    } finally {
      this.saving = false;
    }
  }
}

function setPath(target: Record<string, unknown>, path: string, value: unknown) {
  const parts = path.split('.');
  let o = target;
  for (const p of parts.slice(0, -1)) o = (o[p] ??= {}) as Record<string, unknown>;
  o[parts[parts.length - 1]] = value;
}
