// `crossfork check "<idea>"`: the server's verdict and evidence for an idea, on this machine's hardware.
import type { CheckResponse } from '../../server/protocol/api.schema.ts';
import type { ApiClient } from '../lib/api-client.ts';
import type { Context } from '../lib/context.ts';
import { toCliError } from '../lib/api-errors.ts';
import { harnessId } from '../lib/harness.ts';
import { detectHardware, type HardwareFlags } from '../lib/hardware.ts';
import { readArgFile } from '../lib/read-file.ts';
import { renderCheck } from '../lib/render.ts';
import { result } from '../lib/result.ts';

interface Opts extends HardwareFlags { diff?: string; repo: string; harnessId?: string }

export async function checkIdea(client: ApiClient, idea: string, opts: Opts): Promise<CheckResponse> {
  const diff = opts.diff ? readArgFile(opts.diff, 'the diff') : undefined;
  const harness = harnessId(opts.repo, opts.harnessId);
  const hardware = await detectHardware(opts);
  try {
    return await client.check({ description: idea, ...(diff ? { diff } : {}), ...(harness ? { harness_id: harness } : {}), hardware });
  } catch (err) {
    throw toCliError(err);
  }
}

export default async function check(ctx: Context, [idea]: [string], opts: Opts) {
  await ctx.flushOutbox().catch(() => null);
  const r = await checkIdea(ctx.client, idea, opts);
  return result(r, renderCheck(r));
}
