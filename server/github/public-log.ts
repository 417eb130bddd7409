// Turns a fork's public results.tsv (as parsed by protocol/results-tsv.ts) into unsigned record
// rows: a crossfork.record/v1 payload transcribed from each row, provenance github:OWNER/REPO@COMMIT,
// ids that depend only on the repository and the line, so re-crawls insert nothing twice.
import { createHash } from 'node:crypto';
import { canonicalJson } from '../protocol/canonical.ts';
import { parseResultsTsv, type ResultsRow } from '../protocol/results-tsv.ts';
import { recordPayloadSchema, type RecordPayload } from '../protocol/record.schema.ts';
import { recordFacts } from '../protocol/record-facts.ts';
import { rowPayload } from '../protocol/results-payload.ts';
import { describeIssues, fieldIssues } from '../protocol/issues.ts';
import type { NewRecordRow } from '../db/schema/records.ts';

/** Public logs do not say what they ran on: their records form the class `unreported`. */
export const UNREPORTED_HARDWARE = {
  accelerator: 'other',
  device_name: 'unreported',
  device_count: 1,
  memory_mb: null,
  driver: null,
  runtime: null,
} as const;
export const UNREPORTED_CLASS = 'unreported';

export interface PublicLogSource {
  nameWithOwner: string;
  url: string;
  branch: string | null;
  /** The commit both files were read at. */
  oid: string;
  committedAt: Date;
}

export interface Skipped {
  line: number;
  reason: string;
}

export const sourceOf = (nameWithOwner: string) => `github:${nameWithOwner}`;

/** The harness of a prepare.py: its SHA-256 (as `crossfork import` computes it) and time budget. */
export function harnessOf(prepareText: string) {
  const budget = /^TIME_BUDGET\s*=\s*(\d+(?:\.\d+)?)\s*(?:#.*)?$/m.exec(prepareText);
  const seconds = budget ? Number(budget[1]) : 300;
  return {
    id: createHash('sha256').update(prepareText, 'utf8').digest('hex'),
    name: 'autoresearch',
    time_budget_s: seconds > 0 && seconds <= 86_400 ? seconds : 300,
  };
}

export function publicLogRecords(
  src: PublicLogSource,
  resultsText: string,
  prepareText: string,
): { rows: NewRecordRow[]; skipped: Skipped[]; parsed: number } {
  const parsed = parseResultsTsv(resultsText);
  const lines = resultsText
    .replace(/^\uFEFF/, '')
    .split('\n')
    .map((l) => l.replace(/\r$/, ''));
  const skipped: Skipped[] = [
    ...(parsed.fileProblem ? [{ line: 1, reason: parsed.fileProblem }] : []),
    ...parsed.problems.map((p) => ({ line: p.line, reason: p.reason })),
  ];
  const harness = harnessOf(prepareText);
  const source = sourceOf(src.nameWithOwner);
  const seen = new Map<string, number>();
  const rows: NewRecordRow[] = [];
  let lastKeep: ResultsRow | null = null;
  // A log says when it was committed, not when each row ran: the rows keep their order, 1 ms
  // apart just before the commit, and say their time is unknown (README, the record).
  const timeOf = (i: number) => new Date(src.committedAt.getTime() - (parsed.rows.length - i));
  for (const [i, r] of parsed.rows.entries()) {
    const text = lines[r.line - 1] ?? '';
    // Identical lines are separate experiments: number them in order of appearance.
    const n = seen.get(text) ?? 0;
    seen.set(text, n + 1);
    const payload = transcribe(r, lastKeep, src, harness, timeOf(i));
    const check = recordPayloadSchema.safeParse(payload);
    if (!check.success) {
      skipped.push({ line: r.line, reason: describeIssues(fieldIssues(check.error)) });
      continue;
    }
    if (r.status === 'keep') lastKeep = r;
    rows.push({
      // Unsigned rows never rank, so nothing here is judged for plausibility (README, "Implausible results").
      ...recordFacts(payload),
      id: createHash('sha256').update(`${source}\n${n}\n${text}`, 'utf8').digest('hex'),
      payload: canonicalJson(payload),
      signature: null,
      publicKey: null,
      keyFingerprint: source,
      signed: false,
      provenance: `${source}@${src.oid}`,
      hardwareClass: UNREPORTED_CLASS,
      hardwareFamily: UNREPORTED_CLASS,
      acceleratorKind: 'other',
      memoryGb: null,
    });
  }
  skipped.sort((a, b) => a.line - b.line);
  return { rows, skipped, parsed: parsed.rows.length };
}

/** A record payload for one row; the parent is the last kept row before it (autoresearch's loop). */
function transcribe(
  r: ResultsRow,
  parent: ResultsRow | null,
  src: PublicLogSource,
  harness: RecordPayload['harness'],
  at: Date,
): RecordPayload {
  return rowPayload(r, {
    created_at: at.toISOString(),
    time_unknown: true,
    diff: null,
    parent: parent ? { train_py_sha256: null, commit: parent.commit, val_bpb: parent.val_bpb } : null,
    commit: r.commit,
    memoryGb: r.memory_gb,
    harness,
    hardware: { ...UNREPORTED_HARDWARE },
    agent: { model: null, tool: null },
    fork: { id: sourceOf(src.nameWithOwner), branch: src.branch, url: src.url },
  });
}
