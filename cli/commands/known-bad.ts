// `crossfork known-bad`: ideas that keep failing on this hardware class, as markdown for a prompt or JSON.
import type { Context } from '../lib/context.ts';
import { toCliError } from '../lib/api-errors.ts';
import { askingContext } from '../lib/asking.ts';
import type { HardwareFlags } from '../lib/hardware.ts';
import type { HarnessFlags } from '../lib/harness.ts';
import { usageError } from '../lib/errors.ts';
import { result } from '../lib/result.ts';
import { hardwareClass } from '../../server/protocol/hardware-class.ts';

interface Opts extends HardwareFlags, HarnessFlags {
  format: 'md' | 'json';
  repo: string;
  hardwareClass?: string;
  allHardware?: boolean;
  limit: string;
}

export default async function knownBad(ctx: Context, _args: unknown[], opts: Opts) {
  await ctx.flushOutbox().catch(() => null);
  const limit = Number(opts.limit);
  if (!Number.isInteger(limit) || limit < 1 || limit > 200) throw usageError('--limit must be an integer from 1 to 200');
  const { hardware, harness } = await askingContext(ctx, opts);
  const query = {
    harness: harness.id,
    hardware_class: opts.allHardware ? undefined : (opts.hardwareClass ?? hardwareClass(hardware)),
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
