// The known-harness table as data (mime-db style): well-formed entries, one current upstream,
// metric groups that map to one stable key, and name look-ups for `--harness`.
import { describe, expect, it } from 'vitest';
import {
  CURRENT_UPSTREAM,
  KNOWN_HARNESSES,
  equivalentHarnesses,
  harnessByName,
  harnessKeyOf,
  harnessNames,
  knownHarness,
  harnessKeyFor,
  harnessDisplayName,
  isUnknownHarness,
  unknownHarnessId,
} from '../../../server/protocol/harnesses.ts';

describe('the known-harness table', () => {
  it('holds well-formed, unique entries', () => {
    expect(KNOWN_HARNESSES.length).toBeGreaterThanOrEqual(5);
    for (const h of KNOWN_HARNESSES) {
      expect(h.id).toMatch(/^[0-9a-f]{64}$/);
      expect(h.commit).toMatch(/^[0-9a-f]{7,40}$/);
      expect(h.date).toMatch(/^\d{4}-\d{2}-\d{2}$/);
      expect(h.name).toMatch(/^[a-z][a-z0-9-]*$/);
      expect(h.metric).toMatch(/^[A-Z]$/);
      expect(h.time_budget_s).toBeGreaterThan(0);
      expect(h.change.length).toBeGreaterThan(0);
    }
    expect(new Set(KNOWN_HARNESSES.map((h) => h.id)).size).toBe(KNOWN_HARNESSES.length);
    expect(new Set(KNOWN_HARNESSES.map((h) => h.commit)).size).toBe(KNOWN_HARNESSES.length);
    // Oldest first, so the first of a metric group is the stable key.
    const dates = KNOWN_HARNESSES.map((h) => h.date);
    expect([...dates].sort()).toEqual(dates);
  });

  it('has the upstream versions of UPSTREAM-HARNESSES.md, c2450ad current', () => {
    expect(CURRENT_UPSTREAM.commit).toBe('c2450ad');
    expect(CURRENT_UPSTREAM.id).toBe('4f2ba9cbb8ba8c4a3d35be405a913e2f3be3af9aea103ed52ef7b2a662058150');
    expect(knownHarness('dc2573d1d90b885cc12bbef8c911472e4e527358ff124154a9a802846d90b864')?.commit).toBe('b11d6f2');
    expect(knownHarness('0'.repeat(64))).toBeNull();
  });

  it('maps versions computing the same metric to one key, and unknown ids to themselves', () => {
    const b = KNOWN_HARNESSES.filter((h) => h.metric === 'B');
    expect(b.length).toBe(4);
    const keys = new Set(b.map((h) => harnessKeyOf(h.id)));
    expect(keys.size).toBe(1);
    expect([...keys][0]).toBe(b[0].id);
    // The initial commit computes another val_bpb (unpinned validation shard).
    const a = KNOWN_HARNESSES.find((h) => h.metric === 'A')!;
    expect(harnessKeyOf(a.id)).toBe(a.id);
    expect(harnessKeyOf(a.id)).not.toBe(harnessKeyOf(CURRENT_UPSTREAM.id));
    const own = 'ab'.repeat(32);
    expect(harnessKeyOf(own)).toBe(own);
    expect(equivalentHarnesses(own)).toEqual([own]);
    expect(equivalentHarnesses(CURRENT_UPSTREAM.id)).toEqual(b.map((h) => h.id));
  });

  it('finds a harness by name, or by name@commit', () => {
    expect(harnessNames()).toContain('upstream');
    expect(harnessByName('upstream')).toBe(CURRENT_UPSTREAM);
    expect(harnessByName('Upstream ')).toBe(CURRENT_UPSTREAM);
    expect(harnessByName('upstream@b11d6f2')?.metric).toBe('A');
    expect(harnessByName('upstream@8a5c')?.commit).toBe('8a5c486');
    expect(harnessByName('upstream@8a')).toBeNull();
    expect(harnessByName('upstream@ffffff')).toBeNull();
    expect(harnessByName('nanochat')).toBeNull();
  });

  it("an unknown harness is its fork's own, recognisable from its id alone, and never a prepare.py of the table", () => {
    const id = unknownHarnessId('fork-abc');
    expect(id).toMatch(/^0{16}[0-9a-f]{48}$/);
    expect(unknownHarnessId('fork-abc')).toBe(id);
    expect(unknownHarnessId('fork-abd')).not.toBe(id);
    expect(isUnknownHarness(id)).toBe(true);
    expect(KNOWN_HARNESSES.some((h) => isUnknownHarness(h.id))).toBe(false);
    expect(harnessKeyOf(id)).toBe(id);
    expect(harnessDisplayName(id)).toBe(`unknown harness (fork ${id.slice(16, 24)})`);
  });

  it('another time budget is another key; every version of a metric group has one display name', () => {
    const [a, ...b] = KNOWN_HARNESSES;
    expect(harnessKeyFor({ id: CURRENT_UPSTREAM.id, time_budget_s: 300 })).toBe(harnessKeyOf(CURRENT_UPSTREAM.id));
    expect(harnessKeyFor({ id: CURRENT_UPSTREAM.id, time_budget_s: 1200 })).toBe(`${harnessKeyOf(CURRENT_UPSTREAM.id)}@1200s`);
    // A fork's own prepare.py sets its own budget: its id is its key.
    expect(harnessKeyFor({ id: 'f'.repeat(64), time_budget_s: 1200 })).toBe('f'.repeat(64));
    const names = new Set(b.map((h) => harnessDisplayName(h.id)));
    expect([...names]).toEqual(['upstream 032d203…c2450ad']);
    expect(harnessDisplayName(harnessKeyOf(CURRENT_UPSTREAM.id))).toBe('upstream 032d203…c2450ad');
    expect(harnessDisplayName(a.id)).toBe('upstream b11d6f2');
    expect(harnessDisplayName(`${harnessKeyOf(CURRENT_UPSTREAM.id)}@1200s`)).toBe('upstream 032d203…c2450ad, 1200 s budget');
    expect(harnessDisplayName('f'.repeat(64))).toBe(`prepare.py ${'f'.repeat(12)}`);
  });
});
