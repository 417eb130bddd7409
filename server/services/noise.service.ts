// The noise model per (harness key, hardware class), and the replication groups it comes from:
// one snapshot per harness (σ per class and family, every group of two or more measurements,
// each class's best confirmed result), recomputed only after records changed.
import type { NoiseRepository, GroupRow } from '../repositories/noise.repository.ts';
import { proximityOfClass } from '../protocol/hardware-family.ts';
import { estimateNoise, sigmaOf, type Measurement, type NoiseEstimate, type NoiseTable } from './trust/noise-model.ts';
import { confirmationOf, type Confirmation } from './trust/confirmation.ts';

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

  constructor(
    readonly harnessKey: string,
    readonly noise: NoiseTable,
    rows: GroupRow[],
  ) {
    for (const r of rows) {
      const k = groupOf(r.hardwareClass, r.replicationKey);
      this.groups.set(k, [...(this.groups.get(k) ?? []), r]);
      this.byId.set(r.id, r);
    }
  }

  sigma(hardwareClass: string, family?: string | null): NoiseEstimate {
    return sigmaOf(this.noise, hardwareClass, family ?? proximityOfClass(hardwareClass).family);
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
    const members = r.replicationKey ? (this.groups.get(groupOf(r.hardwareClass, r.replicationKey)) ?? []) : [];
    return confirmationOf(r, members, this.sigma(r.hardwareClass, r.hardwareFamily).sigma, members[0]?.groupSize ?? 0);
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

export class NoiseService {
  private readonly cache = new Map<string, { at: number; dirty: boolean; snapshot: Promise<ReplicationSnapshot> }>();
  /** The last snapshot computed per harness, for look-ups that must not query (inside a write transaction). */
  private readonly last = new Map<string, ReplicationSnapshot>();

  constructor(
    private readonly deps: {
      noise: NoiseRepository;
      /** How long a snapshot may be used after records changed (0: recomputed at the next read). */
      staleMs?: number;
      now?: () => number;
    },
  ) {}

  /** Records changed somewhere: snapshots are recomputed (at most every `staleMs`). */
  invalidate(): void {
    for (const e of this.cache.values()) e.dirty = true;
  }

  snapshot(harnessKey: string): Promise<ReplicationSnapshot> {
    const now = (this.deps.now ?? Date.now)();
    const hit = this.cache.get(harnessKey);
    if (hit && (!hit.dirty || now - hit.at < (this.deps.staleMs ?? 0))) return hit.snapshot;
    // One computation at a time per harness: concurrent readers share it.
    const snapshot = this.compute(harnessKey);
    this.cache.set(harnessKey, { at: now, dirty: false, snapshot });
    snapshot.then(
      (s) => this.last.set(harnessKey, s),
      () => {},
    );
    snapshot.catch(() => this.cache.get(harnessKey)?.snapshot === snapshot && this.cache.delete(harnessKey));
    if (this.cache.size > 256) {
      const oldest = this.cache.keys().next().value!;
      this.cache.delete(oldest);
      this.last.delete(oldest);
    }
    return snapshot;
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
    const snap = this.last.get(scope.harnessKey);
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
