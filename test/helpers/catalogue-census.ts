// The catalogue's census over real fork logs (../shared/corpus/results/*.tsv): how many rows'
// descriptions name at least one concept, which do not, and which concepts come up most.
// Shared by test/server/catalogue/census.test.ts and `npm run bench -- catalogue`.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { isBaselineDescription, understand } from '../../server/catalogue/understand.ts';

export const CORPUS_RESULTS = new URL('../../../shared/corpus/results/', import.meta.url);

export interface CorpusRow {
  file: string;
  status: string;
  description: string;
}

/** Every row of every results TSV with a description column (MANIFEST.tsv aside); [] when absent. */
export function loadCorpusRows(dir: URL = CORPUS_RESULTS): CorpusRow[] {
  if (!existsSync(dir)) return [];
  const rows: CorpusRow[] = [];
  for (const file of readdirSync(dir)
    .filter((f) => f.endsWith('.tsv') && f !== 'MANIFEST.tsv')
    .sort()) {
    const [header, ...lines] = readFileSync(new URL(file, dir), 'utf8').split(/\r?\n/);
    const cols = header.split('\t');
    const d = cols.indexOf('description');
    const s = cols.indexOf('status');
    if (d < 0) continue;
    for (const line of lines) {
      const cells = line.split('\t');
      const description = cells[d]?.trim();
      if (description && /[a-z]/i.test(description)) rows.push({ file, status: s >= 0 ? (cells[s] ?? '').trim() : '', description });
    }
  }
  return rows;
}

/** A baseline row: its status says so, or its change part is a baseline as the catalogue's markers read it. */
export const isBaseline = (r: CorpusRow) => /^baseline$/i.test(r.status) || isBaselineDescription(r.description);

export interface Census {
  rows: number;
  baselines: number;
  mapped: number;
  withChanges: number;
  unmapped: CorpusRow[];
  byConcept: [string, number][];
  byAction: [string, number][];
}

export function census(rows: readonly CorpusRow[]): Census {
  const experiments = rows.filter((r) => !isBaseline(r));
  const concepts = new Map<string, number>();
  const actions = new Map<string, number>();
  const unmapped: CorpusRow[] = [];
  let mapped = 0;
  let withChanges = 0;
  for (const r of experiments) {
    const u = understand({ description: r.description, diff: null });
    if (u.concepts.length) mapped++;
    else unmapped.push(r);
    if (u.changes.some((c) => c.action !== 'mention')) withChanges++;
    for (const c of u.concepts) concepts.set(c, (concepts.get(c) ?? 0) + 1);
    for (const c of u.changes) actions.set(c.action, (actions.get(c.action) ?? 0) + 1);
  }
  const sorted = (m: Map<string, number>) => [...m].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
  return {
    rows: rows.length,
    baselines: rows.length - experiments.length,
    mapped,
    withChanges,
    unmapped,
    byConcept: sorted(concepts),
    byAction: sorted(actions),
  };
}
