// The outbox: signed envelopes the server has not acknowledged, kept on disk (one JSONL file per
// batch, written atomically) until delivered. Ids are content hashes, so redelivery is idempotent.
import { randomBytes } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';
import { contentId } from '../../server/protocol/canonical.ts';
import { LIMITS } from '../../server/protocol/limits.ts';
import { ApiError, UnreachableError, type ApiClient, type Envelope } from './api-client.ts';
import { writeFileAtomic } from './config.ts';

export interface Rejected {
  id: string;
  reason: string;
  description: string;
}

export interface DeliveryReport {
  created: number;
  duplicate: number;
  rejected: Rejected[];
  /** Envelopes still in the outbox after this delivery. */
  queued: number;
  outbox: string;
  /** Why delivery stopped early (server unreachable or failing), or null. */
  error: string | null;
}

/** Largest request body the client sends (the server's default limit is 32 MiB). */
const MAX_BODY_BYTES = 16 * 1024 * 1024;

export class Outbox {
  readonly dir: string;
  constructor(home: string) {
    this.dir = join(home, 'outbox');
  }

  /** Stores envelopes durably before any delivery attempt; returns their ids. */
  add(envelopes: Envelope[]): string[] {
    if (envelopes.length === 0) return [];
    const lines = envelopes.map((e) => JSON.stringify(e));
    const name = `${Date.now().toString().padStart(15, '0')}-${randomBytes(4).toString('hex')}.jsonl`;
    writeFileAtomic(join(this.dir, name), `${lines.join('\n')}\n`, 0o600);
    return envelopes.map((e) => contentId(e.payload));
  }

  files(): string[] {
    try {
      return readdirSync(this.dir)
        .filter((f) => f.endsWith('.jsonl'))
        .sort();
    } catch {
      return [];
    }
  }

  pending(): number {
    return this.files().reduce((n, f) => n + this.read(f).length, 0);
  }

  private read(file: string): Envelope[] {
    let text: string;
    try {
      text = readFileSync(join(this.dir, file), 'utf8');
    } catch {
      return [];
    }
    return text
      .split('\n')
      .filter(Boolean)
      .flatMap((l) => {
        try {
          return [JSON.parse(l) as Envelope];
        } catch {
          return []; // a torn line cannot exist (atomic writes); skip rather than block the queue
        }
      });
  }

  /**
   * Sends everything pending, oldest first, a few batches in flight; stops at the first transport
   * failure, keeping what was not acknowledged. Files are rewritten once their envelopes are settled.
   */
  async deliver(
    client: ApiClient,
    onProgress?: (sent: number) => void,
    opts: { batch?: number; concurrency?: number } = {},
  ): Promise<DeliveryReport> {
    const report: DeliveryReport = { created: 0, duplicate: 0, rejected: [], queued: 0, outbox: this.dir, error: null };
    const files = this.files().map((name) => ({ name, envelopes: this.read(name), settled: new Set<number>() }));
    const items = files.flatMap((f) => f.envelopes.map((env, i) => ({ env, settle: () => f.settled.add(i) })));
    const chunks = takeChunks(items, opts.batch ?? (Number(process.env.CROSSFORK_BATCH) || 250));
    let next = 0;
    const settleResult = (item: (typeof items)[number], r: { status: string; error?: { detail?: string } }) => {
      if (r.status === 'created') report.created++;
      else if (r.status === 'duplicate') report.duplicate++;
      else this.reject(item.env, r.error?.detail ?? 'rejected', report);
      item.settle();
    };
    const worker = async () => {
      while (next < chunks.length && report.error === null) {
        const chunk = chunks[next++];
        try {
          const { results } = await client.postBatch(chunk.map((c) => c.env));
          results.forEach((r, i) => settleResult(chunk[i], r));
          onProgress?.(chunk.length);
        } catch (err) {
          if (!(err instanceof ApiError) || err.status >= 500 || err.status === 429) {
            if (!(err instanceof ApiError) && !(err instanceof UnreachableError)) throw err;
            report.error ??= err.message;
            return;
          }
          // The whole batch was refused (e.g. 413): one at a time, so one bad item cannot block the rest.
          for (const item of chunk) {
            try {
              settleResult(item, (await client.postBatch([item.env])).results[0]);
            } catch (e) {
              if (e instanceof ApiError && e.status < 500 && e.status !== 429) {
                this.reject(item.env, e.detail, report);
                item.settle();
              } else {
                report.error ??= (e as Error).message;
                return;
              }
            }
          }
          onProgress?.(chunk.length);
        }
      }
    };
    try {
      await Promise.all(Array.from({ length: Math.max(1, opts.concurrency ?? (Number(process.env.CROSSFORK_CONCURRENCY) || 3)) }, worker));
    } finally {
      for (const f of files)
        if (f.settled.size > 0)
          this.rewrite(
            f.name,
            f.envelopes.filter((_, i) => !f.settled.has(i)),
          );
    }
    report.queued = this.pending();
    return report;
  }

  private rewrite(file: string, left: Envelope[]) {
    const path = join(this.dir, file);
    if (left.length === 0) unlinkSync(path);
    else writeFileAtomic(path, `${left.map((e) => JSON.stringify(e)).join('\n')}\n`, 0o600);
  }

  /** A record the server refused (schema, signature) is kept aside in outbox/rejected/, never retried. */
  private reject(env: Envelope, reason: string, report: DeliveryReport) {
    const id = contentId(env.payload);
    mkdirSync(join(this.dir, 'rejected'), { recursive: true });
    writeFileAtomic(join(this.dir, 'rejected', `${id}.json`), JSON.stringify({ reason, envelope: env }, null, 2), 0o600);
    report.rejected.push({ id, reason, description: String((env.payload as { description?: unknown }).description ?? '') });
  }
}

function takeChunks<T extends { env: Envelope }>(items: T[], batch: number): T[][] {
  const chunks: T[][] = [];
  let current: T[] = [];
  let bytes = 0;
  for (const item of items) {
    const size = JSON.stringify(item.env).length;
    if (current.length > 0 && (current.length >= Math.min(batch, LIMITS.batchRecords) || bytes + size > MAX_BODY_BYTES)) {
      chunks.push(current);
      current = [];
      bytes = 0;
    }
    current.push(item);
    bytes += size;
  }
  if (current.length) chunks.push(current);
  return chunks;
}

/** The sentence every command prints when records stay queued. */
export function queuedMessage(report: Pick<DeliveryReport, 'queued' | 'outbox'>): string | null {
  if (report.queued === 0) return null;
  const n = report.queued;
  return `${n} record${n === 1 ? '' : 's'} queued in ${report.outbox}; they will be sent by \`crossfork sync\` or the next command`;
}
