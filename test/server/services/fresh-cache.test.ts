// FreshCache: single-flight computation, stale-while-revalidate within the bound, and answers
// that always cover every change older than the bound.
import { describe, expect, it } from 'vitest';
import { FreshCache } from '../../../server/services/fresh-cache.ts';

/** A cache over a counter that `bump()` changes; each computation reads it and can be held open. */
function setup(staleMs: number) {
  let now = 0;
  let data = 0;
  let computed = 0;
  const gates: (() => void)[] = [];
  let hold = false;
  const cache = new FreshCache<number>({
    staleMs,
    now: () => now,
    compute: async () => {
      computed += 1;
      const seen = data;
      if (hold) await new Promise<void>((r) => gates.push(r));
      return seen;
    },
  });
  return {
    cache,
    bump: () => {
      data += 1;
      cache.invalidate();
    },
    tick: (ms: number) => (now += ms),
    computed: () => computed,
    hold: (on: boolean) => (hold = on),
    release: () => gates.splice(0).forEach((r) => r()),
  };
}

describe('FreshCache', () => {
  it('shares one computation between concurrent first readers', async () => {
    const t = setup(1000);
    expect(await Promise.all([t.cache.get('a'), t.cache.get('a'), t.cache.get('a')])).toEqual([0, 0, 0]);
    expect(t.computed()).toBe(1);
    expect(await t.cache.get('b')).toBe(0);
    expect(t.computed()).toBe(2);
  });

  it('keeps a value until a change, however long', async () => {
    const t = setup(1000);
    await t.cache.get('a');
    t.tick(3_600_000);
    await t.cache.get('a');
    expect(t.computed()).toBe(1);
  });

  it('within the bound answers the last value at once and refreshes it once in the background', async () => {
    const t = setup(1000);
    await t.cache.get('a');
    t.tick(600); // refreshes start at most once per half bound
    t.bump();
    t.hold(true);
    expect(await t.cache.get('a')).toBe(0); // stale, at once
    expect(await t.cache.get('a')).toBe(0); // the refresh is still running: no second one
    expect(t.computed()).toBe(2);
    t.release();
    await new Promise((r) => setImmediate(r));
    expect(await t.cache.get('a')).toBe(1);
  });

  it('past the bound waits for a value that covers the change', async () => {
    const t = setup(1000);
    await t.cache.get('a');
    t.bump();
    t.tick(1000);
    expect(await t.cache.get('a')).toBe(1);
  });

  it('with bound 0 every read after a change sees it, even while an older computation runs', async () => {
    const t = setup(0);
    t.hold(true);
    const first = t.cache.get('a');
    t.bump(); // changed while the first computation (which read 0) is running
    const second = t.cache.get('a');
    t.release();
    await new Promise((r) => setImmediate(r));
    t.release();
    expect(await first).toBe(0);
    expect(await second).toBe(1);
    expect(await t.cache.get('a')).toBe(1);
  });

  it('stops sharing a computation stuck past shareMs: later readers start another', async () => {
    let now = 0;
    let calls = 0;
    const cache = new FreshCache<number>({
      staleMs: 0,
      shareMs: 10_000,
      now: () => now,
      compute: () => (++calls === 1 ? new Promise<number>(() => {}) : Promise.resolve(calls)),
    });
    void cache.get('a'); // never answers (a query on a dropped connection)
    now = 9_999;
    void cache.get('a');
    expect(calls).toBe(1);
    now = 10_000;
    expect(await cache.get('a')).toBe(2);
  });

  it('a failed computation is not kept: the next read tries again', async () => {
    let fail = true;
    const cache = new FreshCache<string>({ staleMs: 0, compute: async () => (fail ? Promise.reject(new Error('db down')) : 'ok') });
    await expect(cache.get('a')).rejects.toThrow('db down');
    fail = false;
    expect(await cache.get('a')).toBe('ok');
  });
});
