// The leaderboard: per harness, per hardware class, the best kept val_bpb and how it got there.
import type { Leaderboard } from '../protocol/api.schema.ts';
import type { RecordPayload } from '../protocol/record.schema.ts';
import type { LeaderboardRepository } from '../repositories/leaderboard.repository.ts';
import { notFound } from '../errors.ts';
import { harnessKeyOf } from '../protocol/harnesses.ts';
import type { LoginLookup } from './records.service.ts';

export class LeaderboardService {
  /** Boards computed in the last `cacheMs`, by harness ('' = the default one), shared by concurrent readers. */
  private readonly cache = new Map<string, { at: number; board: Promise<Leaderboard> }>();

  constructor(private readonly deps: { leaderboard: LeaderboardRepository; logins?: LoginLookup; cacheMs?: number; now?: () => number }) {}

  /**
   * Without a harness, the harness with the most records is shown (val_bpb only compares within
   * one). The aggregates scan a harness's records, and the board is the most-read page, so a
   * board is reused for `cacheMs` (default 1 s) and dropped sooner when this process stores or
   * hides records (`invalidate`); other server copies see changes within `cacheMs`.
   */
  async get(harnessId?: string): Promise<Leaderboard> {
    // Any version of a known harness shows its metric group's board.
    if (harnessId) harnessId = harnessKeyOf(harnessId);
    const ttl = this.deps.cacheMs ?? 1000;
    if (ttl <= 0) return this.compute(harnessId);
    const now = (this.deps.now ?? Date.now)();
    const key = harnessId ?? '';
    const hit = this.cache.get(key);
    if (hit && now - hit.at < ttl) return hit.board;
    const board = this.compute(harnessId);
    this.cache.set(key, { at: now, board });
    board.catch(() => this.cache.get(key)?.board === board && this.cache.delete(key));
    return board;
  }

  /** Forgets cached boards (records were stored, hidden, or unflagged). */
  invalidate(): void {
    this.cache.clear();
  }

  private async compute(harnessId?: string): Promise<Leaderboard> {
    const repo = this.deps.leaderboard;
    const harnesses = await repo.harnesses();
    const harness = harnessId ? harnesses.find((h) => h.harnessId === harnessId) : harnesses[0];
    if (harnessId && !harness) throw notFound(`harness ${harnessId.slice(0, 80)}`);
    const list = harnesses.map((h) => ({ id: h.harnessId, name: h.name, records: h.records, contributors: h.contributors, versions: h.versions }));
    if (!harness) return { harness: null, harnesses: list, classes: [] };

    const [counts, bests, history] = await Promise.all([
      repo.classCounts(harness.harnessId),
      repo.bestKeeps(harness.harnessId),
      repo.history(harness.harnessId),
    ]);
    const bestByClass = new Map(bests.map((b) => [b.hardwareClass, b]));
    const logins = await this.deps.logins?.loginsOf(bests.map((b) => b.keyFingerprint));
    const classes = counts.map((c) => {
      const b = bestByClass.get(c.hardwareClass);
      const payload = b ? (JSON.parse(b.payload) as RecordPayload) : null;
      return {
        hardware_class: c.hardwareClass,
        best:
          b && payload
            ? {
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
              }
            : null,
        records: c.records,
        keeps: c.keeps,
        contributors: c.contributors,
        history: history
          .filter((h) => h.hardwareClass === c.hardwareClass)
          .map((h) => ({ id: h.id, val_bpb: h.valBpb, created_at: h.createdAt.toISOString(), time_unknown: h.timeUnknown })),
      };
    });
    classes.sort((a, b) => (a.best?.val_bpb ?? Infinity) - (b.best?.val_bpb ?? Infinity) || b.records - a.records);
    return { harness: { id: harness.harnessId, name: harness.name, versions: harness.versions }, harnesses: list, classes };
  }
}
