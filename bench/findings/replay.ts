// The replay part of the findings benchmark: the corpus forks published in seeded orders, each row
// checked before its fork is published; does `check` warn before experiments that then fail, at the
// defaults and over a sweep of warning settings?
import type { Embedder } from '../../server/services/ideas/embedder.ts';
import type { Services } from '../../server/services/container.ts';
import { decide, enoughToWarn, type Verdict } from '../../server/services/ideas/verdict.ts';
import { CORPUS_HARNESS, loadCorpus, shuffled, type CorpusFork, type CorpusRow } from './corpus.ts';
import { world, type Options } from './world.ts';

/**
 * Warning settings swept by the replay: which matches count (by score), how many failures on
 * hardware like the caller's (its class and family) a failed_nearby warning needs, and whether
 * they must be replicated (two forks, or one on the caller's own class).
 * known_bad and crashes_here always warn.
 */
const SETTINGS = [0.5, 0.8].flatMap((minScore) =>
  [1, 2].flatMap((minNear) =>
    [false, true].flatMap((worse) =>
      [false, true].map((replicated) => ({
        minScore,
        minNear,
        worse,
        replicated,
        name: `score≥${minScore}, ≥${minNear} near failure${minNear > 1 ? 's' : ''}${worse ? ', clearly worse' : ''}${replicated ? ', 2 forks or the class' : ''}`,
      })),
    ),
  ),
);

type Setting = (typeof SETTINGS)[number];
type Gathered = Awaited<ReturnType<Services['ideas']['gather']>>;

/** What the replay counts over every row check of every order. */
interface Tally {
  rows: number;
  failed: number;
  kept: number;
  shown: number;
  /** Rows by their verdict at the defaults, and how many of those then failed. */
  defaults: Record<string, number>;
  failedBy: Record<string, number>;
  warnedDefault: number;
  warnedDefaultFailed: number;
  /** Per entry of SETTINGS: rows warned, and of those the ones that failed or were kept. */
  settings: { warnedFailed: number; warnedKept: number; warned: number }[];
}

export async function replayPart(o: Options, embedder: Embedder) {
  const forks = loadCorpus().filter((f) => f.rows.length > 0);
  const seeds = Array.from({ length: o.orders }, (_, i) => 1000 + i);
  const tally: Tally = {
    rows: 0,
    failed: 0,
    kept: 0,
    shown: 0,
    defaults: {},
    failedBy: {},
    warnedDefault: 0,
    warnedDefaultFailed: 0,
    settings: SETTINGS.map(() => ({ warnedFailed: 0, warnedKept: 0, warned: 0 })),
  };
  for (const seed of seeds) await replayOrder(o, embedder, shuffled(forks, seed), tally);
  return report(tally, forks.length, seeds.length);
}

/** One order: a fresh database; each fork's rows checked, then the fork published. */
async function replayOrder(o: Options, embedder: Embedder, forks: CorpusFork[], tally: Tally) {
  const w = await world(o, embedder, `crossfork_bench_replay`);
  try {
    for (const fork of forks) {
      for (const r of fork.rows) {
        const g = await w.services.ideas.gather({
          description: r.payload.description,
          harness_id: CORPUS_HARNESS,
          hardware: fork.hardware,
          limit: 5,
        });
        countRow(tally, g, fork, r);
      }
      await w.publish(fork);
    }
  } finally {
    await w.close();
  }
}

/** Counts one row check: its verdict at the defaults, and whether each setting would have warned. */
function countRow(tally: Tally, g: Gathered, fork: CorpusFork, r: CorpusRow) {
  const fails = r.row.status !== 'keep';
  tally.rows++;
  tally.failed += +fails;
  tally.kept += +!fails;
  if (g.matches.length) tally.shown++;
  const baseDecision = decide(g.evidence, g.caller);
  const base = baseDecision.verdict;
  if (baseDecision.warning) {
    tally.warnedDefault++;
    if (fails) tally.warnedDefaultFailed++;
    else if (process.env.REPLAY_DEBUG)
      console.log(`false alarm [${fork.file}] "${r.payload.description.slice(0, 90)}" → ${base}: ${baseDecision.reason}`);
  }
  tally.defaults[base] = (tally.defaults[base] ?? 0) + 1;
  tally.failedBy[base] = (tally.failedBy[base] ?? 0) + +fails;
  SETTINGS.forEach((s, i) => {
    if (warnsAt(s, g)) {
      tally.settings[i].warned++;
      if (fails) tally.settings[i].warnedFailed++;
      else tally.settings[i].warnedKept++;
    }
  });
}

/** Whether setting `s` warns on what `g` gathered. */
function warnsAt(s: Setting, g: Gathered): boolean {
  const ev = g.evidence.filter((_, j) => g.evidenceFound[j].score >= s.minScore);
  const d = decide(ev, g.caller);
  const v: Verdict = d.verdict;
  const t = d.evidence.tiers;
  const near = t.class.discards + t.class.crashes + t.family.discards + t.family.crashes;
  // "Clearly worse": the effect near lies above noise (low end of its interval > 0), or it crashed.
  const worse = !s.worse || t.class.crashes + t.family.crashes > 0 || (d.evidence.effect !== null && d.evidence.effect.low > 0);
  // "2 forks or the class": the failures replicated by a second fork, or one on the caller's own class (the defaults' rule).
  const replicated = !s.replicated || enoughToWarn(d.evidence);
  return v === 'known_bad' || v === 'crashes_here' || (v === 'failed_nearby' && near >= s.minNear && worse && replicated);
}

/** Prints the replay's figures and returns them. */
function report(tally: Tally, forks: number, orders: number) {
  const { rows, failed, kept, shown, defaults, failedBy, warnedDefault, warnedDefaultFailed } = tally;
  console.log(
    `\nreplay: ${forks} forks × ${orders} seeded orders, ${rows} row checks; base failure rate ${(failed / rows).toFixed(3)} (${failed} failed, ${kept} kept)`,
  );
  console.log(`rows shown prior evidence: ${(shown / rows).toFixed(3)}; verdicts at the defaults: ${JSON.stringify(defaults)}`);
  console.log('\nverdict at the defaults → share of those rows that then failed (discard or crash):');
  for (const [v, n] of Object.entries(defaults).sort((a, b) => b[1] - a[1]))
    console.log(`  ${v.padEnd(18)} ${String(n).padStart(5)} rows  ${((failedBy[v] ?? 0) / n).toFixed(3)} failed`);
  console.log(
    `\nat the defaults (\`warning: true\`): ${warnedDefault} warned, precision ${(warnedDefaultFailed / Math.max(1, warnedDefault)).toFixed(3)}, recall ${(warnedDefaultFailed / Math.max(1, failed)).toFixed(3)}, ${warnedDefault - warnedDefaultFailed} false alarms on ${kept} keeps, ${((warnedDefaultFailed * 5) / orders).toFixed(0)} GPU-minutes saved per order`,
  );
  console.log(`\n${'setting'.padEnd(70)}warned  precision  recall  false alarms/keeps  GPU-min saved/order`);
  const curve = SETTINGS.map((s, i) => {
    const t = tally.settings[i];
    const precision = t.warned ? t.warnedFailed / t.warned : null;
    const recall = t.warnedFailed / Math.max(1, failed);
    const saved = (t.warnedFailed * 5) / orders;
    console.log(
      `${s.name.padEnd(70)}${String(t.warned).padStart(6)}  ${precision === null ? '   n/a' : precision.toFixed(3).padStart(9)}  ${recall.toFixed(3).padStart(6)}  ${`${t.warnedKept}/${kept}`.padStart(18)}  ${saved.toFixed(0).padStart(19)}`,
    );
    return { ...s, warned: t.warned, precision, recall, false_alarms: t.warnedKept, gpu_minutes_saved_per_order: saved };
  });
  const failure_rate_by_verdict = Object.fromEntries(Object.entries(defaults).map(([v, n]) => [v, { rows: n, failed: failedBy[v] ?? 0 }]));
  const at_defaults = {
    warned: warnedDefault,
    precision: warnedDefaultFailed / Math.max(1, warnedDefault),
    recall: warnedDefaultFailed / Math.max(1, failed),
    false_alarms: warnedDefault - warnedDefaultFailed,
    gpu_minutes_saved_per_order: (warnedDefaultFailed * 5) / orders,
  };
  return {
    forks,
    orders,
    rows,
    failed,
    kept,
    base_failure_rate: failed / rows,
    shown_prior_evidence: shown / rows,
    at_defaults,
    defaults,
    failure_rate_by_verdict,
    curve,
  };
}
