// The leaderboard: per harness, per hardware class, the best kept val_bpb and how it got there.
import type { Leaderboard } from '../protocol/api.schema.ts';
import type { RecordPayload } from '../protocol/record.schema.ts';
import type { LeaderboardRepository } from '../repositories/leaderboard.repository.ts';
import { notFound } from '../errors.ts';
import type { LoginLookup } from './records.service.ts';

export class LeaderboardService {
  constructor(private readonly deps: { leaderboard: LeaderboardRepository; logins?: LoginLookup }) {}

  /** Without a harness, the harness with the most records is shown (val_bpb only compares within one). */
  async get(harnessId?: string): Promise<Leaderboard> {
    const repo = this.deps.leaderboard;
    const harnesses = await repo.harnesses();
    const harness = harnessId ? harnesses.find((h) => h.harnessId === harnessId) : harnesses[0];
    if (harnessId && !harness) throw notFound(`harness ${harnessId.slice(0, 80)}`);
    const list = harnesses.map((h) => ({ id: h.harnessId, name: h.name, records: h.records, contributors: h.contributors }));
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
          .map((h) => ({ id: h.id, val_bpb: h.valBpb, created_at: h.createdAt.toISOString() })),
      };
    });
    classes.sort((a, b) => (a.best?.val_bpb ?? Infinity) - (b.best?.val_bpb ?? Infinity) || b.records - a.records);
    return { harness: { id: harness.harnessId, name: harness.name }, harnesses: list, classes };
  }
}
