// Read state that scales with readers, not writes: a value per key computed once and shared by
// concurrent readers, kept until records change, then refreshed in the background at most twice
// per staleness bound while readers get the last value (stale-while-revalidate). A change is in
// every answer within `staleMs` of being announced; with `staleMs` 0 the next read waits for it.

export interface FreshCacheOptions<T> {
  compute(key: string): Promise<T>;
  /** How long after a change an answer may still leave it out (0: never). */
  staleMs: number;
  now?: () => number;
  /** Keys kept at the most (the oldest is dropped). */
  maxKeys?: number;
  /** How long readers share one computation in flight before starting another (default 10 s). */
  shareMs?: number;
  /** A background refresh failed (the next read tries again). */
  onError?: (err: unknown, key: string) => void;
}

interface Refresh<T> {
  promise: Promise<T>;
  /** The change count when it started: it covers every change up to this one. */
  version: number;
  /** When the first change after it started was announced (null: none yet). */
  firstChangeAfter: number | null;
}

interface Entry<T> {
  value?: { data: T; version: number };
  /** When the first change the value leaves out was announced (null: it leaves none out). */
  firstChangeAfter: number | null;
  refresh: Refresh<T> | null;
  lastStart: number;
}

export class FreshCache<T> {
  private readonly entries = new Map<string, Entry<T>>();
  private version = 0;

  constructor(private readonly o: FreshCacheOptions<T>) {}

  private now(): number {
    return (this.o.now ?? Date.now)();
  }

  /** Something the values depend on changed: every key is refreshed within the bound. */
  invalidate(): void {
    this.version += 1;
    const at = this.now();
    for (const e of this.entries.values()) {
      if (e.value) e.firstChangeAfter ??= at;
      if (e.refresh) e.refresh.firstChangeAfter ??= at;
    }
  }

  /** The value for `key`: the cached one while it is within the bound, else a fresh one. */
  get(key: string): Promise<T> {
    const e = this.entry(key);
    if (!e.value) return this.current(key, e);
    if (e.value.version === this.version || e.firstChangeAfter === null) return Promise.resolve(e.value.data);
    const { staleMs } = this.o;
    if (staleMs <= 0) return this.current(key, e);
    const now = this.now();
    // One refresh in flight, and at most one started per half bound: a burst of writes costs
    // a couple of recomputations, not one per write.
    if (!e.refresh && now - e.lastStart >= staleMs / 2) this.start(key, e).catch((err) => this.o.onError?.(err, key));
    if (now - e.firstChangeAfter < staleMs) return Promise.resolve(e.value.data);
    return this.current(key, e);
  }

  /** The last value computed for `key`, however old (never a computation). */
  peek(key: string): T | undefined {
    return this.entries.get(key)?.value?.data;
  }

  private entry(key: string): Entry<T> {
    let e = this.entries.get(key);
    if (!e) {
      e = { firstChangeAfter: null, refresh: null, lastStart: -Infinity };
      this.entries.set(key, e);
      if (this.entries.size > (this.o.maxKeys ?? 256)) this.entries.delete(this.entries.keys().next().value!);
    }
    return e;
  }

  /**
   * A computation that covers every change so far: the one in flight if it does (and has not run
   * past `shareMs`: a query stuck on a connection the database dropped must not hold every later
   * reader), else a new one.
   */
  private current(key: string, e: Entry<T>): Promise<T> {
    const shareMs = this.o.shareMs ?? 10_000;
    if (e.refresh && e.refresh.version === this.version && this.now() - e.lastStart < shareMs) return e.refresh.promise;
    return this.start(key, e);
  }

  private start(key: string, e: Entry<T>): Promise<T> {
    const refresh: Refresh<T> = { promise: undefined as unknown as Promise<T>, version: this.version, firstChangeAfter: null };
    e.lastStart = this.now();
    refresh.promise = this.o.compute(key).then(
      (data) => {
        // A newer value may have landed first (two computations in flight): keep the newer.
        if (!e.value || e.value.version <= refresh.version) {
          e.value = { data, version: refresh.version };
          e.firstChangeAfter = refresh.firstChangeAfter;
        }
        if (e.refresh === refresh) e.refresh = null;
        return data;
      },
      (err) => {
        if (e.refresh === refresh) e.refresh = null;
        throw err;
      },
    );
    e.refresh = refresh;
    return refresh.promise;
  }
}
