// `crossfork leaderboard`: best val_bpb per hardware class on a harness.
import type { Context } from '../lib/context.ts';
import { toCliError } from '../lib/api-errors.ts';
import { harnessId } from '../lib/harness.ts';
import { renderLeaderboard } from '../lib/render.ts';
import { result } from '../lib/result.ts';

export default async function leaderboard(ctx: Context, _args: unknown[], opts: { repo: string; harnessId?: string }) {
  await ctx.flushOutbox().catch(() => null);
  try {
    // Only an explicit --harness-id narrows it; a local prepare.py is a hint the server may not know.
    const lb = await ctx.client.leaderboard({ harness: opts.harnessId ? harnessId(opts.repo, opts.harnessId) : undefined });
    return result(lb, renderLeaderboard(lb));
  } catch (err) {
    throw toCliError(err);
  }
}
