// The `records` table: one experiment record, with the columns the server derives. Signed records
// carry their signature and key; unsigned ones (public logs read from GitHub) carry a provenance.
import { sql } from 'drizzle-orm';
import { bigint, boolean, check, doublePrecision, index, jsonb, pgTable, text, timestamp } from 'drizzle-orm/pg-core';

export const records = pgTable(
  'records',
  {
    id: text('id').primaryKey(),
    // Insertion order, used as the pagination cursor (stable across equal timestamps).
    seq: bigint('seq', { mode: 'number' }).generatedAlwaysAsIdentity().notNull(),
    // The canonical JSON of the signed payload, byte for byte what the id hashes.
    payload: text('payload').notNull(),
    // Null for unsigned records (signed = false).
    signature: text('signature'),
    publicKey: text('public_key'),
    // The signing key's fingerprint; for an unsigned record, its source `github:OWNER/REPO`
    // (so each fork counts as one contributor in evidence).
    keyFingerprint: text('key_fingerprint').notNull(),
    signed: boolean('signed').notNull().default(true),
    // Where an unsigned record was read: `github:OWNER/REPO@COMMIT`; null for signed records.
    provenance: text('provenance'),
    harnessId: text('harness_id').notNull(),
    harnessName: text('harness_name').notNull(),
    hardwareClass: text('hardware_class').notNull(),
    // Derived: hardware that trains alike, and how it is driven (hardware-family.ts); the harness
    // its val_bpb is comparable under (equivalent upstream prepare.py versions share one key).
    hardwareFamily: text('hardware_family'),
    acceleratorKind: text('accelerator_kind'),
    harnessKey: text('harness_key'),
    status: text('status').notNull(),
    description: text('description').notNull(),
    valBpb: doublePrecision('val_bpb'),
    parentValBpb: doublePrecision('parent_val_bpb'),
    deltaValBpb: doublePrecision('delta_val_bpb'),
    forkId: text('fork_id').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull(),
    receivedAt: timestamp('received_at', { withTimezone: true, mode: 'date' })
      .notNull()
      .default(sql`now()`),
    // Set by the idea-assignment job: the idea, and the keys it was matched by.
    ideaId: text('idea_id'),
    diffKey: text('diff_key'),
    paramKey: text('param_key'),
    // What the record changed, as the catalogue understands it ([{concept, action, from, to}]),
    // and the derivation it was computed with (re-derived in the background when that changes).
    changes: jsonb('changes').$type<{ concept: string; action: string; from: string | null; to: string | null }[]>(),
    derivedVersion: text('derived_version'),
    // Why it does not count as evidence (catalogue/evidence-exclusion.ts): 'invalid' | 'baseline' | 'no_parent';
    // null when it counts. Derived with the changes; the record is still shown.
    evidenceExcluded: text('evidence_excluded').$type<'invalid' | 'baseline' | 'no_parent'>(),
    // Derived from payload.hardware: compares memory sizes across classes (OOM evidence).
    memoryGb: doublePrecision('memory_gb'),
    // Implausible (PLAUSIBILITY: far beyond its class's best confirmed result and its own fork's
    // history). Stored, shown, but off the leaderboard until another key replicates it within the noise band.
    flagged: boolean('flagged').notNull().default(false),
    // Why it was flagged (plausibility.ts): the rule and the numbers it was judged by; null when not flagged.
    flagReason: text('flag_reason'),
    // Its key was revoked: hidden from every list, aggregate and look-up.
    hidden: boolean('hidden').notNull().default(false),
    // The record this one replicates (payload `replicates`, resolved to the original when that
    // was itself a replication), and the replication group: records that ran the same train.py
    // (`s:<parent train.py sha256>:<diff key>`, or `r:<original id>` for a replicated record that
    // says nothing of its train.py); null when neither is known.
    replicates: text('replicates'),
    replicationKey: text('replication_key'),
    // Its group on this harness key and class holds two or more measurements: only these rows are
    // read by the noise model (most records are never replicated).
    replicated: boolean('replicated').notNull().default(false),
  },
  (t) => [
    index('records_seq_idx').on(t.seq),
    // The leaderboard by harness key: each class's best keep (one probe), and its history (index only).
    index('records_rank_idx')
      .on(sql`coalesce(${t.harnessKey}, ${t.harnessId})`, t.hardwareClass, t.valBpb, t.createdAt, t.seq)
      .where(sql`${t.status} = 'keep' AND ${t.valBpb} IS NOT NULL AND NOT ${t.flagged} AND NOT ${t.hidden} AND ${t.signed}`),
    // (harness_key and harness_id themselves too: without them the planner will not scan the index alone.)
    index('records_history_idx')
      .on(
        sql`coalesce(${t.harnessKey}, ${t.harnessId})`,
        t.hardwareClass,
        t.createdAt,
        t.seq,
        t.valBpb,
        t.id,
        t.harnessKey,
        t.harnessId,
        t.replicates,
      )
      .where(sql`${t.status} = 'keep' AND ${t.valBpb} IS NOT NULL AND NOT ${t.flagged} AND NOT ${t.hidden} AND ${t.signed}`),
    index('records_key_idx').on(t.keyFingerprint, t.seq),
    index('records_class_idx').on(t.hardwareClass, t.seq),
    // The ideas a fork already tried (suggestions leave them out).
    index('records_fork_idea_idx').on(t.forkId, t.ideaId),
    // Serves idea look-ups, an idea's records in order, and evidence recomputation.
    index('records_idea_idx').on(t.ideaId, t.seq),
    // Whether an idea already has a description (its document lists each once); md5 keeps long ones indexable.
    index('records_idea_description_idx').on(sql`md5(${t.ideaId} || chr(10) || ${t.description})`),
    // Flagged records are rare: the replication queue lists them from here.
    index('records_flagged_idx')
      .on(t.ideaId)
      .where(sql`${t.flagged}`),
    // The earliest assigned record of a diff or parameter key (idea assignment, check's exact change).
    index('records_diff_key_seq_idx').on(t.diffKey, t.seq),
    index('records_param_key_seq_idx').on(t.paramKey, t.seq),
    index('records_derived_idx').on(t.derivedVersion, t.seq),
    // The noise model and confirmations: a harness's replicated measurements, by group; a group's
    // measurements (a record's replications, flagged members); the replications of a record.
    index('records_replication_idx')
      .on(sql`coalesce(${t.harnessKey}, ${t.harnessId})`, t.hardwareClass, t.replicationKey)
      .where(sql`${t.replicated} AND ${t.valBpb} IS NOT NULL AND ${t.signed} AND NOT ${t.hidden}`),
    index('records_replication_key_idx')
      .on(t.replicationKey, t.hardwareClass)
      .where(sql`${t.replicationKey} IS NOT NULL`),
    // A group's earliest measurements (its sample), those not yet marked replicated, its flagged ones.
    index('records_group_members_idx')
      .on(t.replicationKey, t.hardwareClass, t.seq)
      .where(sql`${t.replicationKey} IS NOT NULL AND ${t.valBpb} IS NOT NULL AND ${t.signed} AND NOT ${t.hidden}`),
    index('records_unreplicated_idx')
      .on(t.replicationKey)
      .where(sql`${t.replicationKey} IS NOT NULL AND NOT ${t.replicated} AND ${t.valBpb} IS NOT NULL AND ${t.signed} AND NOT ${t.hidden}`),
    index('records_flagged_group_idx')
      .on(t.replicationKey)
      .where(sql`${t.replicationKey} IS NOT NULL AND ${t.flagged}`),
    index('records_replicates_idx')
      .on(t.replicates)
      .where(sql`${t.replicates} IS NOT NULL`),
    check('records_signed_check', sql`${t.signed} = (${t.signature} IS NOT NULL AND ${t.publicKey} IS NOT NULL)`),
  ],
);

export type RecordRow = typeof records.$inferSelect;
export type NewRecordRow = typeof records.$inferInsert;
