// Ingests signed records (verify → derive → store durably) and serves them back.
import { EnvelopeError, openEnvelope, parseEnvelope, type ParsedEnvelope } from '../protocol/envelope.ts';
import type { Verifier } from '../verify/verifier.ts';
import type { JobRepository } from '../repositories/job.repository.ts';
import { JOB_ASSIGN_IDEA } from '../jobs/kinds.ts';
import { RECORD_SCHEMA, recordPayloadSchema, type RecordPayload } from '../protocol/record.schema.ts';
import { batchSchema } from '../protocol/envelope.schema.ts';
import { describeIssues, fieldIssues } from '../protocol/issues.ts';
import type { RecordView } from '../protocol/api.schema.ts';
import type { Db } from '../db/client.ts';
import type { NewRecordRow, RecordRow } from '../db/schema/records.ts';
import type { RecordFilter, RecordRepository } from '../repositories/record.repository.ts';
import { DomainError, InvalidBatchError, InvalidCursorError, NotFoundError, RevokedKeyError, type ExpectedError } from './errors.ts';
import type { LoginLookup } from './login-lookup.ts';
import { recordRow, recordView } from './record.views.ts';
import type { RevokedKeyRepository } from '../repositories/revoked-key.repository.ts';
import type { ReplicationService } from './replication.service.ts';

export interface SubmitResult {
  id: string;
  duplicate: boolean;
  record: RecordView;
}
export type BatchItem = { id: string; status: 'created' | 'duplicate' } | { id: string | null; status: 'rejected'; error: ExpectedError };

export interface ListQuery extends Omit<RecordFilter, 'beforeSeq'> {
  cursor?: string;
}

export class RecordsService {
  constructor(
    private readonly deps: {
      db: Db;
      records: RecordRepository;
      /** The same over the read handle (a replica may trail the primary): lists and look-ups. */
      reads?: RecordRepository;
      jobs: JobRepository;
      verifier: Verifier;
      /** Revoked keys may not write (their records are hidden). */
      revoked?: Pick<RevokedKeyRepository, 'revokedAmong'>;
      /** Called after records were committed, to wake the idea-assignment worker. */
      onStored?: (created: number) => void;
      /** GitHub logins linked to keys, shown on records. */
      logins?: LoginLookup;
      /** Links replications, flags implausible results and clears replicated ones; says how records stand. */
      replication?: Pick<ReplicationService, 'admit' | 'afterInsert' | 'annotate'>;
    },
  ) {}

  /** Verifies and stores one envelope; resolves only once the row is committed. */
  async submit(raw: unknown): Promise<SubmitResult> {
    const opened = recordRow(openEnvelope(raw, RECORD_SCHEMA, recordPayloadSchema));
    if ((await this.revoked([opened])).size) throw keyRevoked(opened.keyFingerprint);
    const [row] = this.deps.replication ? await this.deps.replication.admit([opened]) : [opened];
    if (row instanceof DomainError) throw row;
    const created = await this.store([row]);
    const stored = await this.deps.records.findById(row.id);
    if (!stored) throw new Error(`record ${row.id} vanished after insert`);
    return { id: row.id, duplicate: !created.has(row.id), record: (await this.views([stored]))[0] };
  }

  /** Verifies each envelope of `{records: [...]}` on its own; stores the good ones in one transaction. */
  async submitBatch(body: unknown): Promise<BatchItem[]> {
    const parsed = batchSchema.safeParse(body);
    if (!parsed.success) {
      const issues = fieldIssues(parsed.error);
      throw new InvalidBatchError(`invalid batch: ${describeIssues(issues)}`, issues);
    }
    const items = parsed.data.records.map((raw): BatchItem | ParsedEnvelope<RecordPayload> => {
      try {
        return parseEnvelope(raw, RECORD_SCHEMA, recordPayloadSchema);
      } catch (err) {
        if (err instanceof EnvelopeError) return { id: null, status: 'rejected', error: err };
        throw err;
      }
    });
    const toVerify = items.filter(isParsed);
    const outcomes = await this.deps.verifier.verify(toVerify);
    let next = 0; // outcomes follow toVerify, which follows items
    const results = items.map((item): BatchItem | NewRecordRow => {
      if (!isParsed(item)) return item;
      const outcome = outcomes[next++];
      if (!outcome.ok) return { id: item.id, status: 'rejected', error: new EnvelopeError('bad-signature', outcome.message) };
      return recordRow({ ...item, key: outcome.key });
    });
    const revoked = await this.revoked(results.filter((r): r is NewRecordRow => 'payload' in r));
    if (revoked.size) {
      for (const [i, r] of results.entries()) {
        if ('payload' in r && revoked.has(r.keyFingerprint))
          results[i] = { id: r.id!, status: 'rejected', error: keyRevoked(r.keyFingerprint) };
      }
    }
    if (this.deps.replication) {
      const at = results.flatMap((r, i) => ('payload' in r ? [i] : []));
      const admitted = await this.deps.replication.admit(at.map((i) => results[i] as NewRecordRow));
      at.forEach((i, j) => {
        const a = admitted[j];
        results[i] = a instanceof DomainError ? { id: (results[i] as NewRecordRow).id!, status: 'rejected', error: a } : a;
      });
    }
    const rows = results.filter((r): r is NewRecordRow => 'payload' in r);
    const unique = [...new Map(rows.map((r) => [r.id, r])).values()];
    const created = await this.store(unique);
    const claimed = new Set<string>();
    return results.map((r) => {
      if (!('payload' in r)) return r;
      // The first occurrence of a new id is "created"; repeats within the batch are duplicates.
      const isNew = created.has(r.id) && !claimed.has(r.id);
      claimed.add(r.id);
      return { id: r.id, status: isNew ? 'created' : 'duplicate' };
    });
  }

  /** One record; one the replica does not have yet (just written through any server) comes from the primary. */
  async get(id: string): Promise<RecordView> {
    const valid = /^[0-9a-f]{64}$/.test(id);
    const reads = this.deps.reads ?? this.deps.records;
    let row = valid ? await reads.findById(id) : undefined;
    if (valid && !row && reads !== this.deps.records) row = await this.deps.records.findById(id);
    if (!row) throw new NotFoundError(`record ${id.slice(0, 80)}`);
    return (await this.views([row]))[0];
  }

  async list(query: ListQuery): Promise<{ records: RecordView[]; next_cursor: string | null }> {
    const beforeSeq = query.cursor === undefined ? undefined : decodeCursor(query.cursor);
    const rows = await (this.deps.reads ?? this.deps.records).list({ ...query, beforeSeq, limit: query.limit + 1 });
    const page = rows.slice(0, query.limit);
    const more = rows.length > query.limit;
    return { records: await this.views(page), next_cursor: more ? encodeCursor(page[page.length - 1].seq) : null };
  }

  private async views(rows: RecordRow[]): Promise<RecordView[]> {
    const [logins, replication] = await Promise.all([
      this.deps.logins ? this.deps.logins.loginsOf(rows.map((r) => r.keyFingerprint)) : undefined,
      this.deps.replication?.annotate(rows),
    ]);
    return rows.map((r) => recordView(r, logins, replication));
  }

  private async revoked(rows: NewRecordRow[]): Promise<Set<string>> {
    if (!this.deps.revoked || rows.length === 0) return new Set();
    return this.deps.revoked.revokedAmong([...new Set(rows.map((r) => r.keyFingerprint))]);
  }

  /**
   * Inserts the rows and their idea-assignment jobs in one statement (nothing lost between them),
   * then, committed, the replication bookkeeping (groups marked, flags cleared), statement by
   * statement: each member it marks is locked only while its statement runs, and the request does
   * not wait for members an idea assignment is writing (it skips them). Each record's assign-idea
   * job settles it again, so a crash in between loses nothing. Under load every round trip waits
   * its turn on a busy event loop: a publish makes two here, where a transaction each made eight.
   */
  private async store(rows: NewRecordRow[]): Promise<Set<string>> {
    const created =
      (await this.deps.records.insertQueued(rows, JOB_ASSIGN_IDEA)) ??
      (await this.deps.db.transaction(async (txRaw) => {
        const tx = txRaw as unknown as Db;
        const ids = await this.deps.records.insertMany(rows, tx);
        await this.deps.jobs.enqueue(JOB_ASSIGN_IDEA, [...ids], tx);
        return ids;
      }));
    if (this.deps.replication && created.size)
      await this.deps.replication.afterInsert(
        rows.filter((r) => created.has(r.id!)),
        this.deps.db,
        { skipLocked: true },
      );
    if (created.size) this.deps.onStored?.(created.size);
    return created;
  }
}

function keyRevoked(fingerprint: string): RevokedKeyError {
  return new RevokedKeyError(fingerprint, '; its records are hidden and it may not publish');
}

function isParsed(item: BatchItem | ParsedEnvelope<RecordPayload>): item is ParsedEnvelope<RecordPayload> {
  return 'canonical' in item;
}

function encodeCursor(seq: number): string {
  return Buffer.from(`s${seq}`).toString('base64url');
}

function decodeCursor(cursor: string): number {
  const m = /^s(\d{1,15})$/.exec(Buffer.from(cursor, 'base64url').toString());
  if (!m) throw new InvalidCursorError();
  return Number(m[1]);
}
