// `crossfork suggest`: what to try next on this machine's hardware, leaving out what this fork tried.
import type { Context } from '../lib/context.ts';
import { toCliError } from '../lib/api-errors.ts';
import { askingContext } from '../lib/asking.ts';
import { usageError } from '../lib/errors.ts';
import { describeFork } from '../lib/fork.ts';
import type { HardwareFlags } from '../lib/hardware.ts';
import type { HarnessFlags } from '../lib/harness.ts';
import { result } from '../lib/result.ts';
import { askSuggestions, renderSuggestions } from '../lib/suggestions.ts';

interface Opts extends HardwareFlags, HarnessFlags {
  repo: string;
  hardwareClass?: string;
  forkId?: string;
  limit: string;
}

export default async function suggest(ctx: Context, _args: unknown[], opts: Opts) {
  const limit = Number(opts.limit);
  if (!Number.isInteger(limit) || limit < 1 || limit > 50) throw usageError('--limit must be an integer from 1 to 50');
  const { hardware, harness } = await askingContext(ctx, opts);
  await ctx.flushOutbox().catch(() => null);
  // The fork's id, as its records carry it: the ideas they tried are left out.
  const forkId = opts.forkId ?? (await describeFork(opts.repo).catch(() => null))?.id ?? null;
  try {
    const r = await askSuggestions(ctx.client, { harnessId: harness.id, hardware, hardwareClass: opts.hardwareClass, forkId, limit });
    return result(r, renderSuggestions(r));
  } catch (err) {
    throw toCliError(err);
  }
}
