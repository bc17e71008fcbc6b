// Keyed detector state with a bounded lifetime: every entry expires `ttlMs` of event time
// after it was last touched, and the map never holds more than `maxEntries` (the least
// recently touched go first). Touching moves an entry to the end of the Map's insertion
// order, so a sweep only ever looks at entries that are actually due.
export class ExpiringMap<K, V> {
  private readonly entries = new Map<K, { value: V; touched: number }>();

  constructor(
    private readonly ttlMs: number,
    private readonly maxEntries: number,
    private readonly onEvict?: (key: K, value: V) => void,
  ) {}

  get size(): number {
    return this.entries.size;
  }

  get(key: K): V | undefined {
    return this.entries.get(key)?.value;
  }

  has(key: K): boolean {
    return this.entries.has(key);
  }

  /** Sets (or refreshes) an entry at event time `now`. */
  set(key: K, value: V, now: number): V {
    this.entries.delete(key);
    this.entries.set(key, { value, touched: now });
    if (this.entries.size > this.maxEntries) this.evictOldest();
    return value;
  }

  /** Marks an entry as used at `now` without changing it. */
  touch(key: K, now: number): V | undefined {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    this.entries.delete(key);
    entry.touched = Math.max(entry.touched, now);
    this.entries.set(key, entry);
    return entry.value;
  }

  delete(key: K): boolean {
    return this.entries.delete(key);
  }

  /** Drops what has not been touched for `ttlMs` before `now`. */
  sweep(now: number): void {
    for (const [key, entry] of this.entries) {
      if (entry.touched + this.ttlMs > now) break;
      this.entries.delete(key);
      this.onEvict?.(key, entry.value);
    }
  }

  *values(): IterableIterator<V> {
    for (const entry of this.entries.values()) yield entry.value;
  }

  *[Symbol.iterator](): IterableIterator<[K, V]> {
    for (const [key, entry] of this.entries) yield [key, entry.value];
  }

  private evictOldest(): void {
    const [key, entry] = this.entries.entries().next().value!;
    this.entries.delete(key);
    this.onEvict?.(key, entry.value);
  }
}
