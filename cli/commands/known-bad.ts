// `crossfork known-bad`: ideas that keep failing on this hardware class, as markdown for a prompt or JSON.
import type { Context } from '../lib/context.ts';
import { toCliError } from '../lib/api-errors.ts';
import { harnessId } from '../lib/harness.ts';
import { detectHardware, type HardwareFlags } from '../lib/hardware.ts';
import { usageError } from '../lib/errors.ts';
import { result } from '../lib/result.ts';
import { hardwareClass } from '../../server/protocol/hardware-class.ts';

interface Opts extends HardwareFlags { format: 'md' | 'json'; repo: string; harnessId?: string; hardwareClass?: string; allHardware?: boolean; limit: string }

export default async function knownBad(ctx: Context, _args: unknown[], opts: Opts) {
  await ctx.flushOutbox().catch(() => null);
  const limit = Number(opts.limit);
  if (!Number.isInteger(limit) || limit < 1 || limit > 200) throw usageError('--limit must be an integer from 1 to 200');
  const query = {
    harness: harnessId(opts.repo, opts.harnessId),
    hardware_class: opts.allHardware ? undefined : opts.hardwareClass ?? hardwareClass(await detectHardware(opts)),
    limit,
  };
  try {
    if (opts.format === 'md' && !ctx.json) {
      const md = await ctx.client.knownBadMarkdown(query);
      return result({ markdown: md }, md);
    }
    const data = await ctx.client.knownBad(query);
    return result(data, JSON.stringify(data, null, 2));
  } catch (err) {
    throw toCliError(err);
  }
}
