// Text that has no UTF-8 form: a lone UTF-16 surrogate, which JSON lets through as a
// `\uD800`-style escape. ClickHouse would store it mangled (as U+FFFD bytes), so an id would
// no longer match itself on the dedupe look-up and a retried event would be stored twice.
// Every way in (ingest API, file importers) refuses such text by field.

// In a `u` regex a proper surrogate pair is one code point, so this matches lone halves only.
const LONE_SURROGATE = /[\uD800-\uDFFF]/u;

export const loneSurrogateError = (path: string) => `${path}: text is not valid Unicode (lone surrogate escape)`;

/** The path of the first string (key or value) that is not well-formed Unicode, if any. */
export function findLoneSurrogate(root: unknown): string | undefined {
  // Nearly every value is clean: look without building paths first (every event of every
  // import passes here), and name the path only for the rare one that is not.
  return hasLoneSurrogate(root) ? pathOfLoneSurrogate(root) : undefined;
}

function hasLoneSurrogate(root: unknown): boolean {
  if (typeof root === 'string') return LONE_SURROGATE.test(root);
  // An explicit stack, not recursion: a hostile body may nest thousands of levels deep.
  const stack: unknown[] = [root];
  while (stack.length > 0) {
    const value = stack.pop();
    if (typeof value === 'string') {
      if (LONE_SURROGATE.test(value)) return true;
    } else if (value !== null && typeof value === 'object') {
      if (Array.isArray(value)) {
        for (const item of value) stack.push(item);
        continue;
      }
      for (const k in value) {
        if (!Object.hasOwn(value, k)) continue;
        if (LONE_SURROGATE.test(k)) return true;
        stack.push((value as Record<string, unknown>)[k]);
      }
    }
  }
  return false;
}

function pathOfLoneSurrogate(root: unknown): string | undefined {
  const stack: [unknown, string][] = [[root, '']];
  while (stack.length > 0) {
    const [value, path] = stack.pop()!;
    if (typeof value === 'string') {
      if (LONE_SURROGATE.test(value)) return path || '(value)';
    } else if (value !== null && typeof value === 'object') {
      for (const [k, v] of Object.entries(value)) {
        const at = path ? `${path}.${k}` : k;
        if (LONE_SURROGATE.test(k)) return at;
        stack.push([v, at]);
      }
    }
  }
  return undefined;
}
