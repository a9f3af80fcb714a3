import { LRUCache } from 'lru-cache';

/**
 * A bounded TTL cache whose look-ups for the same key share one call in flight (a burst of
 * replicas of one new image asks the server once). Failures are not cached.
 */
export class SharedCache<V extends object> {
  readonly #values: LRUCache<string, V>;
  readonly #inFlight = new Map<string, Promise<V>>();
  hits = 0;
  misses = 0;

  readonly #maxInFlight: number;

  /** `maxInFlight` bounds the loads running at once: beyond it a miss fails at once (back-pressure, not a queue). */
  constructor(max: number, ttlMs: number, maxInFlight = 256) {
    this.#values = new LRUCache<string, V>({ max, ttl: ttlMs, ttlAutopurge: false });
    this.#maxInFlight = maxInFlight;
  }

  /** `ttlFor` may give a loaded value its own lifetime (a "not scanned yet" answer lives shorter). */
  async get(key: string, load: () => Promise<V>, ttlFor?: (value: V) => number | undefined): Promise<V> {
    const cached = this.#values.get(key);
    if (cached !== undefined) {
      this.hits++;
      return cached;
    }
    this.misses++;
    const pending = this.#inFlight.get(key);
    if (pending !== undefined) return pending;
    if (this.#inFlight.size >= this.#maxInFlight) throw new Error(`more than ${this.#maxInFlight} look-ups in flight`);
    const loading = load().then((value) => {
      const ttl = ttlFor?.(value);
      this.#values.set(key, value, ttl === undefined ? {} : { ttl });
      return value;
    });
    this.#inFlight.set(key, loading);
    void loading.then(
      () => this.#inFlight.delete(key),
      () => this.#inFlight.delete(key),
    );
    return loading;
  }

  /** Drops every entry (a policy or trust change). */
  clear(): void {
    this.#values.clear();
  }

  get size(): number {
    return this.#values.size;
  }
}
