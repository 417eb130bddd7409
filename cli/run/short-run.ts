// Is a training run shorter than the harness's time budget (a smoke run, CROSSFORK_TIME_BUDGET)?
// Such runs are not comparable with real ones, so `crossfork run` keeps them off the server unless asked.
import type { RunLog } from '../lib/run-log.ts';

/** Reported training shorter than this share of the budget counts as short (train.py stops at the budget). */
const SHORT = 0.9;

/** The reason a run is short, or null. `env` is what the training command ran with. */
export function shortRun(log: RunLog, budgetS: number, env: NodeJS.ProcessEnv): string | null {
  const smoke = env.CROSSFORK_SMOKE !== undefined && env.CROSSFORK_SMOKE !== '' && env.CROSSFORK_SMOKE !== '0';
  const override = env.CROSSFORK_TIME_BUDGET !== undefined && env.CROSSFORK_TIME_BUDGET !== '' ? Number(env.CROSSFORK_TIME_BUDGET) : null;
  if (smoke) return `CROSSFORK_SMOKE is set: a smoke run, not comparable with the harness's ${budgetS} s budget`;
  if (override !== null && Number.isFinite(override) && override < budgetS * SHORT)
    return `CROSSFORK_TIME_BUDGET=${env.CROSSFORK_TIME_BUDGET} is shorter than the harness's ${budgetS} s budget`;
  if (log.training_seconds !== null && log.val_bpb !== null && log.training_seconds < budgetS * SHORT) {
    return `a ${log.training_seconds.toFixed(1)}-second run, shorter than the harness's ${budgetS} s time budget`;
  }
  return null;
}
