// SQL for replication: the records a new one says it replicates, a fork's own best earlier result,
// a class's results for plausibility, the members of replication groups, flags cleared by a replication, and replication candidates.
import { sql, type SQL } from 'drizzle-orm';
import type { Db } from '../db/client.ts';
import { queryRows } from '../db/rows.ts';
import { GROUP_COLUMNS, GROUP_SAMPLE, groupRow, onHarness, type GroupRow } from './noise.repository.ts';

/** What a replication needs of the record it names. */
export interface ReplicationTarget {
  id: string;
  harnessKey: string;
  hardwareClass: string;
  replicates: string | null;
  replicationKey: string | null;
}

export interface ScopedGroupRow extends GroupRow {
  harnessKey: string;
}

/** A class's result as plausibility reads it. */
export interface PeerResult {
  forkId: string;
  keyFingerprint: string;
  valBpb: number;
  tokensM: number | null;
  steps: number | null;
}
interface PeerRow {
  fork_id: string;
  key_fingerprint: string;
  val_bpb: number;
  tokens: string | number | null;
  steps: string | number | null;
}
const num = (v: string | number | null) =>
  v === null || v === undefined || v === '' ? null : Number.isFinite(Number(v)) ? Number(v) : null;
const peer = (r: PeerRow): PeerResult => ({
  forkId: r.fork_id,
  keyFingerprint: r.key_fingerprint,
  valBpb: Number(r.val_bpb),
  tokensM: num(r.tokens),
  steps: num(r.steps),
});

const list = (xs: string[]) =>
  sql`(${sql.join(
    xs.map((x) => sql`${x}`),
    sql`, `,
  )})`;

export class ReplicationRepository {
  constructor(private readonly db: Db) {}

  /** Visible records among `ids` (hidden ones are unknown, as everywhere). */
  async targets(ids: string[], tx: Db = this.db): Promise<Map<string, ReplicationTarget>> {
    if (ids.length === 0) return new Map();
    const rows = await queryRows<{
      id: string;
      harness_key: string;
      hardware_class: string;
      replicates: string | null;
      replication_key: string | null;
    }>(
      tx,
      sql`SELECT id, coalesce(harness_key, harness_id) AS harness_key, hardware_class, replicates, replication_key
          FROM records WHERE id IN ${list(ids)} AND NOT hidden`,
    );
    return new Map(
      rows.map((r) => [
        r.id,
        {
          id: r.id,
          harnessKey: r.harness_key,
          hardwareClass: r.hardware_class,
          replicates: r.replicates,
          replicationKey: r.replication_key,
        },
      ]),
    );
  }

  /** Gives originals without a group the group their replications join (`r:<id>`). */
  async setGroups(groups: { id: string; key: string }[], tx: Db): Promise<void> {
    for (const g of groups)
      await tx.execute(sql`UPDATE records SET replication_key = ${g.key} WHERE id = ${g.id} AND replication_key IS NULL`);
  }

  /** The fork's best earlier val_bpb on this harness key and class (its own history), not counting flagged results. */
  async ownBest(
    scope: { keyFingerprint: string; forkId: string; harnessKey: string; hardwareClass: string },
    tx: Db = this.db,
  ): Promise<number | null> {
    const [row] = await queryRows<{ best: number | null }>(
      tx,
      sql`SELECT min(val_bpb) AS best FROM records
          WHERE key_fingerprint = ${scope.keyFingerprint} AND fork_id = ${scope.forkId} AND coalesce(harness_key, harness_id) = ${scope.harnessKey}
            AND hardware_class = ${scope.hardwareClass} AND val_bpb IS NOT NULL AND NOT flagged AND NOT hidden`,
    );
    return row?.best === null || row?.best === undefined ? null : Number(row.best);
  }

  /**
   * What a class on a harness key holds, for plausibility: its best `top` unflagged keeps (one probe
   * of records_rank_idx) and its `recent` latest results of any status, with their fork and metrics.
   */
  async classResults(
    scope: { harnessKey: string; hardwareClass: string },
    top = 50,
    recent = 500,
    tx: Db = this.db,
  ): Promise<{ best: PeerResult[]; recent: PeerResult[] }> {
    // The metrics are read from the payload of the rows kept only (after the sort and limit), each
    // payload parsed once (OFFSET 0 keeps the planner from copying the cast into both metrics:
    // 500 rows took 20–47 ms that way, 13–25 ms this way).
    const withMetrics = (rows: SQL) =>
      sql`SELECT fork_id, key_fingerprint, val_bpb, m ->> 'total_tokens_m' AS tokens, m ->> 'num_steps' AS steps
          FROM (SELECT fork_id, key_fingerprint, val_bpb, payload::jsonb -> 'metrics' AS m FROM (${rows}) r OFFSET 0) x`;
    const where = sql`coalesce(harness_key, harness_id) = ${scope.harnessKey} AND hardware_class = ${scope.hardwareClass}
      AND val_bpb IS NOT NULL AND NOT flagged AND NOT hidden`;
    const [best, latest] = await Promise.all([
      queryRows<PeerRow>(
        tx,
        withMetrics(sql`SELECT fork_id, key_fingerprint, val_bpb, payload FROM records
          WHERE ${where} AND status = 'keep' AND signed AND replicates IS NULL ORDER BY val_bpb, created_at, seq LIMIT ${top}`),
      ),
      queryRows<PeerRow>(
        tx,
        withMetrics(sql`SELECT fork_id, key_fingerprint, val_bpb, payload FROM records WHERE ${where} ORDER BY seq DESC LIMIT ${recent}`),
      ),
    ]);
    return { best: best.map(peer), recent: latest.map(peer) };
  }

  /** Whether a key has published anything (visible) before. */
  async keyHasHistory(keyFingerprint: string, tx: Db = this.db): Promise<boolean> {
    const rows = await queryRows<{ one: number }>(
      tx,
      sql`SELECT 1 AS one FROM records WHERE key_fingerprint = ${keyFingerprint} AND NOT hidden LIMIT 1`,
    );
    return rows.length > 0;
  }

  /**
   * The best kept, unflagged originals with a parent that are in a group of two or more on this
   * harness key and class, best first: the candidates for its best confirmed result.
   */
  async confirmableKeeps(harnessKey: string, hardwareClass: string, limit: number, tx: Db = this.db): Promise<ScopedGroupRow[]> {
    const rows = await queryRows<Record<string, unknown>>(
      tx,
      sql`SELECT ${GROUP_COLUMNS} FROM records
          WHERE replicated AND coalesce(harness_key, harness_id) = ${harnessKey} AND hardware_class = ${hardwareClass}
            AND val_bpb IS NOT NULL AND signed AND NOT hidden AND status = 'keep' AND NOT flagged AND replicates IS NULL AND parent_val_bpb IS NOT NULL
          ORDER BY val_bpb, created_at, seq LIMIT ${limit}`,
    );
    return rows.map((r) => ({ ...groupRow(r), harnessKey }));
  }

  /**
   * The earliest GROUP_SAMPLE measurements of each of these groups on one harness key and class,
   * without their sizes (records_group_members_idx: no count of a popular group's thousands).
   */
  async samples(harnessKey: string, hardwareClass: string, keys: string[], tx: Db = this.db): Promise<ScopedGroupRow[]> {
    if (keys.length === 0) return [];
    const wanted = sql.join(
      [...new Set(keys)].map((k) => sql`(${k})`),
      sql`, `,
    );
    const rows = await queryRows<Record<string, unknown>>(
      tx,
      sql`SELECT m.* FROM (VALUES ${wanted}) AS g(replication_key)
          CROSS JOIN LATERAL (
            SELECT ${GROUP_COLUMNS} FROM records r
            WHERE r.replication_key = g.replication_key AND r.hardware_class = ${hardwareClass}
              AND ${onHarness(harnessKey)} AND r.val_bpb IS NOT NULL AND r.signed AND NOT r.hidden
            ORDER BY r.seq LIMIT ${GROUP_SAMPLE}) m`,
    );
    return rows.map((r) => ({ ...groupRow(r), harnessKey }));
  }

  /** Of these groups (harness key, class, replication key), those with a stored measurement, as `key\u0000class\u0000group`. */
  async measuredGroups(
    groups: { harnessKey: string; hardwareClass: string; replicationKey: string }[],
    tx: Db = this.db,
  ): Promise<Set<string>> {
    if (groups.length === 0) return new Set();
    const wanted = sql.join(
      groups.map((g) => sql`(${g.harnessKey}, ${g.hardwareClass}, ${g.replicationKey})`),
      sql`, `,
    );
    const rows = await queryRows<{ hk: string; cls: string; key: string }>(
      tx,
      sql`SELECT g.hk, g.cls, g.key FROM (VALUES ${wanted}) AS g(hk, cls, key)
          WHERE EXISTS (SELECT 1 FROM records r
                        WHERE r.replication_key = g.key AND r.hardware_class = g.cls AND (r.harness_key = g.hk OR (r.harness_key IS NULL AND r.harness_id = g.hk))
                          AND r.val_bpb IS NOT NULL AND r.signed AND NOT r.hidden)`,
    );
    return new Set(rows.map((r) => `${r.hk}\u0000${r.cls}\u0000${r.key}`));
  }

  /** What replication bookkeeping needs of stored records (visible, with a group). */
  async replicationFacts(ids: string[]): Promise<{ replicates: string | null; replicationKey: string | null; valBpb: number | null }[]> {
    if (ids.length === 0) return [];
    const rows = await queryRows<{ replicates: string | null; replication_key: string | null; val_bpb: number | null }>(
      this.db,
      sql`SELECT replicates, replication_key, val_bpb FROM records
          WHERE id IN ${list([...new Set(ids)])} AND replication_key IS NOT NULL AND NOT hidden`,
    );
    return rows.map((r) => ({
      replicates: r.replicates,
      replicationKey: r.replication_key,
      valBpb: r.val_bpb === null ? null : Number(r.val_bpb),
    }));
  }

  /** Runs `fn` in one transaction on this repository's database. */
  inTransaction<T>(fn: (tx: Db) => Promise<T>): Promise<T> {
    return this.db.transaction((tx) => fn(tx as unknown as Db));
  }

  /**
   * Marks the measurements of these groups that now have two or more (per harness key and class)
   * as `replicated`, and returns the groups' flagged measurements, in one statement (one round
   * trip; the flags read are those before the marking, which does not change them).
   * `skipLocked`: rows another transaction holds (an idea assignment writing them) are left for the
   * caller's fallback instead of waited for.
   */
  async markGroups(keys: string[], tx: Db, opts: { skipLocked?: boolean } = {}): Promise<ScopedGroupRow[]> {
    if (keys.length === 0) return [];
    const inKeys = list([...new Set(keys)]);
    // Only the members not yet marked are visited (a popular group's marked thousands are not).
    const rows = await queryRows<Record<string, unknown>>(
      tx,
      sql`WITH marked AS (
            UPDATE records SET replicated = true WHERE id IN (
              SELECT r.id FROM records r
              WHERE r.replication_key IN ${inKeys} AND NOT r.replicated AND r.val_bpb IS NOT NULL AND r.signed AND NOT r.hidden
                -- A probe per row (LIMIT keeps the planner from hashing the whole group for a semi-join).
                AND (SELECT 1 FROM records o
                     WHERE o.replication_key = r.replication_key AND o.hardware_class = r.hardware_class
                       AND coalesce(o.harness_key, o.harness_id) = coalesce(r.harness_key, r.harness_id) AND o.id <> r.id
                       AND o.val_bpb IS NOT NULL AND o.signed AND NOT o.hidden
                     LIMIT 1) IS NOT NULL
              FOR UPDATE${sql.raw(opts.skipLocked ? ' SKIP LOCKED' : '')}))
          SELECT ${GROUP_COLUMNS}, coalesce(harness_key, harness_id) AS harness_key FROM records
          WHERE replication_key IN ${inKeys} AND flagged AND val_bpb IS NOT NULL AND signed AND NOT hidden`,
    );
    return rows.map((r) => ({ ...groupRow(r), harnessKey: String(r.harness_key) }));
  }

  /** Whether another key measured the same train.py (harness key, class) within `band` of this flagged record. */
  async agreedByOtherKey(f: ScopedGroupRow, band: number, tx: Db): Promise<boolean> {
    const rows = await queryRows<{ one: number }>(
      tx,
      sql`SELECT 1 AS one FROM records
          WHERE replication_key = ${f.replicationKey} AND hardware_class = ${f.hardwareClass} AND coalesce(harness_key, harness_id) = ${f.harnessKey}
            AND key_fingerprint <> ${f.keyFingerprint} AND val_bpb BETWEEN ${f.valBpb - band} AND ${f.valBpb + band} AND signed AND NOT hidden
          LIMIT 1`,
    );
    return rows.length > 0;
  }

  /** Clears the flag (and its reason) of these records; returns those cleared. */
  async unflag(ids: string[], tx: Db): Promise<string[]> {
    if (ids.length === 0) return [];
    const rows = await queryRows<{ id: string }>(
      tx,
      sql`UPDATE records SET flagged = false, flag_reason = NULL WHERE id IN ${list(ids)} AND flagged RETURNING id`,
    );
    return rows.map((r) => r.id);
  }

  /**
   * Replication candidates of a harness key: per class the best `perClass` kept, unflagged
   * originals (not replications, with a parent), through records_rank_idx, and every flagged keep.
   */
  async candidates(
    harnessKey: string,
    hardwareClass: string | undefined,
    perClass: number,
  ): Promise<(ScopedGroupRow & { description: string; deltaValBpb: number | null })[]> {
    const cls = hardwareClass ? sql`AND hardware_class = ${hardwareClass}` : sql``;
    const cols = sql.raw(
      'id, hardware_class, hardware_family, replication_key, key_fingerprint, val_bpb, parent_val_bpb, status, flagged, replicates, replicated, created_at, description, delta_val_bpb',
    );
    const rows = await queryRows<Record<string, unknown>>(
      this.db,
      sql`SELECT best.* FROM (SELECT DISTINCT hardware_class FROM board_counts WHERE harness_key = ${harnessKey} AND keeps > 0 ${cls}) c
          CROSS JOIN LATERAL (
            SELECT ${cols} FROM records
            WHERE coalesce(harness_key, harness_id) = ${harnessKey} AND hardware_class = c.hardware_class
              AND status = 'keep' AND val_bpb IS NOT NULL AND NOT flagged AND NOT hidden AND signed
              AND replicates IS NULL AND parent_val_bpb IS NOT NULL
            ORDER BY val_bpb, created_at, seq LIMIT ${perClass}) best
          UNION ALL
          SELECT ${cols} FROM records
          WHERE flagged AND coalesce(harness_key, harness_id) = ${harnessKey} ${cls} AND status = 'keep' AND val_bpb IS NOT NULL
            AND NOT hidden AND signed AND replicates IS NULL`,
    );
    return rows.map((r) => ({
      ...groupRow({ ...r, replication_key: r.replication_key ?? '' }),
      replicationKey: (r.replication_key as string | null) ?? '',
      harnessKey,
      description: String(r.description),
      deltaValBpb: r.delta_val_bpb === null ? null : Number(r.delta_val_bpb),
    }));
  }
}
