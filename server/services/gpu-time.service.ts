// The GPU time crossfork's warnings saved, counted, never guessed: every check that warned is
// stored (who asked, about which change); a warning whose caller then published no record of that
// change within the window is one avoided run at the harness's time budget; one they ran anyway
// counts toward the warnings' observed precision (did it then fail?).
import type { CheckEventRepository, OutcomeCounts } from '../repositories/check-event.repository.ts';
import type { CheckRequest } from '../protocol/claim.schema.ts';
import type { CheckResponse } from '../protocol/api.schema.ts';
import type { SavedTime } from '../protocol/dataset.schema.ts';
import { harnessDisplayName, harnessKeyOf, knownHarness } from '../protocol/harnesses.ts';
import { ideaFeatures } from './ideas/features.ts';

/** How long after a warning a record of the same change by the same key counts as "ran anyway". */
export const SAVED_TIME_WINDOW_S = 24 * 3600;
/** The time budget assumed for a harness nobody declared one for (autoresearch's five minutes). */
export const DEFAULT_TIME_BUDGET_S = 300;

export const SAVED_TIME_RULE =
  'A check that warned (crashes_here, known_bad, failed_nearby) and named its caller key is followed up: if that key publishes a record of the same change ' +
  '(same normalised diff, or catalogue changes containing the warned ones) within the window, the run happened anyway and counts as failed unless kept; ' +
  "if nothing is published and the window has closed, it is one avoided run at the harness's time budget. Warnings without a key or without a recognisable change are counted as warned only.";

export class GpuTimeService {
  constructor(
    private readonly deps: {
      checks: CheckEventRepository;
      windowS?: number;
      now?: () => Date;
    },
  ) {}

  get windowS(): number {
    return this.deps.windowS ?? SAVED_TIME_WINDOW_S;
  }

  /** After a check was answered: stores it when it warned (nothing else is kept). */
  async recordCheck(req: CheckRequest, res: CheckResponse): Promise<boolean> {
    if (!res.warning) return false;
    const diffKey = req.diff ? ideaFeatures({ description: req.description, diff: req.diff }).diffKey : null;
    await this.deps.checks.insert({
      createdAt: this.deps.now?.() ?? new Date(),
      keyFingerprint: req.key_fingerprint ?? null,
      harnessId: req.harness_id ?? null,
      harnessKey: req.harness_id ? harnessKeyOf(req.harness_id) : null,
      hardwareClass: res.hardware_class,
      verdict: res.verdict,
      diffKey,
      // Unknown ends of a change are left out, so a record's changes contain it whatever it moved from.
      changes: res.changes.map((c) => Object.fromEntries(Object.entries(c).filter(([, v]) => v !== null))) as CheckResponse['changes'],
      ideaIds: res.matches.map((m) => m.id),
    });
    return true;
  }

  /** The totals and each harness's, with the rule and window they were counted under. */
  async savedTime(): Promise<SavedTime> {
    const counts = await this.deps.checks.outcomes(this.windowS, this.deps.now?.() ?? new Date());
    const unknown = counts.flatMap((c) => (c.harnessKey && !knownHarness(c.harnessKey) ? [c.harnessKey] : []));
    const declared = await this.deps.checks.timeBudgets(unknown);
    const budgetOf = (key: string | null) => (key && (knownHarness(key)?.time_budget_s ?? declared.get(key))) || DEFAULT_TIME_BUDGET_S;
    const harnesses = counts.map((c) => ({
      harness_key: c.harnessKey,
      harness_name: c.harnessKey ? harnessDisplayName(c.harnessKey) : null,
      time_budget_s: budgetOf(c.harnessKey),
      ...totals(c, budgetOf(c.harnessKey)),
    }));
    const sum = (k: keyof OutcomeCounts) => counts.reduce((a, c) => a + (c[k] as number), 0);
    const all: OutcomeCounts = {
      harnessKey: null,
      warned: sum('warned'),
      followed: sum('followed'),
      skipped: sum('skipped'),
      pending: sum('pending'),
      ranAnyway: sum('ranAnyway'),
      ranFailed: sum('ranFailed'),
    };
    return {
      window_s: this.windowS,
      rule: SAVED_TIME_RULE,
      totals: { ...totals(all, 0), avoided_gpu_seconds: harnesses.reduce((a, h) => a + h.avoided_gpu_seconds, 0) },
      harnesses,
    };
  }
}

function totals(c: OutcomeCounts, budgetS: number): SavedTime['totals'] {
  return {
    warned: c.warned,
    followed: c.followed,
    skipped: c.skipped,
    pending: c.pending,
    ran_anyway: c.ranAnyway,
    ran_failed: c.ranFailed,
    avoided_gpu_seconds: c.skipped * budgetS,
    precision: c.ranAnyway ? c.ranFailed / c.ranAnyway : null,
  };
}
