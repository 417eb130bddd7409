// Which results.tsv rows of a fork were already published (or queued): forks/<fork id>.jsonl in
// CROSSFORK_HOME, append-only. It makes import and watch idempotent even for rows without git objects.
import { appendFileSync, mkdirSync, readFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import type { ResultsRow } from '../../server/protocol/results-tsv.ts';

export interface LedgerEntry {
  key: string;
  /** The record id; empty for a row deliberately not published (see `withheld`). */
  id: string;
  line: number;
  /** Why the row was kept off the server (`crossfork run`: a run shorter than the harness's budget). */
  withheld?: string;
}

export function rowKey(row: ResultsRow): string {
  return createHash('sha256')
    .update(JSON.stringify([row.line, row.commit, row.status, row.val_bpb, row.description]))
    .digest('hex')
    .slice(0, 32);
}

export class Ledger {
  readonly path: string;
  private entries = new Map<string, LedgerEntry>();
  constructor(home: string, forkId: string) {
    this.path = join(home, 'forks', `${forkId.replace(/[^A-Za-z0-9_.-]/g, '_')}.jsonl`);
    let text = '';
    try {
      text = readFileSync(this.path, 'utf8');
    } catch {
      /* new fork */
    }
    for (const line of text.split('\n')) {
      try {
        const e = JSON.parse(line) as LedgerEntry;
        this.entries.set(e.key, e);
      } catch {
        /* blank or torn last line */
      }
    }
  }
  has(key: string): boolean {
    return this.entries.has(key);
  }
  get(key: string): LedgerEntry | undefined {
    return this.entries.get(key);
  }
  /** Appends entries with one write (after their envelopes are safely in the outbox). */
  add(entries: LedgerEntry[]): void {
    if (entries.length === 0) return;
    mkdirSync(join(this.path, '..'), { recursive: true });
    appendFileSync(this.path, entries.map((e) => `${JSON.stringify(e)}\n`).join(''));
    for (const e of entries) this.entries.set(e.key, e);
  }
}
