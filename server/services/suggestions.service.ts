// What to try next: ideas kept on hardware like the caller's (or elsewhere, never tried on its
// family) that its fork has not tried, nor failed at the same or a nearby value, ranked by
// proximity-weighted keeps, transfer and effect on the nearest hardware, plus the known-bad ideas.
import type { EvidenceRepository, EvidenceRow } from '../repositories/evidence.repository.ts';
import type { IdeaRepository } from '../repositories/idea.repository.ts';
import type { SuggestionRepository } from '../repositories/suggestion.repository.ts';
import type { Suggestions, SuggestionsQuery } from '../protocol/api.schema.ts';
import { hardwareProximity, proximityOfClass, type HardwareProximity } from '../protocol/hardware-family.ts';
import { harnessKeyOf } from '../protocol/harnesses.ts';
import type { IdeasService } from './ideas.service.ts';
import type { NoiseLookup } from './ideas/sigmas.ts';
import type { Change } from './ideas/retrieval.ts';
import { rankSuggestions, RANK_DEFAULTS, type Candidate, type RankOptions } from './suggestions/rank.ts';
import { mainChanges, repeatedFailure, type ForkFailure } from './suggestions/history.ts';
import { sigmasOf } from './ideas/sigmas.ts';

/** Candidate ideas read per request (kept ones, nearest keeps first), before ranking. */
const CANDIDATES = 400;
const AVOID = 20;
const EXAMPLES = 3;

export interface SuggestionsDeps {
  suggestions: SuggestionRepository;
  evidence: EvidenceRepository;
  ideas: IdeaRepository;
  /** The known-bad list (the same rules as `GET /v1/known-bad`). */
  ideasService: Pick<IdeasService, 'knownBad'>;
  noise?: NoiseLookup;
  rank?: RankOptions;
}

/** The caller's hardware: a class, or the fields a record's class is derived from. */
export function callerHardware(
  q: Pick<SuggestionsQuery, 'hardware_class' | 'accelerator' | 'device_name' | 'memory_mb' | 'device_count'>,
): HardwareProximity | null {
  if (q.hardware_class) return proximityOfClass(q.hardware_class);
  if (q.accelerator && q.device_name)
    return hardwareProximity({
      accelerator: q.accelerator,
      device_name: q.device_name,
      memory_mb: q.memory_mb ?? null,
      device_count: q.device_count ?? 1,
    });
  return null;
}

export class SuggestionsService {
  constructor(private readonly deps: SuggestionsDeps) {}

  async suggest(q: SuggestionsQuery): Promise<Suggestions> {
    const hw = callerHardware(q);
    const harnessKey = harnessKeyOf(q.harness);
    const fork = q.fork ?? null;
    const [ids, tried, bad, failures] = await Promise.all([
      this.deps.suggestions.candidates({ hardwareClass: hw?.class ?? null, hardwareFamily: hw?.family ?? null, forkId: fork }, CANDIDATES),
      fork ? this.deps.suggestions.triedCount(fork) : Promise.resolve(0),
      this.deps.ideasService.knownBad({ harnessId: q.harness, hardwareClass: hw?.class, limit: AVOID }),
      fork ? this.deps.suggestions.failures(fork) : Promise.resolve([]),
    ]);
    const avoid = new Set(bad.ideas.map((i) => i.id));
    const open = await this.notFailedByFork(
      ids.filter((id) => !avoid.has(id)),
      failures as ForkFailure[],
    );
    const [ideas, evidence] = await Promise.all([this.deps.ideas.findIdeas(open), this.deps.evidence.byIdeas(open)]);
    const byIdea = new Map<string, EvidenceRow[]>();
    for (const r of evidence.rows) byIdea.set(r.ideaId, [...(byIdea.get(r.ideaId) ?? []), r]);
    const sigma = await sigmasOf(evidence.rows, this.deps.noise);
    const candidates: Candidate[] = ideas.flatMap((idea) => {
      const rows = byIdea.get(idea.id) ?? [];
      if (rows.length === 0) return [];
      return [
        {
          ideaId: idea.id,
          description: idea.description,
          cells: rows.map((r) => ({ ...r, sigma: sigma(r) })),
        },
      ];
    });
    const ranked = rankSuggestions(candidates, { harnessKey, hardware: hw }, this.deps.rank ?? RANK_DEFAULTS).slice(0, q.limit);
    const examples = await this.deps.evidence.examples(
      ranked.map((r) => r.ideaId),
      EXAMPLES,
    );
    return {
      harness_id: q.harness,
      hardware_class: hw?.class ?? null,
      hardware_family: hw?.family ?? null,
      fork,
      tried_by_fork: tried,
      suggestions: ranked.map((r) => ({
        idea_id: r.ideaId,
        description: r.description,
        examples: examples.get(r.ideaId) ?? [],
        score: r.score,
        basis: r.basis,
        transfers: r.transfers,
        reason: r.reason,
        evidence: { tiers: r.tiers, families: r.families, effect: r.effect, effect_proximity: r.effectProximity },
      })),
      avoid: bad.ideas.map((i) => ({
        idea_id: i.id,
        description: i.description,
        attempts: i.overall.attempts,
        keeps: i.overall.keeps,
        discards: i.overall.discards,
        crashes: i.overall.crashes,
      })),
    };
  }

  /**
   * The candidates whose change the fork did not already fail with, at the same or a nearby value
   * (history.ts): "0.4→0.1" is not suggested to a fork that discarded "0.4→0.3".
   */
  private async notFailedByFork(ids: string[], failures: ForkFailure[]): Promise<string[]> {
    if (failures.length === 0 || ids.length === 0) return ids;
    const changes = await this.deps.suggestions.ideaChanges(ids);
    return ids.filter((id) => repeatedFailure(mainChanges((changes.get(id) ?? []) as (Change & { records: number })[]), failures) === null);
  }
}
