// `crossfork leaderboard`: per hardware class on a harness, the best confirmed val_bpb and the claims awaiting replication.
import type { Context } from '../lib/context.ts';
import { toCliError } from '../lib/api-errors.ts';
import { explicitHarness, type HarnessFlags } from '../lib/harness.ts';
import { renderLeaderboard } from '../lib/render.ts';
import { result } from '../lib/result.ts';

export default async function leaderboard(ctx: Context, _args: unknown[], opts: HarnessFlags & { repo: string }) {
  // Only an explicit --harness-id / --harness narrows it; a local prepare.py is a hint the server may not know.
  const harness = explicitHarness(opts);
  await ctx.flushOutbox().catch(() => null);
  try {
    const lb = await ctx.client.leaderboard({ harness: harness?.id });
    return result(lb, renderLeaderboard(lb));
  } catch (err) {
    throw toCliError(err);
  }
}
