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
import { prepareImport, queueNewRows, type Prepared } from '../lib/import-rows.ts';
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
import { callerKey } from '../lib/asking.ts';
import { emptySummary, type RunSummary } from './summary.ts';

export type { RunSummary };

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

interface Prepared_ {
  proposal: Proposed;
  base: string;
  refusals: number;
  /** The suggested idea it is (check's same idea), or null. */ suggestion: string | null;
}

const STATE = '.crossfork-run.json';

type Status = 'keep' | 'discard' | 'crash';

export async function runLoop(ctx: Context, proposer: Proposer, o: RunOptions, signal: AbortSignal): Promise<RunSummary> {
  const started = performance.now();
  const results = new ResultsFile(o.repo);
  await checkFork(o.repo, results);
  const importer = await prepareImport(ctx, {
    repo: o.repo,
    agentModel: o.agentModel,
    agentTool: 'crossfork run',
    ...o.hardwareFlags,
    ...o.harnessFlags,
  });
  if (importer.harness.note) ctx.log(importer.harness.note);
  return new Loop(ctx, proposer, o, signal, results, importer, started).run();
}

/** Refuses a repository the loop must not commit in, and undoes an experiment a crash left committed. */
async function checkFork(repo: string, results: ResultsFile) {
  if (!existsSync(join(repo, 'train.py'))) throw new CliError(`no train.py in ${repo}: run in an autoresearch-shaped repository`);
  if ((await git(repo, ['rev-parse', 'HEAD'])) === null) throw new CliError(`${repo} is not a git repository with a commit`);
  // The loop commits train.py and runs `git reset --hard`: only in a repository that is the fork itself.
  const top = await topLevel(repo);
  if (top && realpathSync(top) !== realpathSync(repo)) {
    throw new CliError(
      `${repo} is a folder inside the git repository ${top}, not a fork of its own: \`crossfork run\` commits and runs \`git reset --hard\` in it; copy it into a repository of its own first (README, "crossfork run")`,
    );
  }
  await recoverInterrupted(repo, results);
  if ((await git(repo, ['status', '--porcelain', '--', 'train.py']))?.trim())
    throw new CliError('train.py has uncommitted changes: commit or stash them first');
}

/** One run of the loop: its state, and a method per phase (baseline, experiment, proposals, publishing, replication). */
class Loop {
  private readonly trainPath: string;
  private readonly harnessId: string;
  private readonly budgetS: number;
  private readonly summary: RunSummary;
  /** Every metric of each run's run.log summary goes into its record (results.tsv holds only a few). */
  private readonly logs = new Map<string, RunLog>();
  /** --hours, counted from the end of the baseline. */
  private deadline = Infinity;
  /** The best kept val_bpb so far: the bar to beat. */
  private best: number | null = null;
  /** Experiments in results.tsv, the baseline not counted. */
  private done = 0;
  /** The next proposal, prepared while the current experiment trains (--pipeline). */
  private next: Promise<Prepared_ | null> | null = null;

  constructor(
    private readonly ctx: Context,
    private readonly proposer: Proposer,
    private readonly o: RunOptions,
    private readonly signal: AbortSignal,
    private readonly results: ResultsFile,
    private readonly importer: Prepared,
    private readonly started: number,
  ) {
    this.trainPath = join(o.repo, 'train.py');
    this.harnessId = importer.harness.id;
    const prepareText = existsSync(join(o.repo, 'prepare.py')) ? readFileSync(join(o.repo, 'prepare.py'), 'utf8') : null;
    this.budgetS = timeBudget(prepareText) ?? knownHarness(this.harnessId)?.time_budget_s ?? 300;
    this.summary = emptySummary(o.hardware);
    importer.ctx.extraMetrics = (row) => {
      const log = row.commit ? this.logs.get(row.commit) : undefined;
      return log ? logMetrics(log) : null;
    };
  }

  async run(): Promise<RunSummary> {
    const { o, signal, summary } = this;
    if ((await this.resumeOrBaseline()) === 'interrupted') return this.finish('interrupted');
    this.deadline = o.hours === null ? Infinity : Date.now() + o.hours * 3_600_000;
    while (this.moreWanted()) {
      const prepared = await this.proposal(readFileSync(this.trainPath, 'utf8'));
      if (prepared === 'interrupted') return this.finish('interrupted');
      if (!prepared) return this.finish('proposals-exhausted');
      if ((await this.experiment(prepared)) === 'interrupted') return this.finish('interrupted');
      if (o.replicateEvery && summary.experiments % o.replicateEvery === 0 && !signal.aborted) await this.replicateOne();
      if (signal.aborted) return this.finish('interrupted');
    }
    return this.finish(signal.aborted ? 'interrupted' : Date.now() >= this.deadline ? 'hours' : 'max-experiments');
  }

  private moreWanted(): boolean {
    const { o, summary } = this;
    return (o.maxExperiments === null || summary.experiments < o.maxExperiments) && Date.now() < this.deadline && !this.signal.aborted;
  }

  /** Resume: experiments already in results.tsv count, the best kept value is the bar; else train the baseline. */
  private async resumeOrBaseline(): Promise<'interrupted' | null> {
    const { ctx, o, summary } = this;
    const earlier = this.results.rows();
    this.best = earlier
      .filter((r) => r.status === 'keep' && r.val_bpb !== null)
      .reduce<number | null>((b, r) => (b === null ? r.val_bpb : Math.min(b, r.val_bpb!)), null);
    this.done = Math.max(0, earlier.length - 1);
    if (earlier.length === 0) {
      ctx.log('baseline: training the unmodified train.py');
      const head = await shortHead(o.repo);
      const t = await train(o.repo, o.trainCmd, o.timeoutS, this.signal);
      summary.training_seconds += t.seconds;
      if (t.aborted) return 'interrupted';
      this.record(head, t, t.crash ? 'crash' : 'keep', 'baseline');
      if (!t.crash) this.best = t.log.val_bpb;
      summary.baseline = { commit: head, val_bpb: t.crash ? null : t.log.val_bpb };
      await this.publish();
    }
    summary.best_val_bpb = this.best;
    return null;
  }

  /** The next proposal: the one prepared while the last experiment trained (re-applied to train.py as it is now), else a fresh one. */
  private async proposal(base: string): Promise<Prepared_ | null | 'interrupted'> {
    let prepared: Prepared_ | null = this.next ? await this.next : await this.prepare(base);
    this.next = null;
    if (this.signal.aborted) return 'interrupted';
    // Prepared against the train.py the last experiment started from: that one may have been kept.
    if (prepared && prepared.base !== base) {
      try {
        prepared = { ...prepared, base, proposal: { ...prepared.proposal, source: rebaseEdits(base, prepared.proposal.edits) } };
      } catch (err) {
        this.ctx.log(`the prepared change no longer applies (${(err as Error).message}); asking again`);
        prepared = await this.prepare(base);
      }
    }
    return prepared;
  }

  /** One experiment: claim, commit, train, keep or reset, results.tsv, publish. */
  private async experiment(prepared: Prepared_): Promise<'interrupted' | null> {
    const { ctx, o, summary } = this;
    const { proposal } = prepared;
    this.done += 1;
    ctx.log(`experiment ${this.done}: ${proposal.description}${prepared.suggestion ? ` (a suggestion: idea ${prepared.suggestion})` : ''}`);
    await this.claim(proposal.description);
    writeFileSync(this.trainPath, proposal.source);
    if ((await git(o.repo, ['commit', '-q', '-m', proposal.description, '--', 'train.py'])) === null)
      throw new CliError('git commit failed');
    const commit = await shortHead(o.repo);
    writeFileSync(join(o.repo, STATE), JSON.stringify({ pending_commit: commit, started_at: new Date().toISOString() }));
    // The accelerator trains; meanwhile the model prepares the next change against this same base.
    if (o.pipeline && summary.experiments + 1 < (o.maxExperiments ?? Infinity)) this.next = this.prepare(prepared.base).catch(() => null);
    const t = await train(o.repo, o.trainCmd, o.timeoutS, this.signal);
    summary.training_seconds += t.seconds;
    if (t.aborted) {
      await git(o.repo, ['reset', '-q', '--hard', 'HEAD~1']);
      rmSync(join(o.repo, STATE), { force: true });
      return 'interrupted';
    }
    const keep = !t.crash && this.best !== null ? t.log.val_bpb! < this.best : !t.crash;
    const status = t.crash ? 'crash' : keep ? 'keep' : 'discard';
    if (keep) this.best = t.log.val_bpb;
    else await git(o.repo, ['reset', '-q', '--hard', 'HEAD~1']);
    this.record(commit, t, status, proposal.description, prepared.suggestion);
    rmSync(join(o.repo, STATE), { force: true });
    summary.experiments += 1;
    summary[status === 'keep' ? 'kept' : status === 'discard' ? 'discarded' : 'crashed'] += 1;
    summary.best_val_bpb = this.best;
    ctx.log(
      `  ${status}${t.log.val_bpb !== null ? ` val_bpb ${t.log.val_bpb.toFixed(6)}` : ''} (best ${this.best?.toFixed(6) ?? '—'}, ${t.seconds.toFixed(1)} s)`,
    );
    await this.publish();
    return null;
  }

  private finish(stopped: RunSummary['stopped']): RunSummary {
    const { summary } = this;
    summary.stopped = stopped;
    summary.wall_seconds = (performance.now() - this.started) / 1000;
    summary.duty_cycle = summary.wall_seconds > 0 ? summary.training_seconds / summary.wall_seconds : 0;
    return summary;
  }

  /** A row in results.tsv and in the summary. */
  private record(commit: string, t: TrainResult | null, status: Status, description: string, suggestion: string | null = null) {
    const { summary } = this;
    if (t) this.logs.set(commit, t.log);
    const desc = t?.crash ? `${description} [crash: ${t.crash}]` : description;
    const memoryGb = t?.log.peak_vram_mb ? t.log.peak_vram_mb / 1024 : null;
    this.results.append({ commit, valBpb: status === 'crash' ? null : (t?.log.val_bpb ?? null), memoryGb, status, description: desc });
    summary.rows.push({ commit, status, val_bpb: status === 'crash' ? null : (t?.log.val_bpb ?? null), description: desc, suggestion });
    if (suggestion) summary.from_suggestions += 1;
  }

  /** Why a row stays off the server (a run shorter than the harness's budget), or null. */
  private withhold(commit: string | null): string | null {
    if (this.o.publishShortRuns || !commit) return null;
    const log = this.logs.get(commit);
    return log ? shortRun(log, this.budgetS, process.env) : null;
  }

  /** Queues results.tsv's new rows and delivers them (queued on disk when the server is unreachable). */
  private async publish() {
    const { ctx, summary } = this;
    const q = await queueNewRows(ctx, this.importer, this.results.text(), true, 500, (r) => this.withhold(r.row.commit));
    summary.withheld += q.withheldNow;
    if (q.withheldNow) ctx.log(`  not published (a short run): ${q.withheldReasons[0]}; pass --publish-short-runs to publish such runs`);
    const report = q.records.length ? await ctx.outbox.deliver(ctx.client).catch(() => null) : null;
    if (report) summary.published += report.created + report.duplicate;
    summary.queued = ctx.outbox.pending();
    if (summary.queued) ctx.log(`${summary.queued} record(s) queued in the outbox; \`crossfork sync\` or the next command delivers them`);
  }

  /** Asks the model until a proposal applies and the server does not call it known-bad here. */
  private async prepare(base: string): Promise<Prepared_ | null> {
    const { ctx, o, summary, signal } = this;
    const refusals: string[] = [];
    const { knownBad, best, suggested } = await this.whatOthersFound();
    const suggestions = suggested?.suggestions.length ? suggestionLines(suggested) : null;
    for (let ask = 0; ask < o.maxAsks && !signal.aborted; ask++) {
      let proposal: Proposed;
      try {
        proposal = await this.proposer.propose({ trainPy: base, results: this.results.text(), knownBad, suggestions, best, refusals });
      } catch (err) {
        if (!(err instanceof ProposalError)) throw err;
        summary.refused_proposals += 1;
        refusals.push(err.message);
        ctx.log(`  refused the model's answer: ${err.message}`);
        continue;
      }
      const verdict = await ctx.client
        .check({ description: proposal.description, harness_id: this.harnessId, hardware: o.hardware, ...callerKey(ctx) })
        .then(
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

  /** Asked afresh for every proposal: what others published during the night counts at once. */
  private async whatOthersFound() {
    const { ctx, o, harnessId } = this;
    const [knownBad, best, suggested] = await Promise.all([
      ctx.client.knownBadMarkdown({ harness: harnessId, hardware_class: describeHardware(o.hardware).class, limit: 30 }).catch(() => null),
      ctx.client.leaderboard({ harness: harnessId }).then(
        (l) => bestLine(l),
        () => null,
      ),
      askSuggestions(ctx.client, { harnessId, hardware: o.hardware, forkId: this.importer.fork.id, limit: 10 }).catch(() => null),
    ]);
    return { knownBad, best, suggested };
  }

  /** Replicates the first result of the server's replication queue for this harness and class (not our own). */
  private async replicateOne() {
    const { ctx, o, summary } = this;
    const me = parsePublicKey(loadSigner(ctx.config).publicKey).fingerprint;
    const queue = await ctx.client
      .replicationQueue({ harness: this.harnessId, hardware_class: describeHardware(o.hardware).class, key: me, limit: 5 })
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
        this.signal,
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

  private async claim(description: string) {
    const { ctx, o } = this;
    try {
      const signer = loadSigner(ctx.config);
      const payload = {
        schema: CLAIM_SCHEMA,
        created_at: new Date().toISOString(),
        description,
        diff: null,
        harness_id: this.harnessId,
        hardware: o.hardware,
        ttl_s: Math.min(3600, Math.ceil(o.timeoutS + 60)),
      };
      await ctx.client.claim(await sealEnvelope(payload, signer.sign, signer.publicKey));
    } catch {
      /* a claim is a courtesy to others; the experiment goes on without one */
    }
  }
}

/** The run.log metrics a record carries beyond results.tsv's columns. */
function logMetrics(log: RunLog) {
  return {
    peak_vram_mb: log.peak_vram_mb,
    training_seconds: log.training_seconds,
    total_seconds: log.total_seconds,
    mfu_percent: log.mfu_percent,
    total_tokens_m: log.total_tokens_m,
    num_steps: log.num_steps,
    num_params_m: log.num_params_m,
  };
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
