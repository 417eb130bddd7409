// The noise model per (harness key, hardware class), and the replication groups it comes from:
// one snapshot per harness (σ per class and family, every group of two or more measurements,
// each class's best confirmed result), recomputed only after records changed, within a staleness bound.
import type { NoiseRepository, GroupRow } from '../repositories/noise.repository.ts';
import { proximityOfClass } from '../protocol/hardware-family.ts';
import { estimateNoise, sigmaOf, type Measurement, type NoiseEstimate, type NoiseTable } from './trust/noise-model.ts';
import { confirmationOf, countable, PreparedGroup, type Confirmation } from './trust/confirmation.ts';
import { FreshCache } from './fresh-cache.ts';

export interface ConfirmedResult {
  id: string;
  valBpb: number;
  confirmation: Confirmation;
}

/** A harness's replication state at one moment. */
export class ReplicationSnapshot {
  /** Group members by class and group. */
  private readonly groups = new Map<string, GroupRow[]>();
  private readonly byId = new Map<string, GroupRow>();
  private confirmed: Map<string, ConfirmedResult> | null = null;
  private readonly standing = new Map<string, Confirmation>();
  private readonly prepared = new Map<string, PreparedGroup>();

  constructor(
    readonly harnessKey: string,
    readonly noise: NoiseTable,
    rows: GroupRow[],
  ) {
    for (const r of rows) {
      const k = groupOf(r.hardwareClass, r.replicationKey);
      const list = this.groups.get(k);
      if (list) list.push(r);
      else this.groups.set(k, [r]);
      this.byId.set(r.id, r);
    }
  }

  sigma(hardwareClass: string, family?: string | null): NoiseEstimate {
    return sigmaOf(this.noise, hardwareClass, family ?? proximityOfClass(hardwareClass).family);
  }

  /** The measurements of a replication group on a class (none when it is no group of two or more). */
  members(hardwareClass: string, replicationKey: string | null): readonly GroupRow[] {
    return replicationKey ? (this.groups.get(groupOf(hardwareClass, replicationKey)) ?? []) : [];
  }

  /** A group's countable members, prepared once per snapshot (empty for no group). */
  private group(hardwareClass: string, replicationKey: string | null): PreparedGroup {
    if (!replicationKey) return NO_GROUP;
    const k = groupOf(hardwareClass, replicationKey);
    let prepared = this.prepared.get(k);
    if (!prepared) {
      const raw = this.groups.get(k) ?? [];
      const size = raw[0]?.groupSize ?? 0;
      prepared = new PreparedGroup(countable(raw), size > raw.length ? size : 0);
      this.prepared.set(k, prepared);
    }
    return prepared;
  }

  /** The confirmation of a record of this harness (unreplicated when it is in no group of two). */
  confirmationOf(r: {
    id: string;
    hardwareClass: string;
    replicationKey: string | null;
    keyFingerprint: string;
    valBpb: number;
    parentValBpb: number | null;
    createdAt: Date;
    hardwareFamily?: string | null;
  }): Confirmation {
    // A member's standing is computed once per snapshot (a popular group's is asked of every member).
    const member = this.byId.has(r.id);
    const known = member ? this.standing.get(r.id) : undefined;
    if (known) return known;
    const c = confirmationOf(r, this.group(r.hardwareClass, r.replicationKey), this.sigma(r.hardwareClass, r.hardwareFamily).sigma);
    if (member) this.standing.set(r.id, c);
    return c;
  }

  /** Whether a record (by id) is confirmed: false when it is in no group of two or more. */
  isConfirmed(id: string): boolean {
    const row = this.byId.get(id);
    return row ? this.confirmationOf(row).confirmed : false;
  }

  /**
   * Each class's best confirmed result: the lowest val_bpb among kept, unflagged originals (not
   * replications) with a parent whose replications confirm them; the earliest wins a tie.
   */
  confirmedBest(): Map<string, ConfirmedResult> {
    if (this.confirmed) return this.confirmed;
    const best = new Map<string, ConfirmedResult & { at: number }>();
    for (const r of this.byId.values()) {
      if (r.status !== 'keep' || r.flagged || r.replicates !== null || r.parentValBpb === null) continue;
      const c = this.confirmationOf(r);
      if (!c.confirmed) continue;
      const cur = best.get(r.hardwareClass);
      if (!cur || r.valBpb < cur.valBpb || (r.valBpb === cur.valBpb && r.createdAt.getTime() < cur.at))
        best.set(r.hardwareClass, { id: r.id, valBpb: r.valBpb, confirmation: c, at: r.createdAt.getTime() });
    }
    this.confirmed = new Map([...best].map(([k, { at: _at, ...v }]) => [k, v]));
    return this.confirmed;
  }
}

const groupOf = (hardwareClass: string, key: string) => `${hardwareClass}\u0000${key}`;
const NO_GROUP = new PreparedGroup([]);

export class NoiseService {
  private readonly snapshots: FreshCache<ReplicationSnapshot>;

  constructor(
    private readonly deps: {
      noise: NoiseRepository;
      /** How long after records changed a snapshot may still leave the change out (0: recomputed at the next read). */
      staleMs?: number;
      now?: () => number;
      onError?: (err: unknown) => void;
    },
  ) {
    this.snapshots = new FreshCache({
      compute: (harnessKey) => this.compute(harnessKey),
      staleMs: deps.staleMs ?? 0,
      now: deps.now,
      onError: deps.onError,
    });
  }

  /** Records changed somewhere: snapshots are recomputed within `staleMs`. */
  invalidate(): void {
    this.snapshots.invalidate();
  }

  /** A harness's replication state, at most `staleMs` behind the last announced change; concurrent readers share one computation. */
  snapshot(harnessKey: string): Promise<ReplicationSnapshot> {
    return this.snapshots.get(harnessKey);
  }

  /** σ of val_bpb for a caller's harness key and hardware class (its family's, or the prior, while it has too few replications). */
  async sigmaFor(scope: {
    harnessKey: string | null | undefined;
    hardwareClass: string | null | undefined;
    family?: string | null;
  }): Promise<NoiseEstimate> {
    if (!scope.harnessKey) return sigmaOf(estimateNoise([]), null, null);
    const snap = await this.snapshot(scope.harnessKey);
    if (!scope.hardwareClass) return sigmaOf(snap.noise, null, scope.family ?? null);
    return snap.sigma(scope.hardwareClass, scope.family);
  }

  /** σ from the last snapshot of that harness (stale, never a query), else the prior: for use inside a write transaction. */
  cachedSigma(scope: { harnessKey: string; hardwareClass: string; family?: string | null }): number {
    const snap = this.snapshots.peek(scope.harnessKey);
    return snap ? snap.sigma(scope.hardwareClass, scope.family).sigma : sigmaOf(estimateNoise([]), null, null).sigma;
  }

  private async compute(harnessKey: string): Promise<ReplicationSnapshot> {
    const rows = await this.deps.noise.groupMembers(harnessKey);
    const measurements: Measurement[] = rows.map((r) => ({
      id: r.id,
      hardwareClass: r.hardwareClass,
      family: r.hardwareFamily || proximityOfClass(r.hardwareClass).family,
      group: r.replicationKey,
      keyFingerprint: r.keyFingerprint,
      valBpb: r.valBpb,
      createdAt: r.createdAt,
      flagged: r.flagged,
    }));
    return new ReplicationSnapshot(harnessKey, estimateNoise(measurements), rows);
  }
}
