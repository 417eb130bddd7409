// SQL for the `records` table: insert (idempotent by id; with their jobs in one statement), fetch, filtered pages.
import { and, desc, eq, inArray, lt, sql, type SQL } from 'drizzle-orm';
import type { Db } from '../db/client.ts';
import { records, type NewRecordRow, type RecordRow } from '../db/schema/records.ts';
import { jsonInsert } from '../db/json-insert.ts';
import { queryRows } from '../db/rows.ts';
import { enqueueSelected } from './job.repository.ts';

export interface RecordFilter {
  harnessId?: string;
  hardwareClass?: string;
  status?: string;
  keyFingerprint?: string;
  /** Only signed (true) or only unsigned public-log (false) records. */
  signed?: boolean;
  ideaId?: string;
  /** Only rows older than this insertion sequence number (the page cursor). */
  beforeSeq?: number;
  limit: number;
}

export class RecordRepository {
  constructor(private readonly db: Db) {}

  /**
   * Inserts rows in one statement inside the caller's transaction (or its own), skipping ids
   * already stored. Returns the ids that were newly inserted.
   */
  async insertMany(rows: NewRecordRow[], tx: Db = this.db): Promise<Set<string>> {
    if (rows.length === 0) return new Set();
    const fast = jsonInsert(records, rows, { conflict: 'id', returning: 'id' });
    if (fast) return new Set((await queryRows<{ id: string }>(tx, fast)).map((r) => r.id));
    const inserted = await tx.insert(records).values(rows).onConflictDoNothing({ target: records.id }).returning({ id: records.id });
    return new Set(inserted.map((r) => r.id));
  }

  /**
   * Inserts rows, skipping ids already stored, and queues a job of `jobKind` for each row inserted,
   * in one statement: atomic without a transaction, one round trip. Returns the ids newly inserted,
   * or null when the rows need drizzle's builder (see jsonInsert): then insertMany and the job
   * queue's enqueue in one transaction do the same.
   */
  async insertQueued(rows: NewRecordRow[], jobKind: string, tx: Db = this.db): Promise<Set<string> | null> {
    if (rows.length === 0) return new Set();
    const insert = jsonInsert(records, rows, { conflict: 'id', returning: 'id' });
    if (!insert) return null;
    const inserted = await queryRows<{ id: string }>(
      tx,
      sql`WITH inserted AS (${insert}),
           queued AS (${enqueueSelected(jobKind, sql`SELECT id AS subject, row_number() OVER () AS n FROM inserted`)})
         SELECT id FROM inserted`,
    );
    return new Set(inserted.map((r) => r.id));
  }

  async findById(id: string): Promise<RecordRow | undefined> {
    const [row] = await this.db
      .select()
      .from(records)
      .where(and(eq(records.id, id), eq(records.hidden, false)))
      .limit(1);
    return row;
  }

  async findByIds(ids: string[]): Promise<RecordRow[]> {
    if (ids.length === 0) return [];
    return this.db.select().from(records).where(inArray(records.id, ids));
  }

  async list(filter: RecordFilter): Promise<RecordRow[]> {
    const where: SQL[] = [eq(records.hidden, false)];
    if (filter.harnessId) where.push(eq(records.harnessId, filter.harnessId));
    if (filter.hardwareClass) where.push(eq(records.hardwareClass, filter.hardwareClass));
    if (filter.status) where.push(eq(records.status, filter.status));
    if (filter.keyFingerprint) where.push(eq(records.keyFingerprint, filter.keyFingerprint));
    if (filter.signed !== undefined) where.push(eq(records.signed, filter.signed));
    if (filter.ideaId !== undefined) where.push(eq(records.ideaId, filter.ideaId));
    if (filter.beforeSeq !== undefined) where.push(lt(records.seq, filter.beforeSeq));
    return this.db
      .select()
      .from(records)
      .where(and(...where))
      .orderBy(desc(records.seq))
      .limit(filter.limit);
  }

  async count(): Promise<number> {
    const [row] = await this.db.select({ n: sql<number>`count(*)::int` }).from(records);
    return Number(row.n);
  }
}
