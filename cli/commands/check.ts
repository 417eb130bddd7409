// `crossfork check "<idea>"`: the server's verdict and evidence for an idea, on this machine's hardware.
import type { Context } from '../lib/context.ts';
import { toCliError } from '../lib/api-errors.ts';
import { askingContext, callerKey, ideaText } from '../lib/asking.ts';
import { usageError } from '../lib/errors.ts';
import type { HardwareFlags } from '../lib/hardware.ts';
import type { HarnessFlags } from '../lib/harness.ts';
import { readArgFile } from '../lib/read-file.ts';
import { renderCheck } from '../lib/render.ts';
import { result } from '../lib/result.ts';

interface Opts extends HardwareFlags, HarnessFlags {
  diff?: string;
  repo: string;
}

export default async function check(ctx: Context, [idea]: [string], opts: Opts) {
  if (!idea.trim()) throw usageError('the idea is empty: say in words what you will change');
  const diff = opts.diff ? readArgFile(opts.diff, 'the diff') : undefined;
  const { hardware, harness } = await askingContext(ctx, opts);
  await ctx.flushOutbox().catch(() => null);
  try {
    const r = await ctx.client.check({
      description: ideaText(ctx, idea),
      ...(diff ? { diff } : {}),
      harness_id: harness.id,
      hardware,
      ...callerKey(ctx),
    });
    return result(r, renderCheck(r));
  } catch (err) {
    throw toCliError(err);
  }
}
