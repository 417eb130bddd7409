// `crossfork run`: the whole autoresearch loop on this machine's GPU, consulting and feeding the
// shared record (see cli/run/loop.ts). Ctrl-C stops cleanly; running again resumes.
import { resolve } from 'node:path';
import type { Context } from '../lib/context.ts';
import { usageError } from '../lib/errors.ts';
import type { HardwareFlags } from '../lib/hardware.ts';
import type { HarnessFlags } from '../lib/harness.ts';
import { describeMachine, machineHardware } from '../lib/profile.ts';
import { result } from '../lib/result.ts';
import { runLoop, type RunSummary } from '../run/loop.ts';
import { Proposer } from '../run/proposer.ts';

interface Opts extends HardwareFlags, HarnessFlags {
  repo: string;
  model?: string;
  baseUrl?: string;
  maxExperiments?: string;
  hours?: string;
  trainCmd: string;
  timeout: string;
  maxAsks: string;
  pipeline: boolean;
  publishShortRuns?: boolean;
  replicateEvery?: string;
}

export default async function run(ctx: Context, _args: unknown[], opts: Opts) {
  const positive = (v: string | undefined, flag: string, integer = false) => {
    if (v === undefined) return null;
    const n = Number(v);
    if (!(n > 0) || (integer && !Number.isInteger(n))) throw usageError(`${flag} must be a positive ${integer ? 'integer' : 'number'}`);
    return n;
  };
  const model = opts.model ?? process.env.CROSSFORK_MODEL;
  if (!model) throw usageError('--model is required (or set CROSSFORK_MODEL): the OpenAI-compatible chat model that proposes changes');
  const baseURL = opts.baseUrl ?? process.env.OPENAI_BASE_URL;
  // (the loop's import pipeline says so when this is detection, not a saved profile)
  const hardware = (await machineHardware(ctx.config, opts)).hardware;
  await ctx.flushOutbox().catch(() => null);

  const controller = new AbortController();
  const onSigint = () => {
    ctx.log('stopping: the running experiment is cancelled and reset; run again to resume');
    controller.abort();
  };
  process.once('SIGINT', onSigint);
  let summary: RunSummary;
  try {
    summary = await runLoop(
      ctx,
      new Proposer({ baseURL, apiKey: process.env.OPENAI_API_KEY, model }),
      {
        repo: resolve(opts.repo),
        trainCmd: opts.trainCmd,
        timeoutS: positive(opts.timeout, '--timeout')!,
        maxExperiments: positive(opts.maxExperiments, '--max-experiments', true),
        hours: positive(opts.hours, '--hours'),
        maxAsks: positive(opts.maxAsks, '--max-asks', true)!,
        pipeline: opts.pipeline,
        hardware,
        hardwareFlags: opts,
        harnessFlags: { harnessId: opts.harnessId, harness: opts.harness },
        agentModel: model,
        publishShortRuns: Boolean(opts.publishShortRuns),
        replicateEvery: positive(opts.replicateEvery, '--replicate-every', true),
      },
      controller.signal,
    );
  } finally {
    process.off('SIGINT', onSigint);
  }
  const s = summary;
  const lines = [
    `${s.experiments} experiment(s) after the baseline: ${s.kept} kept, ${s.discarded} discarded, ${s.crashed} crashed; ${s.refused_proposals} proposal(s) refused`,
    `best val_bpb ${s.best_val_bpb?.toFixed(6) ?? '—'}; accelerator duty cycle ${(100 * s.duty_cycle).toFixed(1)}% on ${describeMachine(hardware)} (${s.training_seconds.toFixed(0)} s training in ${s.wall_seconds.toFixed(0)} s)`,
    `published ${s.published}${s.queued ? `, ${s.queued} queued in the outbox` : ''}${s.withheld ? `; ${s.withheld} short run(s) not published (--publish-short-runs publishes them)` : ''}; stopped: ${s.stopped}`,
    ...(s.replications.length
      ? [
          `replicated ${s.replications.length} result(s) of others: ${s.replications.map((r) => `${r.replicates.slice(0, 12)} → ${r.status}${r.val_bpb !== null ? ` ${r.val_bpb.toFixed(6)}` : ''}`).join(', ')}`,
        ]
      : []),
  ];
  return { ...result(s, lines.join('\n')), exitCode: s.stopped === 'interrupted' ? 130 : 0 };
}
