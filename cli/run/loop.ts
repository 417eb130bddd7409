// `crossfork run`: the autoresearch loop on this machine. Baseline, then per experiment: known-bad,
// suggestions and the best here → a proposal from the model → check (ask again on known_bad) → claim →
// commit → train → keep or reset → results.tsv → publish. The next proposal is prepared while
// the current experiment trains, so the accelerator does not wait for the model.
import { readFileSync, writeFileSync, existsSync, realpathSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { Leaderboard } from '../../server/protocol/api.schema.ts';
import { CLAIM_SCHEMA } from '../../server/protocol/claim.schema.ts';
import { sealEnvelope } from '../../server/protocol/envelope.ts';
import type { Hardware } from '../../server/protocol/record.schema.ts';
import type { Context } from '../lib/context.ts';
import { CliError } from '../lib/errors.ts';
import { git, topLevel } from '../lib/git.ts';
import { knownHarness } from '../../server/protocol/harnesses.ts';
import { timeBudget } from '../lib/records.ts';
import { prepareImport, queueNewRows } from '../lib/import-rows.ts';
import { describeHardware } from '../../server/protocol/hardware-class.ts';
import { loadSigner } from '../lib/signer.ts';
import type { HardwareFlags } from '../lib/hardware.ts';
import type { HarnessFlags } from '../lib/harness.ts';
import type { RunLog } from '../lib/run-log.ts';
import { shortRun } from './short-run.ts';
import { ProposalError, rebaseEdits } from './edits.ts';
import type { Proposed, Proposer } from './proposer.ts';
import { ResultsFile } from './results-file.ts';
import { train, type TrainResult } from './trainer.ts';
import { replicate } from './replicate.ts';
import { parsePublicKey } from '../../server/protocol/ssh-keys.ts';
import { askSuggestions, suggestionLines } from '../lib/suggestions.ts';

export interface RunOptions {
  repo: string;
  trainCmd: string;
  timeoutS: number;
  maxExperiments: number | null;
  hours: number | null;
  /** Times the model is asked again for one experiment (bad answers, known-bad verdicts). */
  maxAsks: number;
  pipeline: boolean;
  hardware: Hardware;
  /** The flags the hardware came from (the publishing pipeline detects from the same). */
  hardwareFlags: HardwareFlags;
  /** --harness-id / --harness, for rows whose prepare.py is not at hand. */
  harnessFlags?: HarnessFlags;
  agentModel: string;
  /** Publish runs shorter than the harness's time budget (smoke runs, CROSSFORK_TIME_BUDGET); default: keep them local. */
  publishShortRuns?: boolean;
  /** After every n experiments, replicate the result the server most wants replicated here. */
  replicateEvery?: number | null;
}

export interface RunSummary {
  baseline: { commit: string; val_bpb: number | null } | null;
  experiments: number;
  kept: number;
  discarded: number;
  crashed: number;
  refused_proposals: number;
  best_val_bpb: number | null;
  training_seconds: number;
  wall_seconds: number;
  /** Training time over wall time: how busy the accelerator was. */
  duty_cycle: number;
  /** The device the duty cycle is of. */
  device: { accelerator: string; device_name: string; device_count: number };
  published: number;
  /** Rows kept off the server: runs shorter than the harness's budget (see publishShortRuns). */
  withheld: number;
  queued: number;
  stopped: 'max-experiments' | 'hours' | 'interrupted' | 'proposals-exhausted';
  rows: { commit: string; status: string; val_bpb: number | null; description: string; suggestion?: string | null }[];
  /** Experiments whose proposal was one of the server's suggestions (the check's same idea was among them). */
  from_suggestions: number;
  /** Replications run (`--replicate-every`): of which record, with what outcome. */
  replications: { id: string | null; replicates: string; status: string; val_bpb: number | null; published: boolean }[];
}

interface Prepared_ {
  proposal: Proposed;
  base: string;
  refusals: number;
  /** The suggested idea it is (check's same idea), or null. */ suggestion: string | null;
}

const STATE = '.crossfork-run.json';

export async function runLoop(ctx: Context, proposer: Proposer, o: RunOptions, signal: AbortSignal): Promise<RunSummary> {
  const started = performance.now();
  const results = new ResultsFile(o.repo);
  const trainPath = join(o.repo, 'train.py');
  if (!existsSync(trainPath)) throw new CliError(`no train.py in ${o.repo}: run in an autoresearch-shaped repository`);
  if ((await git(o.repo, ['rev-parse', 'HEAD'])) === null) throw new CliError(`${o.repo} is not a git repository with a commit`);
  // The loop commits train.py and runs `git reset --hard`: only in a repository that is the fork itself.
  const top = await topLevel(o.repo);
  if (top && realpathSync(top) !== realpathSync(o.repo)) {
    throw new CliError(
      `${o.repo} is a folder inside the git repository ${top}, not a fork of its own: \`crossfork run\` commits and runs \`git reset --hard\` in it; copy it into a repository of its own first (README, "crossfork run")`,
    );
  }
  await recoverInterrupted(o.repo, results);
  if ((await git(o.repo, ['status', '--porcelain', '--', 'train.py']))?.trim())
    throw new CliError('train.py has uncommitted changes: commit or stash them first');

  const importer = await prepareImport(ctx, {
    repo: o.repo,
    agentModel: o.agentModel,
    agentTool: 'crossfork run',
    ...o.hardwareFlags,
    ...o.harnessFlags,
  });
  const harnessId = importer.harness.id;
  if (importer.harness.note) ctx.log(importer.harness.note);
  const prepareText = existsSync(join(o.repo, 'prepare.py')) ? readFileSync(join(o.repo, 'prepare.py'), 'utf8') : null;
  const budgetS = timeBudget(prepareText) ?? knownHarness(harnessId)?.time_budget_s ?? 300;
  const device = { accelerator: o.hardware.accelerator, device_name: o.hardware.device_name, device_count: o.hardware.device_count };
  const summary: RunSummary = {
    baseline: null,
    experiments: 0,
    kept: 0,
    discarded: 0,
    crashed: 0,
    refused_proposals: 0,
    best_val_bpb: null,
    training_seconds: 0,
    wall_seconds: 0,
    duty_cycle: 0,
    device,
    published: 0,
    withheld: 0,
    queued: 0,
    stopped: 'max-experiments',
    rows: [],
    replications: [],
    from_suggestions: 0,
  };
  // Every metric of each run's run.log summary goes into its record (results.tsv holds only a few).
  const logs = new Map<string, RunLog>();
  importer.ctx.extraMetrics = (row) => {
    const log = row.commit ? logs.get(row.commit) : undefined;
    return log
      ? {
          peak_vram_mb: log.peak_vram_mb,
          training_seconds: log.training_seconds,
          total_seconds: log.total_seconds,
          mfu_percent: log.mfu_percent,
          total_tokens_m: log.total_tokens_m,
          num_steps: log.num_steps,
          num_params_m: log.num_params_m,
        }
      : null;
  };
  const withhold = (commit: string | null) => {
    if (o.publishShortRuns || !commit) return null;
    const log = logs.get(commit);
    return log ? shortRun(log, budgetS, process.env) : null;
  };
  const publish = async () => {
    const q = await queueNewRows(ctx, importer, results.text(), true, 500, (r) => withhold(r.row.commit));
    summary.withheld += q.withheldNow;
    if (q.withheldNow) ctx.log(`  not published (a short run): ${q.withheldReasons[0]}; pass --publish-short-runs to publish such runs`);
    const report = q.records.length ? await ctx.outbox.deliver(ctx.client).catch(() => null) : null;
    if (report) summary.published += report.created + report.duplicate;
    summary.queued = ctx.outbox.pending();
    if (summary.queued) ctx.log(`${summary.queued} record(s) queued in the outbox; \`crossfork sync\` or the next command delivers them`);
  };
  const record = (
    commit: string,
    t: TrainResult | null,
    status: 'keep' | 'discard' | 'crash',
    description: string,
    suggestion: string | null = null,
  ) => {
    if (t) logs.set(commit, t.log);
    const desc = t?.crash ? `${description} [crash: ${t.crash}]` : description;
    const memoryGb = t?.log.peak_vram_mb ? t.log.peak_vram_mb / 1024 : null;
    results.append({ commit, valBpb: status === 'crash' ? null : (t?.log.val_bpb ?? null), memoryGb, status, description: desc });
    summary.rows.push({ commit, status, val_bpb: status === 'crash' ? null : (t?.log.val_bpb ?? null), description: desc, suggestion });
    if (suggestion) summary.from_suggestions += 1;
  };

  // Resume: experiments already in results.tsv count; the best kept value is the bar to beat.
  const earlier = results.rows();
  let best = earlier
    .filter((r) => r.status === 'keep' && r.val_bpb !== null)
    .reduce<number | null>((b, r) => (b === null ? r.val_bpb : Math.min(b, r.val_bpb!)), null);
  let done = Math.max(0, earlier.length - 1);
  if (earlier.length === 0) {
    ctx.log('baseline: training the unmodified train.py');
    const head = await shortHead(o.repo);
    const t = await train(o.repo, o.trainCmd, o.timeoutS, signal);
    summary.training_seconds += t.seconds;
    if (t.aborted) return finish('interrupted');
    record(head, t, t.crash ? 'crash' : 'keep', 'baseline');
    if (!t.crash) best = t.log.val_bpb;
    summary.baseline = { commit: head, val_bpb: t.crash ? null : t.log.val_bpb };
    await publish();
  }
  summary.best_val_bpb = best;

  const deadline = o.hours === null ? Infinity : Date.now() + o.hours * 3_600_000;
  const moreWanted = () =>
    (o.maxExperiments === null || summary.experiments < o.maxExperiments) && Date.now() < deadline && !signal.aborted;
  let next: Promise<Prepared_ | null> | null = null;

  while (moreWanted()) {
    const base = readFileSync(trainPath, 'utf8');
    let prepared: Prepared_ | null = next ? await next : await prepare(base);
    next = null;
    if (signal.aborted) return finish('interrupted');
    // Prepared while the last experiment trained, against the train.py it started from: re-apply
    // its edits to what train.py is now (the last experiment may have been kept).
    if (prepared && prepared.base !== base) {
      try {
        prepared = { ...prepared, base, proposal: { ...prepared.proposal, source: rebaseEdits(base, prepared.proposal.edits) } };
      } catch (err) {
        ctx.log(`the prepared change no longer applies (${(err as Error).message}); asking again`);
        prepared = await prepare(base);
      }
    }
    if (!prepared) return finish('proposals-exhausted');
    const { proposal } = prepared;
    done += 1;
    ctx.log(`experiment ${done}: ${proposal.description}${prepared.suggestion ? ` (a suggestion: idea ${prepared.suggestion})` : ''}`);
    await claim(proposal.description);
    writeFileSync(trainPath, proposal.source);
    if ((await git(o.repo, ['commit', '-q', '-m', proposal.description, '--', 'train.py'])) === null)
      throw new CliError('git commit failed');
    const commit = await shortHead(o.repo);
    writeFileSync(join(o.repo, STATE), JSON.stringify({ pending_commit: commit, started_at: new Date().toISOString() }));
    // The accelerator trains; meanwhile the model prepares the next change against this same base.
    if (o.pipeline && summary.experiments + 1 < (o.maxExperiments ?? Infinity)) next = prepare(base).catch(() => null);
    const t = await train(o.repo, o.trainCmd, o.timeoutS, signal);
    summary.training_seconds += t.seconds;
    if (t.aborted) {
      await git(o.repo, ['reset', '-q', '--hard', 'HEAD~1']);
      rmSync(join(o.repo, STATE), { force: true });
      return finish('interrupted');
    }
    const keep = !t.crash && best !== null ? t.log.val_bpb! < best : !t.crash;
    const status = t.crash ? 'crash' : keep ? 'keep' : 'discard';
    if (keep) best = t.log.val_bpb;
    else await git(o.repo, ['reset', '-q', '--hard', 'HEAD~1']);
    record(commit, t, status, proposal.description, prepared.suggestion);
    rmSync(join(o.repo, STATE), { force: true });
    summary.experiments += 1;
    summary[status === 'keep' ? 'kept' : status === 'discard' ? 'discarded' : 'crashed'] += 1;
    summary.best_val_bpb = best;
    ctx.log(
      `  ${status}${t.log.val_bpb !== null ? ` val_bpb ${t.log.val_bpb.toFixed(6)}` : ''} (best ${best?.toFixed(6) ?? '—'}, ${t.seconds.toFixed(1)} s)`,
    );
    await publish();
    if (o.replicateEvery && summary.experiments % o.replicateEvery === 0 && !signal.aborted) await replicateOne();
    if (signal.aborted) return finish('interrupted');
  }
  return finish(signal.aborted ? 'interrupted' : Date.now() >= deadline ? 'hours' : 'max-experiments');

  function finish(stopped: RunSummary['stopped']): RunSummary {
    summary.stopped = stopped;
    summary.wall_seconds = (performance.now() - started) / 1000;
    summary.duty_cycle = summary.wall_seconds > 0 ? summary.training_seconds / summary.wall_seconds : 0;
    return summary;
  }

  /** Asks the model until a proposal applies and the server does not call it known-bad here. */
  async function prepare(base: string): Promise<Prepared_ | null> {
    const refusals: string[] = [];
    // Asked afresh for every proposal: what others published during the night counts at once.
    const [knownBad, best, suggested] = await Promise.all([
      ctx.client.knownBadMarkdown({ harness: harnessId, hardware_class: describeHardware(o.hardware).class, limit: 30 }).catch(() => null),
      ctx.client.leaderboard({ harness: harnessId }).then(
        (l) => bestLine(l),
        () => null,
      ),
      askSuggestions(ctx.client, { harnessId, hardware: o.hardware, forkId: importer.fork.id, limit: 10 }).catch(() => null),
    ]);
    const suggestions = suggested?.suggestions.length ? suggestionLines(suggested) : null;
    for (let ask = 0; ask < o.maxAsks && !signal.aborted; ask++) {
      let proposal: Proposed;
      try {
        proposal = await proposer.propose({ trainPy: base, results: results.text(), knownBad, suggestions, best, refusals });
      } catch (err) {
        if (!(err instanceof ProposalError)) throw err;
        summary.refused_proposals += 1;
        refusals.push(err.message);
        ctx.log(`  refused the model's answer: ${err.message}`);
        continue;
      }
      const verdict = await ctx.client.check({ description: proposal.description, harness_id: harnessId, hardware: o.hardware }).then(
        (r) => r,
        () => null,
      );
      if (verdict?.warning) {
        summary.refused_proposals += 1;
        refusals.push(`"${proposal.description}" is ${verdict.verdict} here: ${verdict.reason}`);
        ctx.log(`  skipped "${proposal.description}": ${verdict.verdict} (${verdict.reason})`);
        continue;
      }
      // From a suggestion when the idea the check says it is was among those suggested.
      const same = verdict?.matches.find((m) => m.same_idea)?.id ?? null;
      const suggestion = same && suggested?.suggestions.some((s) => s.idea_id === same) ? same : null;
      return { proposal, base, refusals: refusals.length, suggestion };
    }
    return null;
  }

  /** Replicates the first result of the server's replication queue for this harness and class (not our own). */
  async function replicateOne() {
    const me = parsePublicKey(loadSigner(ctx.config).publicKey).fingerprint;
    const queue = await ctx.client
      .replicationQueue({ harness: harnessId, hardware_class: describeHardware(o.hardware).class, key: me, limit: 5 })
      .catch(() => null);
    const item = queue?.items[0];
    if (!item) {
      ctx.log('replication: nothing on this hardware waits for one');
      return;
    }
    ctx.log(`replication: ${item.description.slice(0, 80)} (val_bpb ${item.val_bpb}, ${item.reason}, record ${item.id.slice(0, 12)})`);
    try {
      const r = await replicate(
        ctx,
        {
          repo: o.repo,
          id: item.id,
          trainCmd: o.trainCmd,
          timeoutS: o.timeoutS,
          hardware: o.hardware,
          harnessFlags: o.harnessFlags,
          agentModel: o.agentModel,
          publishShortRuns: o.publishShortRuns,
        },
        signal,
      );
      summary.training_seconds += r.training_seconds;
      if (r.interrupted) return;
      summary.replications.push({ id: r.id, replicates: r.replicates, status: r.status, val_bpb: r.val_bpb, published: r.published });
      ctx.log(
        `  ${r.status}${r.val_bpb !== null ? ` val_bpb ${r.val_bpb.toFixed(6)}` : ''}${r.difference !== null ? ` (${r.difference > 0 ? '+' : ''}${r.difference.toFixed(6)} against the original)` : ''}${r.withheld ? `; not published: ${r.withheld}` : ''}`,
      );
    } catch (err) {
      if (!(err instanceof CliError)) throw err;
      ctx.log(`  could not replicate it: ${err.message}`);
    }
  }

  async function claim(description: string) {
    try {
      const signer = loadSigner(ctx.config);
      const payload = {
        schema: CLAIM_SCHEMA,
        created_at: new Date().toISOString(),
        description,
        diff: null,
        harness_id: harnessId,
        hardware: o.hardware,
        ttl_s: Math.min(3600, Math.ceil(o.timeoutS + 60)),
      };
      await ctx.client.claim(await sealEnvelope(payload, signer.sign, signer.publicKey));
    } catch {
      /* a claim is a courtesy to others; the experiment goes on without one */
    }
  }
}

/** A crash of crossfork itself between commit and results.tsv leaves the experiment committed: undo it. */
async function recoverInterrupted(repo: string, results: ResultsFile) {
  const path = join(repo, STATE);
  if (!existsSync(path)) return;
  const { pending_commit } = JSON.parse(readFileSync(path, 'utf8')) as { pending_commit: string };
  const recorded = results.rows().some((r) => r.commit && pending_commit.startsWith(r.commit.slice(0, 7)));
  if (!recorded && (await shortHead(repo)) === pending_commit) await git(repo, ['reset', '-q', '--hard', 'HEAD~1']);
  rmSync(path, { force: true });
}

async function shortHead(repo: string): Promise<string> {
  return ((await git(repo, ['rev-parse', '--short=7', 'HEAD'])) ?? '').trim();
}

function bestLine(l: Pick<Leaderboard, 'classes'>): string | null {
  // The confirmed number of each class, else its best claim, said to be one.
  const rows = l.classes.flatMap((c) => {
    const b = c.best ?? c.best_claim;
    if (!b) return [];
    return [
      `${c.hardware_class}: val_bpb ${b.val_bpb}${c.best ? '' : ' (a claim, not yet replicated)'}${b.description ? ` (${b.description})` : ''}`,
    ];
  });
  return rows.length ? rows.join('; ') : null;
}
