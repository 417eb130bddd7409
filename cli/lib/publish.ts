// Signing records and publishing them through the outbox: every envelope is on disk before it is
// sent, then the outbox is delivered in batches with a progress bar on stderr.
import cliProgress from 'cli-progress';
import { contentId } from '../../server/protocol/canonical.ts';
import { sealEnvelope } from '../../server/protocol/envelope.ts';
import type { Envelope } from './api-client.ts';
import type { Context } from './context.ts';
import type { DeliveryReport } from './outbox.ts';
import type { KeySigner } from './signer.ts';
import { DATASET_LICENCE } from '../../server/protocol/dataset.schema.ts';

export interface Signed {
  id: string;
  envelope: Envelope;
}

/** Signs payloads (in order; ssh-keygen signing runs a few at a time). */
export async function signAll(payloads: object[], signer: KeySigner): Promise<Signed[]> {
  const out: Signed[] = new Array(payloads.length);
  const width = signer.kind === 'inprocess' ? 1 : 4;
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(width, payloads.length) }, async () => {
      while (next < payloads.length) {
        const i = next++;
        const envelope = await sealEnvelope(payloads[i], signer.sign, signer.publicKey);
        out[i] = { id: contentId(payloads[i]), envelope };
      }
    }),
  );
  return out;
}

/** Delivers the whole outbox (earlier leftovers included) with a progress bar when stderr is a terminal. */
export async function deliverWithProgress(ctx: Context, label = 'publishing'): Promise<DeliveryReport> {
  const total = ctx.outbox.pending();
  const tty = Boolean(ctx.stderr.isTTY) && total > 0;
  const bar = tty
    ? new cliProgress.SingleBar(
        { stream: ctx.stderr, format: `${label} [{bar}] {value}/{total} records`, hideCursor: true },
        cliProgress.Presets.shades_classic,
      )
    : null;
  // Said at publish time: the terms every record goes out under (docs/dataset.md).
  if (total > 0) ctx.log(DATASET_LICENCE.line);
  bar?.start(total, 0);
  let sent = 0;
  const report = await ctx.outbox.deliver(ctx.client, (n) => {
    sent += n;
    if (bar) bar.update(sent);
    else if (total > 1000) ctx.log(`${label}: ${sent}/${total} records`);
  });
  bar?.stop();
  return report;
}
