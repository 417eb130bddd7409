// `crossfork claim "<idea>"`: a signed, short-lived reservation of an idea while it trains.
import { CLAIM_MAX_TTL_S, CLAIM_SCHEMA } from '../../server/protocol/claim.schema.ts';
import { sealEnvelope } from '../../server/protocol/envelope.ts';
import type { Context } from '../lib/context.ts';
import { toCliError } from '../lib/api-errors.ts';
import { usageError } from '../lib/errors.ts';
import { askingContext, ideaText } from '../lib/asking.ts';
import type { HardwareFlags } from '../lib/hardware.ts';
import type { HarnessFlags } from '../lib/harness.ts';
import { readArgFile } from '../lib/read-file.ts';
import { result } from '../lib/result.ts';
import { loadSigner } from '../lib/signer.ts';

interface Opts extends HardwareFlags, HarnessFlags {
  diff?: string;
  ttl: string;
  repo: string;
}

export default async function claim(ctx: Context, [idea]: [string], opts: Opts) {
  const ttl = Number(opts.ttl);
  if (!Number.isInteger(ttl) || ttl < 1 || ttl > CLAIM_MAX_TTL_S) throw usageError(`--ttl must be an integer from 1 to ${CLAIM_MAX_TTL_S}`);
  if (!idea.trim()) throw usageError('the idea is empty: say in words what you will change');
  const { hardware, harness } = await askingContext(ctx, opts);
  const signer = loadSigner(ctx.config);
  await ctx.flushOutbox().catch(() => null);
  const payload = {
    schema: CLAIM_SCHEMA,
    created_at: new Date().toISOString(),
    description: ideaText(ctx, idea),
    diff: opts.diff ? readArgFile(opts.diff, 'the diff') : null,
    harness_id: harness.id,
    hardware,
    ttl_s: ttl,
  };
  try {
    const ack = await ctx.client.claim(await sealEnvelope(payload, signer.sign, signer.publicKey));
    const lines = [`claimed until ${ack.expires_at} on ${ack.hardware_class}`];
    for (const s of ack.similar)
      lines.push(`- also in flight (${s.via}): "${s.description.slice(0, 80)}" by ${s.key_fingerprint} until ${s.expires_at}`);
    return result(ack, lines.join('\n'));
  } catch (err) {
    throw toCliError(err);
  }
}
