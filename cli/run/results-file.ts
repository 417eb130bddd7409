// results.tsv as autoresearch's program.md writes it: commit, val_bpb, memory_gb, status,
// description, tab-separated, one row per experiment (crashes with zeros).
import { appendFileSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseResultsTsv, type ResultsRow } from '../../server/protocol/results-tsv.ts';

export const HEADER = 'commit\tval_bpb\tmemory_gb\tstatus\tdescription';

export class ResultsFile {
  readonly path: string;

  constructor(repo: string) {
    this.path = join(repo, 'results.tsv');
  }

  text(): string {
    return existsSync(this.path) ? readFileSync(this.path, 'utf8') : '';
  }

  rows(): ResultsRow[] {
    return parseResultsTsv(this.text()).rows;
  }

  append(row: {
    commit: string;
    valBpb: number | null;
    memoryGb: number | null;
    status: 'keep' | 'discard' | 'crash';
    description: string;
  }): void {
    if (!existsSync(this.path) || this.text().trim() === '') writeFileSync(this.path, `${HEADER}\n`);
    const clean = row.description.replace(/[\t\r\n]+/g, ' ').trim();
    const bpb = row.valBpb === null ? '0.000000' : row.valBpb.toFixed(6);
    const mem = row.memoryGb === null ? '0.0' : row.memoryGb.toFixed(1);
    appendFileSync(this.path, `${row.commit}\t${bpb}\t${mem}\t${row.status}\t${clean}\n`);
  }
}
