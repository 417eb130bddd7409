// `crossfork sync`: delivers what the outbox holds; the server's duplicate answer counts as delivered.
import type { Context } from '../lib/context.ts';
import { queuedMessage } from '../lib/outbox.ts';
import { deliverWithProgress } from '../lib/publish.ts';
import { result } from '../lib/result.ts';

export default async function sync(ctx: Context) {
  const before = ctx.outbox.pending();
  const report = before === 0 ? null : await deliverWithProgress(ctx, 'syncing');
  const data = {
    pending_before: before,
    created: report?.created ?? 0,
    duplicate: report?.duplicate ?? 0,
    rejected: report?.rejected ?? [],
    queued: report?.queued ?? 0,
    outbox: ctx.outbox.dir,
    server_error: report?.error ?? null,
  };
  const lines = [
    before === 0
      ? 'the outbox is empty: nothing to send'
      : `delivered ${data.created + data.duplicate} of ${before} queued records (${data.created} new, ${data.duplicate} the server already had)`,
  ];
  for (const r of data.rejected)
    lines.push(`refused by the server: ${r.description.slice(0, 60)}: ${r.reason} (kept in ${ctx.outbox.dir}/rejected)`);
  const q = report && queuedMessage(report);
  if (q) lines.push(`${q}${report!.error ? ` (${report!.error})` : ''}`);
  // Nothing could be sent: an expected failure (exit 1), still with the full report.
  return { ...result(data, lines.join('\n')), exitCode: report?.error ? 1 : 0 };
}
