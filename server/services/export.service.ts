// The export of every visible record: NDJSON lines of the signed envelope unchanged (the stored
// canonical payload, byte for byte) plus what the server derived, produced a page at a time so
// memory stays flat however many records there are; resumable after any line's cursor.
import type { ExportFilter, ExportRepository, ExportRow } from '../repositories/export.repository.ts';
import type { NoiseService, ReplicationSnapshot } from './noise.service.ts';
import { harnessKeyOf, knownHarness } from '../protocol/harnesses.ts';
import type { ExportDerived } from '../protocol/dataset.schema.ts';

/** Rows read per query: small enough to keep memory flat, large enough to keep queries few. */
export const EXPORT_PAGE = 500;

export interface ExportQuery {
  harness?: string;
  hardwareClass?: string;
  since?: Date;
  until?: Date;
  /** Resume after this seq (a line's cursor). */
  after?: number;
}

export class ExportService {
  constructor(
    private readonly deps: {
      exports: ExportRepository;
      noise: NoiseService;
    },
  ) {}

  filterOf(q: ExportQuery): ExportFilter {
    return {
      harnessKey: q.harness ? harnessKeyOf(q.harness) : undefined,
      hardwareClass: q.hardwareClass,
      since: q.since,
      until: q.until,
    };
  }

  count(q: ExportQuery): Promise<number> {
    return this.deps.exports.count(this.filterOf(q), q.after ?? 0);
  }

  /** Pages of visible records after `q.after`, oldest first, with their derived fields. */
  async *rows(q: ExportQuery, pageSize = EXPORT_PAGE): AsyncGenerator<{ row: ExportRow; derived: ExportDerived }[]> {
    const filter = this.filterOf(q);
    // One replication snapshot per harness key for the whole export: every line judged alike.
    const snapshots = new Map<string, Promise<ReplicationSnapshot>>();
    const snapshot = (key: string) => {
      if (!snapshots.has(key)) snapshots.set(key, this.deps.noise.snapshot(key));
      return snapshots.get(key)!;
    };
    let after = q.after ?? 0;
    for (;;) {
      const page = await this.deps.exports.page(filter, after, pageSize);
      if (page.length === 0) return;
      const out: { row: ExportRow; derived: ExportDerived }[] = [];
      for (const row of page) out.push({ row, derived: derive(row, await snapshot(row.harnessKey ?? row.harnessId)) });
      yield out;
      after = page[page.length - 1].seq;
      if (page.length < pageSize) return;
    }
  }

  /** The export as NDJSON text chunks (one chunk per page). */
  async *ndjson(q: ExportQuery): AsyncGenerator<string> {
    for await (const page of this.rows(q)) yield page.map(({ row, derived }) => exportLine(row, derived)).join('');
  }
}

function derive(row: ExportRow, snap: ReplicationSnapshot): ExportDerived {
  const harnessKey = row.harnessKey ?? row.harnessId;
  const known = knownHarness(harnessKey);
  const measured = row.signed && row.valBpb !== null;
  const c = measured
    ? snap.confirmationOf({
        id: row.id,
        hardwareClass: row.hardwareClass,
        hardwareFamily: row.hardwareFamily,
        replicationKey: row.replicationKey,
        keyFingerprint: row.keyFingerprint,
        valBpb: row.valBpb!,
        parentValBpb: row.parentValBpb,
        createdAt: row.createdAt,
      })
    : null;
  return {
    key_fingerprint: row.signed ? row.keyFingerprint : null,
    received_at: row.receivedAt.toISOString(),
    // The stored payload is canonical JSON: the flag is read without parsing it.
    time_unknown: row.payload.includes('"time_unknown":true'),
    hardware_class: row.hardwareClass,
    hardware_family: row.hardwareFamily,
    accelerator_kind: row.acceleratorKind,
    memory_gb: row.memoryGb,
    harness_id: row.harnessId,
    harness_key: harnessKey,
    harness_name: known?.name ?? row.harnessName,
    harness_known: known !== null,
    idea_id: row.ideaId,
    changes: row.changes,
    delta_val_bpb: row.deltaValBpb,
    confirmed: c?.confirmed ?? false,
    confirmed_by: c?.confirmed_by ?? null,
    replications: c?.replications ?? 0,
    noise_sigma: c?.noise ?? null,
    flagged: row.flagged,
    replication_group: row.replicationKey,
    replicates: row.replicates,
  };
}

/**
 * One NDJSON line. The payload is written as stored, the canonical bytes the signature covers, so
 * `ssh-keygen -Y verify` accepts `payload` re-serialised by any RFC 8785 implementation or as is.
 */
export function exportLine(row: ExportRow, derived: ExportDerived): string {
  return (
    `{"id":${JSON.stringify(row.id)},"cursor":"${row.seq}","payload":${row.payload},` +
    `"signature":${JSON.stringify(row.signature)},"public_key":${JSON.stringify(row.publicKey)},` +
    `"signed":${row.signed},"provenance":${JSON.stringify(row.provenance)},"derived":${JSON.stringify(derived)}}\n`
  );
}
