/**
 * A least-recently-used map bounded by an estimate of the bytes its entries hold, for caches whose keys or
 * values a client chooses (parsed documents, cost estimates). A Map keeps insertion order, so its first key
 * is the least recently used one once every hit re-inserts its key. (`lru-cache` does the same with more
 * options; it is only a transitive dependency here, so this small one stands in.)
 */
export class BoundedCache<V> {
  private readonly entries = new Map<string, { value: V; bytes: number }>();
  private bytes = 0;

  constructor(
    /** The most estimated bytes all entries may hold together. */
    readonly maxBytes: number,
    /** Estimates what one entry keeps alive: its key, its value and what the value references. */
    private readonly sizeOf: (key: string, value: V) => number,
  ) {}

  get(key: string): V | undefined {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    this.entries.delete(key);
    this.entries.set(key, entry);
    return entry.value;
  }

  /** Stores the entry, evicting the least recently used ones past the bound; one alone over it is not kept. */
  set(key: string, value: V): void {
    this.delete(key);
    const bytes = this.sizeOf(key, value);
    if (bytes > this.maxBytes) return;
    this.entries.set(key, { value, bytes });
    this.bytes += bytes;
    for (const [oldest, entry] of this.entries) {
      if (this.bytes <= this.maxBytes) break;
      this.entries.delete(oldest);
      this.bytes -= entry.bytes;
    }
  }

  delete(key: string): boolean {
    const entry = this.entries.get(key);
    if (!entry) return false;
    this.entries.delete(key);
    this.bytes -= entry.bytes;
    return true;
  }

  /** The estimated bytes held now (never above `maxBytes`). */
  get size(): { entries: number; bytes: number } {
    return { entries: this.entries.size, bytes: this.bytes };
  }
}
