// The leaderboard: per harness, per hardware class, the headline (its best confirmed result), the
// best claim awaiting replication, the flagged claims with their reasons, and how it got there.
// Unknown harnesses (no prepare.py) never rank.
import type { Leaderboard } from '../protocol/api.schema.ts';
import type { RecordPayload } from '../protocol/record.schema.ts';
import type { LeaderboardRepository } from '../repositories/leaderboard.repository.ts';
import { NotFoundError } from './errors.ts';
import { harnessDisplayName, harnessKeyOf, isUnknownHarness } from '../protocol/harnesses.ts';
import { NOISE_PRIOR } from './trust/noise-model.ts';
import type { LoginLookup } from './login-lookup.ts';
import type { RecordRow } from '../db/schema/records.ts';
import type { NoiseService, ReplicationSnapshot } from './noise.service.ts';
import type { Confirmation } from './trust/confirmation.ts';
import { FreshCache } from './fresh-cache.ts';

export class LeaderboardService {
  /** Boards by harness ('' = the default one), shared by concurrent readers, refreshed after records change. */
  private readonly boards: FreshCache<Leaderboard>;

  constructor(
    private readonly deps: {
      leaderboard: LeaderboardRepository;
      logins?: LoginLookup;
      /** How long after records changed a board may still leave the change out (0: recomputed at the next read). */
      staleMs?: number;
      now?: () => number;
      /** The noise model and replication groups: which results are confirmed (without it, none is). */
      trust?: Pick<NoiseService, 'snapshot'>;
      onError?: (err: unknown) => void;
    },
  ) {
    this.boards = new FreshCache({
      compute: (key) => this.compute(key || undefined),
      staleMs: deps.staleMs ?? 0,
      now: deps.now,
      onError: deps.onError,
    });
  }

  /**
   * Without a harness, the harness with the most records is shown (val_bpb only compares within
   * one). The board is the most-read page and its aggregates scan a harness's records, so it is
   * computed once and kept until records change; a change shows within `staleMs`.
   */
  async get(harnessId?: string): Promise<Leaderboard> {
    // Any version of a known harness shows its metric group's board.
    return this.boards.get(harnessId ? harnessKeyOf(harnessId) : '');
  }

  /** Records were stored, hidden, or unflagged: boards are recomputed within `staleMs`. */
  invalidate(): void {
    this.boards.invalidate();
  }

  private async compute(harnessId?: string): Promise<Leaderboard> {
    const repo = this.deps.leaderboard;
    const harnesses = await repo.harnesses();
    // An unknown harness's records inform ideas by their deltas, never a ranking by val_bpb.
    const ranked = harnesses.filter((h) => !isUnknownHarness(h.harnessId));
    const harness = harnessId ? harnesses.find((h) => h.harnessId === harnessId) : ranked[0];
    if (harnessId && !harness) throw new NotFoundError(`harness ${harnessId.slice(0, 80)}`);
    const list = ranked.map((h) => ({
      id: h.harnessId,
      name: harnessDisplayName(h.harnessId),
      records: h.records,
      contributors: h.contributors,
      versions: h.versions,
    }));
    if (!harness) return { harness: null, harnesses: list, classes: [] };
    const head = { id: harness.harnessId, name: harnessDisplayName(harness.harnessId), versions: harness.versions };
    if (isUnknownHarness(harness.harnessId)) return { harness: { ...head, ranked: false }, harnesses: list, classes: [] };

    const [counts, bests, history, snapshot, flagged] = await Promise.all([
      repo.classCounts(harness.harnessId),
      repo.bestKeeps(harness.harnessId),
      repo.history(harness.harnessId),
      this.deps.trust?.snapshot(harness.harnessId),
      repo.flaggedKeeps(harness.harnessId),
    ]);
    // A class's best is its best confirmed result when it has one; a better unconfirmed one is shown beside it.
    const confirmed = snapshot?.confirmedBest() ?? new Map();
    const bestByClass = new Map(bests.map((b) => [b.hardwareClass, b]));
    const known = new Set(bests.map((b) => b.id));
    const extra = await repo.rows([...confirmed.values()].map((c) => c.id).filter((id) => !known.has(id)));
    const byId = new Map([...bests, ...extra].map((r) => [r.id, r]));
    const logins = await this.deps.logins?.loginsOf([...byId.values()].map((b) => b.keyFingerprint));
    const standing = (r: RecordRow): Confirmation => confirmationIn(snapshot, r);
    const view = (b: RecordRow) => {
      const payload = JSON.parse(b.payload) as RecordPayload;
      const c = standing(b);
      return {
        id: b.id,
        val_bpb: b.valBpb as number,
        delta_val_bpb: b.deltaValBpb,
        description: b.description,
        created_at: b.createdAt.toISOString(),
        time_unknown: payload.time_unknown === true,
        key_fingerprint: b.keyFingerprint,
        github_login: logins?.get(b.keyFingerprint) ?? null,
        commit: payload.commit,
        fork_id: b.forkId,
        device_name: payload.hardware.device_name,
        parent_val_bpb: b.parentValBpb,
        confirmed: c.confirmed,
        confirmed_by: c.confirmed_by,
        replications: c.replications,
        interval: { mean: c.mean, low: c.low, high: c.high },
      };
    };
    const classes = counts.map((c) => {
      // Only a confirmed result is the class's number; a better (or, with none confirmed, any) keep is a claim.
      const top = bestByClass.get(c.hardwareClass);
      const conf = confirmed.get(c.hardwareClass);
      const best = conf ? byId.get(conf.id) : undefined;
      const claim = top && (!conf || (top.id !== conf.id && (top.valBpb as number) < conf.valBpb)) ? top : undefined;
      const n = snapshot?.sigma(c.hardwareClass);
      const noise = n
        ? {
            sigma: round(n.sigma),
            source: n.source,
            replications: n.replications,
            groups: n.groups,
            records: n.records,
            sample_sigma: n.sample_sigma === null ? null : round(n.sample_sigma),
          }
        : { sigma: NOISE_PRIOR, source: 'prior' as const, replications: 0, groups: 0, records: 0, sample_sigma: null };
      return {
        hardware_class: c.hardwareClass,
        best: best ? view(best) : null,
        confirmed: best !== undefined,
        best_claim: claim ? view(claim) : null,
        unconfirmed_best: claim ? view(claim) : null,
        flagged: flagged
          .filter((f) => f.hardwareClass === c.hardwareClass)
          .map((f) => ({
            id: f.id,
            val_bpb: f.valBpb,
            description: f.description,
            reason: f.flagReason,
            key_fingerprint: f.keyFingerprint,
            created_at: f.createdAt.toISOString(),
          })),
        noise,
        records: c.records,
        keeps: c.keeps,
        contributors: c.contributors,
        history: history
          .filter((h) => h.hardwareClass === c.hardwareClass)
          .map((h) => ({
            id: h.id,
            val_bpb: h.valBpb,
            created_at: h.createdAt.toISOString(),
            time_unknown: h.timeUnknown,
            confirmed: snapshot?.isConfirmed(h.id) ?? false,
          })),
      };
    });
    // Classes with a confirmed result first (by it), then those with only claims (by the claim), then the rest.
    const rank = (c: (typeof classes)[number]) => (c.best ? 0 : c.best_claim ? 1 : 2);
    const number = (c: (typeof classes)[number]) => c.best?.val_bpb ?? c.best_claim?.val_bpb ?? Infinity;
    classes.sort((a, b) => rank(a) - rank(b) || number(a) - number(b) || b.records - a.records);
    return { harness: { ...head, ranked: true }, harnesses: list, classes };
  }
}

/** How a ranked record stands: from its replication group in the snapshot (unreplicated when in none). */
function confirmationIn(snapshot: ReplicationSnapshot | undefined, r: RecordRow): Confirmation {
  const input = {
    id: r.id,
    hardwareClass: r.hardwareClass,
    hardwareFamily: r.hardwareFamily,
    replicationKey: r.replicationKey,
    keyFingerprint: r.keyFingerprint,
    valBpb: r.valBpb as number,
    parentValBpb: r.parentValBpb,
    createdAt: r.createdAt,
  };
  if (snapshot) return snapshot.confirmationOf(input);
  const half = 2 * NOISE_PRIOR;
  return {
    confirmed: false,
    confirmed_by: null,
    replications: 0,
    mean: input.valBpb,
    low: input.valBpb - half,
    high: input.valBpb + half,
    noise: NOISE_PRIOR,
  };
}

const round = (x: number) => Number(x.toPrecision(4));
