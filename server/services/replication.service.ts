// Replication: links a record to the one it replicates (same harness key, or refused), flags
// implausible results as they arrive, with the reason (PLAUSIBILITY), clears a flag once another key replicates the
// result within the noise, says how each record stands, and lists the results worth replicating.
import type { Db } from '../db/client.ts';
import type { NewRecordRow, RecordRow } from '../db/schema/records.ts';
import type { ReplicationRepository } from '../repositories/replication.repository.ts';
import { InvalidReplicationError } from './errors.ts';
import { proximityOfClass } from '../protocol/hardware-family.ts';
import type { NoiseService, ReplicationSnapshot } from './noise.service.ts';
import { confirmBand, confirmationOf, type Confirmation } from './trust/confirmation.ts';
import { NOISE_PSEUDO_REPLICATIONS } from './trust/noise-model.ts';
import { implausibility, robust, type ClassPeers, type PlausibilityCase } from './trust/plausibility.ts';
import type { PeerResult } from '../repositories/replication.repository.ts';
import type { RecordPayload } from '../protocol/record.schema.ts';
import { recordGroupKey } from './trust/replication-key.ts';
import { harnessKeyOf } from '../protocol/harnesses.ts';
import type { NoiseReport } from '../protocol/trust.schema.ts';
import { FreshCache } from './fresh-cache.ts';

/** What a record view says of its replications (null for crashes and unsigned records). */
export type ReplicationView = Confirmation | null;

export interface QueueItem {
  id: string;
  hardware_class: string;
  val_bpb: number;
  delta_val_bpb: number | null;
  description: string;
  key_fingerprint: string;
  flagged: boolean;
  replications: number;
  confirmed_by: 'same_key' | null;
  /** `unconfirmed_best`: it would lead its class once confirmed; `unconfirmed`: among the class's best. */
  reason: 'unconfirmed_best' | 'unconfirmed';
  /** The class's best confirmed val_bpb (null: none yet). */
  class_confirmed_best: number | null;
}

/** How long a class's results for plausibility may trail its latest records (with a non-zero staleness bound). */
export const PEERS_STALE_MS = 5000;

const harnessKeyOfRow = (r: Pick<NewRecordRow, 'harnessKey' | 'harnessId'>) => r.harnessKey ?? r.harnessId;

export class ReplicationService {
  /** Class statistics per fork and key, for each read of a class's results (dropped with it). */
  private readonly peerStats = new WeakMap<object, Map<string, ClassPeers | null>>();
  /** Each class's results for plausibility, by harness key and class, refreshed after records change. */
  private readonly peers: FreshCache<{ best: PeerResult[]; recent: PeerResult[] }>;

  constructor(
    private readonly deps: {
      replication: ReplicationRepository;
      /** The same over the read handle (record views, the queue). */
      reads?: ReplicationRepository;
      noise: NoiseService;
      /** The harness shown without one (the busiest). */
      defaultHarness?: () => Promise<string | null>;
      /** How long after records changed a class's results for plausibility may leave the change out (0: read at every batch). */
      staleMs?: number;
    },
  ) {
    this.peers = new FreshCache({
      compute: (at) => {
        const [harnessKey, hardwareClass] = at.split('\u0000');
        return this.deps.replication.classResults({ harnessKey, hardwareClass });
      },
      // A class's recent results are a statistical baseline: read again at most every PEERS_STALE_MS
      // (or at every batch with bound 0, as in tests).
      staleMs: deps.staleMs ? Math.max(deps.staleMs, PEERS_STALE_MS) : 0,
      maxKeys: 4096,
    });
  }

  /** Records changed: the classes' results for plausibility are read again within the bound. */
  invalidate(): void {
    this.peers.invalidate();
  }

  /**
   * Before verified rows are stored, in order: resolves `replicates` to the original (refusing an
   * unknown one, or one on another harness key), gives replications their original's group, and
   * flags implausible keeps. Returns, per row, the row to store or why it is refused.
   */
  async admit(rows: NewRecordRow[]): Promise<(NewRecordRow | InvalidReplicationError)[]> {
    const repo = this.deps.replication;
    const inBatch = new Map<string, NewRecordRow>();
    const stored = await repo.targets([...new Set(rows.flatMap((r) => (r.replicates ? [r.replicates] : [])))]);
    const own = new Map<string, number | null>();
    const peersAt = new Map<string, Promise<{ best: PeerResult[]; recent: PeerResult[] }>>();
    const frontier = new Map<string, Promise<number | null>>();
    const keysSeen = new Set<string>();
    const out: (NewRecordRow | InvalidReplicationError)[] = [];
    for (const input of rows) {
      const row: NewRecordRow = { ...input, flagged: false, flagReason: null };
      if (row.replicates) {
        const earlier = inBatch.get(row.replicates);
        const t =
          stored.get(row.replicates) ??
          (earlier
            ? {
                id: earlier.id!,
                harnessKey: harnessKeyOfRow(earlier),
                hardwareClass: earlier.hardwareClass,
                replicates: earlier.replicates ?? null,
                replicationKey: earlier.replicationKey ?? null,
              }
            : undefined);
        if (!t) {
          out.push(new InvalidReplicationError(`replicates: no record ${row.replicates} (it must be stored first, and visible)`));
          continue;
        }
        if (t.harnessKey !== harnessKeyOfRow(row)) {
          out.push(
            new InvalidReplicationError(
              `replicates: record ${t.id} was measured on harness ${t.harnessKey}, this record on ${harnessKeyOfRow(row)}: their val_bpb do not compare`,
            ),
          );
          continue;
        }
        const root = t.replicates ?? t.id;
        row.replicates = root;
        row.replicationKey = t.replicationKey ?? recordGroupKey(root);
        if (earlier && !earlier.replicationKey) earlier.replicationKey = row.replicationKey;
      }
      if (row.signed !== false && row.status === 'keep' && row.valBpb !== null && row.valBpb !== undefined) {
        row.flagReason = await this.implausible(row, own, peersAt, frontier, keysSeen);
        row.flagged = row.flagReason !== null;
      }
      keysSeen.add(row.keyFingerprint);
      const scope = ownScope(row);
      if (!row.flagged && row.valBpb !== null && row.valBpb !== undefined) own.set(scope, Math.min(own.get(scope) ?? Infinity, row.valBpb));
      inBatch.set(row.id!, row);
      out.push(row);
    }
    await this.markMeasuredGroups(out.filter((r): r is NewRecordRow => !(r instanceof InvalidReplicationError)));
    return out;
  }

  /**
   * Marks, before they are stored, the rows that join a group already measured (stored, or earlier
   * in the batch) as `replicated`: updating them after the insert would rewrite every row of a
   * batch. `afterInsert` marks the rest (a group's first member, and concurrent writers').
   */
  private async markMeasuredGroups(rows: NewRecordRow[]): Promise<void> {
    const measured = rows.filter((r) => r.replicationKey && r.signed !== false && r.valBpb !== null && r.valBpb !== undefined);
    if (measured.length === 0) return;
    const groupOf = (r: NewRecordRow) => `${harnessKeyOfRow(r)}\u0000${r.hardwareClass}\u0000${r.replicationKey}`;
    const stored = await this.deps.replication.measuredGroups(
      [...new Map(measured.map((r) => [groupOf(r), r])).values()].map((r) => ({
        harnessKey: harnessKeyOfRow(r),
        hardwareClass: r.hardwareClass,
        replicationKey: r.replicationKey!,
      })),
    );
    const inBatch = new Map<string, number>();
    for (const r of measured) inBatch.set(groupOf(r), (inBatch.get(groupOf(r)) ?? 0) + 1);
    for (const r of measured) if (stored.has(groupOf(r)) || inBatch.get(groupOf(r))! > 1) r.replicated = true;
  }

  /**
   * Once `rows` are stored (`tx`: a transaction, or the database itself, statement by statement;
   * a step cut short is redone by the records' jobs): originals get the group their replications name,
   * groups of two or more measurements are marked `replicated` (what the noise model reads), and
   * flagged results that another key's measurement of the same train.py (same harness key and
   * class) lands within the noise band of are cleared. Returns the ids cleared. `skipLocked` (the
   * request path): members another transaction holds (an idea assignment writing them) are not
   * waited for; each stored record's assign-idea job settles its groups again, waiting.
   */
  async afterInsert(
    rows: Pick<NewRecordRow, 'replicates' | 'replicationKey' | 'valBpb'>[],
    tx: Db,
    opts: { skipLocked?: boolean } = {},
  ): Promise<string[]> {
    const repo = this.deps.replication;
    const roots = rows
      .filter((r) => r.replicates && r.replicationKey === recordGroupKey(r.replicates))
      .map((r) => ({ id: r.replicates!, key: r.replicationKey! }));
    if (roots.length) await repo.setGroups([...new Map(roots.map((r) => [r.id, r])).values()], tx);
    const keys = [
      ...new Set(rows.flatMap((r) => (r.replicationKey && r.valBpb !== null && r.valBpb !== undefined ? [r.replicationKey] : []))),
    ];
    if (keys.length === 0) return [];
    // Flags are rare: each flagged measurement of these groups is checked against the others'.
    // σ comes from the last snapshot (a query here could wait on the pool this transaction holds).
    const clear: string[] = [];
    for (const f of await repo.markGroups(keys, tx, opts)) {
      const band = confirmBand(
        this.deps.noise.cachedSigma({ harnessKey: f.harnessKey, hardwareClass: f.hardwareClass, family: f.hardwareFamily }),
      );
      if (await repo.agreedByOtherKey(f, band + 1e-12, tx)) clear.push(f.id);
    }
    return repo.unflag(clear, tx);
  }

  /**
   * `afterInsert` again for stored records (the assign-idea job's step): idempotent, so a record
   * whose request stopped between its commit and its bookkeeping is settled all the same.
   */
  async settle(ids: string[]): Promise<void> {
    const rows = await this.deps.replication.replicationFacts(ids);
    if (rows.length) await this.deps.replication.inTransaction((tx) => this.afterInsert(rows, tx));
  }

  /**
   * How each record stands: its replications on its harness and class, confirmed or not, and the
   * interval; read from the harness's replication snapshot (within the staleness bound), never a
   * query per page of records.
   */
  async annotate(rows: RecordRow[]): Promise<Map<string, ReplicationView>> {
    const out = new Map<string, ReplicationView>();
    const snapshots = new Map<string, Promise<ReplicationSnapshot>>();
    for (const r of rows) {
      out.set(r.id, null);
      const harnessKey = r.harnessKey ?? r.harnessId;
      if (r.signed && r.valBpb !== null && !snapshots.has(harnessKey)) snapshots.set(harnessKey, this.deps.noise.snapshot(harnessKey));
    }
    for (const r of rows) {
      if (!r.signed || r.valBpb === null) continue;
      const snapshot = await snapshots.get(r.harnessKey ?? r.harnessId)!;
      out.set(r.id, snapshot.confirmationOf({ ...r, valBpb: r.valBpb }));
    }
    return out;
  }

  /**
   * The results most worth replicating on a harness (and class): unconfirmed keeps that would lead
   * their class once confirmed (better than its best confirmed result, or the class has none)
   * first, then the class's other best unconfirmed keeps; flagged ones among them. With `key`, its
   * own results and those it already measured are left out.
   */
  async queue(q: {
    harnessId?: string;
    hardwareClass?: string;
    key?: string;
    limit: number;
  }): Promise<{ harness_id: string | null; hardware_class: string | null; items: QueueItem[] }> {
    const harnessKey = q.harnessId ? harnessKeyOf(q.harnessId) : ((await this.deps.defaultHarness?.()) ?? null);
    if (!harnessKey) return { harness_id: null, hardware_class: q.hardwareClass ?? null, items: [] };
    const repo = this.deps.reads ?? this.deps.replication;
    const candidates = await repo.candidates(harnessKey, q.hardwareClass, Math.min(100, q.limit * 2 + 10));
    const snapshot = await this.deps.noise.snapshot(harnessKey);
    const confirmedBest = snapshot.confirmedBest();
    const ranked: (QueueItem & { tier: number; rank: number })[] = [];
    const rankIn = new Map<string, number>();
    for (const c of candidates.sort((a, b) => a.valBpb - b.valBpb || a.createdAt.getTime() - b.createdAt.getTime())) {
      const group = snapshot.members(c.hardwareClass, c.replicationKey);
      if (q.key && (c.keyFingerprint === q.key || group.some((m) => m.keyFingerprint === q.key))) continue;
      const conf = snapshot.confirmationOf(c);
      if (conf.confirmed_by === 'other_key') continue;
      const best = confirmedBest.get(c.hardwareClass)?.valBpb ?? null;
      const rank = (rankIn.get(c.hardwareClass) ?? 0) + 1;
      rankIn.set(c.hardwareClass, rank);
      const lead = best === null || c.valBpb < best;
      ranked.push({
        id: c.id,
        hardware_class: c.hardwareClass,
        val_bpb: c.valBpb,
        delta_val_bpb: c.deltaValBpb,
        description: c.description,
        key_fingerprint: c.keyFingerprint,
        flagged: c.flagged,
        replications: conf.replications,
        confirmed_by: conf.confirmed_by === 'same_key' ? 'same_key' : null,
        reason: lead ? 'unconfirmed_best' : 'unconfirmed',
        class_confirmed_best: best,
        tier: lead ? 0 : 1,
        rank,
      });
    }
    ranked.sort((a, b) => a.tier - b.tier || a.rank - b.rank || a.val_bpb - b.val_bpb);
    return {
      harness_id: harnessKey,
      hardware_class: q.hardwareClass ?? null,
      items: ranked.slice(0, q.limit).map(({ tier: _t, rank: _r, ...item }) => item),
    };
  }

  /** The noise model of a harness (default: the busiest): σ per class and family, with what it rests on. */
  async noise(harnessId?: string): Promise<NoiseReport> {
    const harnessKey = harnessId ? harnessKeyOf(harnessId) : ((await this.deps.defaultHarness?.()) ?? null);
    const table = harnessKey ? (await this.deps.noise.snapshot(harnessKey)).noise : null;
    const r = (x: number) => Number(x.toPrecision(4));
    const view = <T extends { sigma: number; sample_sigma: number | null }>(e: T) => ({
      ...e,
      sigma: r(e.sigma),
      sample_sigma: e.sample_sigma === null ? null : r(e.sample_sigma),
    });
    const snapshotPrior = table?.prior ?? (await this.deps.noise.sigmaFor({ harnessKey: null, hardwareClass: null })).sigma;
    return {
      harness: harnessKey,
      prior: snapshotPrior,
      pseudo_replications: table?.pseudoReplications ?? NOISE_PSEUDO_REPLICATIONS,
      classes: [...(table?.classes ?? new Map())]
        .map(([cls, { family, ...e }]) => ({ hardware_class: cls, hardware_family: family, ...view(e) }))
        .sort((a, b) => b.replications - a.replications || (a.hardware_class < b.hardware_class ? -1 : 1)),
      families: [...(table?.families ?? new Map())]
        .map(([family, e]) => ({ hardware_family: family, ...view(e) }))
        .sort((a, b) => b.replications - a.replications || (a.hardware_family < b.hardware_family ? -1 : 1)),
    };
  }

  /**
   * Why a signed keep is implausible (plausibility.ts), or null. The class's results are read once
   * per batch; the fork's stored history and the key's only when a rule needs them.
   */
  private async implausible(
    row: NewRecordRow,
    own: Map<string, number | null>,
    peersAt: Map<string, Promise<{ best: PeerResult[]; recent: PeerResult[] }>>,
    frontier: Map<string, Promise<number | null>>,
    keysSeen: Set<string>,
  ): Promise<string | null> {
    const harnessKey = harnessKeyOfRow(row);
    const at = `${harnessKey}\u0000${row.hardwareClass}`;
    if (!peersAt.has(at)) peersAt.set(at, this.peers.get(at));
    if (!frontier.has(at)) frontier.set(at, this.confirmedBest(harnessKey, row.hardwareClass));
    const sigma = (
      await this.deps.noise.sigmaFor({
        harnessKey,
        hardwareClass: row.hardwareClass,
        family: row.hardwareFamily ?? proximityOfClass(row.hardwareClass).family,
      })
    ).sigma;
    const p = JSON.parse(row.payload) as RecordPayload;
    const m = p.metrics;
    const base: PlausibilityCase = {
      valBpb: row.valBpb!,
      parentValBpb: row.parentValBpb ?? null,
      hasDiff: !!p.diff,
      hasMetrics: [m.peak_vram_mb, m.training_seconds, m.total_seconds, m.mfu_percent, m.total_tokens_m, m.num_steps, m.num_params_m].some(
        (x) => x !== null && x !== undefined,
      ),
      trainingSeconds: m.training_seconds ?? null,
      totalTokensM: m.total_tokens_m ?? null,
      numSteps: m.num_steps ?? null,
      timeBudgetS: p.harness.time_budget_s,
      ownBest: own.get(ownScope(row)) ?? null,
      keyHasHistory: true,
      confirmedBest: await frontier.get(at)!,
      sigma,
      peers: await this.peersOf(peersAt.get(at)!, row.forkId!, row.keyFingerprint),
    };
    const cheap = implausibility(base);
    // Cheap first: the stored history can only change the answer for a flagged or parentless keep.
    if (cheap === null && base.parentValBpb !== null) return null;
    const stored = await this.deps.replication.ownBest({
      keyFingerprint: row.keyFingerprint,
      forkId: row.forkId!,
      harnessKey,
      hardwareClass: row.hardwareClass,
    });
    const earlier = base.ownBest;
    const ownBest = earlier === null ? stored : stored === null ? earlier : Math.min(earlier, stored);
    const keyHasHistory = keysSeen.has(row.keyFingerprint) || (await this.deps.replication.keyHasHistory(row.keyFingerprint));
    return implausibility({ ...base, ownBest, keyHasHistory });
  }

  /** A class's statistics without one fork's results, computed once per fork and key for a given read of the class. */
  private async peersOf(
    results: Promise<{ best: PeerResult[]; recent: PeerResult[] }>,
    forkId: string,
    key: string,
  ): Promise<ClassPeers | null> {
    const r = await results;
    let byFork = this.peerStats.get(r);
    if (!byFork) this.peerStats.set(r, (byFork = new Map()));
    const k = `${forkId}\u0000${key}`;
    if (!byFork.has(k)) byFork.set(k, classPeers(r, forkId, key));
    return byFork.get(k)!;
  }

  /**
   * A class's best confirmed val_bpb, read fresh from the primary (the snapshot may trail by the
   * cache period, and a flag decided on a stale frontier would stay): the first of its best
   * replicated keeps that its replications confirm.
   */
  private async confirmedBest(harnessKey: string, hardwareClass: string): Promise<number | null> {
    const repo = this.deps.replication;
    const candidates = await repo.confirmableKeeps(harnessKey, hardwareClass, 20);
    if (candidates.length === 0) return null;
    const members = await repo.samples(
      harnessKey,
      hardwareClass,
      candidates.map((c) => c.replicationKey),
    );
    const { sigma } = await this.deps.noise.sigmaFor({ harnessKey, hardwareClass, family: candidates[0].hardwareFamily });
    for (const c of candidates) {
      // Whether it is confirmed does not depend on the group's size, only on its sample.
      if (
        confirmationOf(
          c,
          members.filter((m) => m.replicationKey === c.replicationKey),
          sigma,
        ).confirmed
      )
        return c.valBpb;
    }
    return null;
  }
}

/** Robust statistics of a class from the results of other forks than the record's (its key's fork) (null: none). */
function classPeers(r: { best: PeerResult[]; recent: PeerResult[] }, forkId: string, key: string): ClassPeers | null {
  const other = (x: PeerResult) => x.forkId !== forkId || x.keyFingerprint !== key;
  const others = r.recent.filter(other);
  const best = r.best.find(other)?.valBpb ?? null;
  if (others.length === 0 && best === null) return null;
  const { median, spread } = robust(others.map((x) => x.valBpb));
  const med = (xs: number[]) => (xs.length >= 5 ? robust(xs).median : null);
  return {
    results: others.length,
    forks: new Set(others.map((x) => `${x.keyFingerprint} ${x.forkId}`)).size,
    best,
    median: Number.isFinite(median) ? median : (best ?? NaN),
    spread: Number.isFinite(spread) ? spread : 0,
    medianTokensM: med(others.flatMap((x) => (x.tokensM !== null ? [x.tokensM] : []))),
    medianSteps: med(others.flatMap((x) => (x.steps !== null ? [x.steps] : []))),
  };
}

const ownScope = (r: NewRecordRow) => `${r.keyFingerprint}\u0000${r.forkId}\u0000${harnessKeyOfRow(r)}\u0000${r.hardwareClass}`;
