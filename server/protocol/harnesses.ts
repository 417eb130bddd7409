// Known harnesses, as data: upstream autoresearch's prepare.py versions (SHA-256 = harness id),
// the commit and date of each, and which of them compute the same val_bpb (one metric group).
// The server ranks a group as one; a bare results.tsv is on an unknown harness of its own fork;
// a time budget other than a known version's is another key; one display name per key.
import { createHash } from 'node:crypto';

export interface KnownHarness {
  /** SHA-256 of that prepare.py: the record's `harness.id`. */
  id: string;
  /** The family's name; `--harness <name>` picks its current version. */
  name: string;
  /** Where it comes from (the upstream repository) and the commit that last changed prepare.py. */
  repository: string;
  commit: string;
  /** The commit's date (YYYY-MM-DD). */
  date: string;
  /** Versions with the same metric letter compute the same val_bpb (tokenizer, val shard, evaluate_bpb, constants). */
  metric: string;
  /** TIME_BUDGET of that prepare.py, seconds. */
  time_budget_s: number;
  /** What changed in prepare.py at that commit. */
  change: string;
}

/** karpathy/autoresearch `master`, every commit that changed prepare.py, oldest first. */
export const KNOWN_HARNESSES: readonly KnownHarness[] = [
  {
    id: 'dc2573d1d90b885cc12bbef8c911472e4e527358ff124154a9a802846d90b864',
    name: 'upstream',
    repository: 'karpathy/autoresearch',
    commit: 'b11d6f2',
    date: '2026-03-06',
    metric: 'A',
    time_budget_s: 300,
    change: 'initial commit (16 reserved tokens, unpinned validation shard)',
  },
  {
    id: '2223636a17787a4bf7a9e0446ad7ca2bf16902ba25d0f0246db1bd35450c2e52',
    name: 'upstream',
    repository: 'karpathy/autoresearch',
    commit: '032d203',
    date: '2026-03-07',
    metric: 'B',
    time_budget_s: 300,
    change: 'pinned validation shard (shard_06542), 4 reserved tokens; constants imported from constants.py',
  },
  {
    id: '35b1b5869339b76702e0b234442981086fabe66253136063a647b303256ffdbc',
    name: 'upstream',
    repository: 'karpathy/autoresearch',
    commit: '8a5c486',
    date: '2026-03-07',
    metric: 'B',
    time_budget_s: 300,
    change: 'constants moved into prepare.py (MAX_SEQ_LEN 2048, TIME_BUDGET 300, EVAL_TOKENS 40·524288)',
  },
  {
    id: '95fd1bac79614eccc45673b7ae22a7dca7e5f496d7b487fd362fde5663e2734c',
    name: 'upstream',
    repository: 'karpathy/autoresearch',
    commit: '500114a',
    date: '2026-03-07',
    metric: 'B',
    time_budget_s: 300,
    change: '--download-workers flag',
  },
  {
    id: '4f2ba9cbb8ba8c4a3d35be405a913e2f3be3af9aea103ed52ef7b2a662058150',
    name: 'upstream',
    repository: 'karpathy/autoresearch',
    commit: 'c2450ad',
    date: '2026-03-10',
    metric: 'B',
    time_budget_s: 300,
    change: 'assert when no training shards exist',
  },
];

const BY_ID = new Map(KNOWN_HARNESSES.map((h) => [h.id, h]));

/** The known harness with this id, or null (a fork's own prepare.py). */
export function knownHarness(id: string): KnownHarness | null {
  return BY_ID.get(id) ?? null;
}

/** The current version of a named family: its newest entry. */
export function currentHarness(name: string): KnownHarness | null {
  const family = KNOWN_HARNESSES.filter((h) => h.name === name);
  return family.length ? family.reduce((a, b) => (b.date >= a.date ? b : a)) : null;
}

/** The harness a bare results.tsv (no prepare.py at hand) is taken to be on. */
export const CURRENT_UPSTREAM: KnownHarness = currentHarness('upstream')!;

/** Names `--harness` accepts: each family's name (its current version) and `name@commit` for one version. */
export function harnessByName(name: string): KnownHarness | null {
  const at = name.indexOf('@');
  if (at < 0) return currentHarness(name.trim().toLowerCase());
  const family = name.slice(0, at).trim().toLowerCase();
  const commit = name
    .slice(at + 1)
    .trim()
    .toLowerCase();
  if (commit.length < 4) return null;
  return KNOWN_HARNESSES.find((h) => h.name === family && h.commit.startsWith(commit)) ?? null;
}

export function harnessNames(): string[] {
  return [...new Set(KNOWN_HARNESSES.map((h) => h.name))];
}

/**
 * The key under which results compare: for a known version, the id of the oldest version of its
 * metric group (stable when upstream adds versions); any other id is its own key.
 */
export function harnessKeyOf(id: string): string {
  const h = BY_ID.get(id);
  if (!h) return id;
  return KNOWN_HARNESSES.find((o) => o.name === h.name && o.metric === h.metric)!.id;
}

/** Every known id that computes the same metric as `id` (itself included), oldest first. */
export function equivalentHarnesses(id: string): string[] {
  const h = BY_ID.get(id);
  if (!h) return [id];
  return KNOWN_HARNESSES.filter((o) => o.name === h.name && o.metric === h.metric).map((o) => o.id);
}

/**
 * An unknown harness (a results.tsv imported with no prepare.py at hand) is its fork's own: its id
 * is these 16 zeros then 48 hex digits of SHA-256 over the fork id. A prepare.py's SHA-256 starts
 * so with probability 2⁻⁶⁴, so the id says what it is wherever it is read.
 */
export const UNKNOWN_HARNESS_PREFIX = '0'.repeat(16);

export function unknownHarnessId(forkId: string): string {
  return UNKNOWN_HARNESS_PREFIX + createHash('sha256').update(`crossfork unknown harness\n${forkId}`).digest('hex').slice(0, 48);
}

/** Whether a harness id (or key) is an unknown harness: its records inform ideas by delta, never a ranking. */
export function isUnknownHarness(idOrKey: string): boolean {
  return idOrKey.startsWith(UNKNOWN_HARNESS_PREFIX);
}

/** `<key>@<seconds>s`: a known harness run under another time budget (a key of its own). */
const BUDGET_KEY = /^([0-9a-f]{64})@(\d+(?:\.\d+)?)s$/;

/**
 * The key a record ranks under: harnessKeyOf(id), or `<that>@<budget>s` when the record ran a
 * known upstream version under another time budget (a 20-minute fork does not rank with 5-minute ones).
 */
export function harnessKeyFor(h: { id: string; time_budget_s: number }): string {
  const base = harnessKeyOf(h.id);
  const k = BY_ID.get(h.id);
  return k && h.time_budget_s !== k.time_budget_s ? `${base}@${Number(h.time_budget_s.toFixed(3))}s` : base;
}

/** The one name a harness key (or id) is shown by: leaderboard, known-bad, pages and CLI alike. */
export function harnessDisplayName(idOrKey: string): string {
  const budget = BUDGET_KEY.exec(idOrKey);
  if (budget) return `${harnessDisplayName(budget[1])}, ${budget[2]} s budget`;
  if (isUnknownHarness(idOrKey)) return `unknown harness (fork ${idOrKey.slice(16, 24)})`;
  const key = harnessKeyOf(idOrKey);
  const k = BY_ID.get(key);
  if (!k) return `prepare.py ${key.slice(0, 12)}`;
  const group = KNOWN_HARNESSES.filter((o) => o.name === k.name && o.metric === k.metric);
  const last = group[group.length - 1];
  return group.length === 1 ? `${k.name} ${k.commit}` : `${k.name} ${k.commit}…${last.commit}`;
}
