// `crossfork replicate <record-id>`: reruns a published record's train.py in this fork (its diff on
// its parent), publishes the run as a replication of it, and leaves the fork as it was.
import { resolve } from 'node:path';
import type { Context } from '../lib/context.ts';
import { toCliError } from '../lib/api-errors.ts';
import { usageError } from '../lib/errors.ts';
import type { HardwareFlags } from '../lib/hardware.ts';
import type { HarnessFlags } from '../lib/harness.ts';
import { machineHardware, unsavedNote } from '../lib/profile.ts';
import { result } from '../lib/result.ts';
import { replicate, type Replication } from '../run/replicate.ts';

interface Opts extends HardwareFlags, HarnessFlags {
  repo: string;
  trainCmd: string;
  timeout: string;
  publishShortRuns?: boolean;
  forkId?: string;
  forkUrl?: string;
}

export default async function replicateCommand(ctx: Context, [id]: [string], opts: Opts) {
  if (!/^[0-9a-f]{64}$/.test(id ?? ''))
    throw usageError('<record-id> must be a record id (64 lowercase hex digits, as the web page and `--json` outputs show it)');
  const timeoutS = Number(opts.timeout);
  if (!(timeoutS > 0)) throw usageError('--timeout must be a positive number');
  const machine = await machineHardware(ctx.config, opts);
  const unsaved = unsavedNote(machine);
  if (unsaved) ctx.log(unsaved);
  await ctx.flushOutbox().catch(() => null);
  const controller = new AbortController();
  const onSigint = () => {
    ctx.log('stopping: the replication is cancelled and the fork reset');
    controller.abort();
  };
  process.once('SIGINT', onSigint);
  let r: Replication;
  try {
    ctx.log(`replicating ${id.slice(0, 12)}: training its train.py with \`${opts.trainCmd}\``);
    r = await replicate(
      ctx,
      {
        repo: resolve(opts.repo),
        id,
        trainCmd: opts.trainCmd,
        timeoutS,
        hardware: machine.hardware,
        harnessFlags: { harnessId: opts.harnessId, harness: opts.harness },
        forkFlags: { forkId: opts.forkId, forkUrl: opts.forkUrl },
        publishShortRuns: Boolean(opts.publishShortRuns),
      },
      controller.signal,
    );
  } catch (err) {
    throw toCliError(err);
  } finally {
    process.off('SIGINT', onSigint);
  }
  for (const n of r.notes) ctx.log(n);
  return { ...result(r, describe(r)), exitCode: r.interrupted ? 130 : r.rejected ? 1 : 0 };
}

const f = (x: number | null) => (x === null ? '—' : x.toFixed(6));

function describe(r: Replication): string {
  if (r.interrupted) return `interrupted: nothing published; the fork is as it was`;
  const diff =
    r.difference === null
      ? ''
      : `, ${r.difference > 0 ? '+' : ''}${r.difference.toFixed(6)} against the original's ${f(r.original.val_bpb)}`;
  const lines = [
    `replicated ${r.replicates.slice(0, 12)} (${r.original.description.slice(0, 80)}): ${r.status}, val_bpb ${f(r.val_bpb)}${diff} on ${r.hardware_class}`,
  ];
  if (r.withheld) lines.push(`not published: ${r.withheld} (pass --publish-short-runs to publish it)`);
  else if (r.rejected) lines.push(`refused by the server: ${r.rejected}`);
  else if (r.published) lines.push(`published replication ${r.id!.slice(0, 12)}`);
  else
    lines.push(`replication ${r.id!.slice(0, 12)} queued in the outbox (${r.queued}); \`crossfork sync\` or the next command delivers it`);
  return lines.join('\n');
}
