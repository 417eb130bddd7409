// Validates the held-apart findings eval set (paraphrases.json, novel-queries.json) against the real
// fork logs, and computes which queries share no content word with their relevant rows ("hard").
//   npx tsx bench/findings/check-eval-set.ts [--verbose]      (exit 1 on any problem)
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

export interface Paraphrase {
  id: string;
  query: string;
  relevant: string[];
  note: string;
}
export interface NovelQuery {
  id: string;
  query: string;
  note: string;
}

const HERE = fileURLToPath(new URL('.', import.meta.url));
/** ../shared/corpus/results beside the repository (not part of the project; may be absent). */
export const EVAL_CORPUS_DIR = fileURLToPath(new URL('../../../shared/corpus/results/', import.meta.url));
export const MIN_QUERIES = 170;
export const MIN_NOVEL = 10;

/** Function words only: anything that could carry the idea of a change stays a content word. */
export const STOPWORDS: ReadonlySet<string> = new Set(
  (
    'a about above after again against all also am an and any are as at be because been before being below between both but by ' +
    'can could did do does doing down during each few for from further had has have having he her here hers herself him himself ' +
    'his how i if in into is it its itself just me might more most must my myself no nor not now of off on once only or other ' +
    'our ours ourselves out over own s same shall she should so some such t than that the their theirs them themselves then there ' +
    'these they this those through to too under until up us very was we were what when where which while who whom why will with ' +
    'would you your yours yourself yourselves'
  ).split(' '),
);

/** The simple suffix stripper: the first of -ing, -ed, -es, -s, -ly, -er that leaves a stem of ≥ 3 letters. */
export function stem(word: string): string {
  for (const suffix of ['ing', 'ed', 'es', 's', 'ly', 'er']) {
    if (word.endsWith(suffix) && word.length - suffix.length >= 3) return word.slice(0, -suffix.length);
  }
  return word;
}

/** Lower-cased alphanumeric tokens (a decimal like 0.04 is one token), stopwords dropped, stemmed. */
export function contentWords(text: string): Set<string> {
  const tokens = text.toLowerCase().match(/[a-z0-9]+(?:\.[0-9]+)?/g) ?? [];
  return new Set(tokens.filter((t) => !STOPWORDS.has(t)).map(stem));
}

/** The content words a query shares with any of the descriptions (empty: the query is "hard"). */
export function sharedContentWords(query: string, descriptions: readonly string[]): string[] {
  const q = contentWords(query);
  const shared = new Set<string>();
  for (const d of descriptions) for (const w of contentWords(d)) if (q.has(w)) shared.add(w);
  return [...shared].sort();
}

export function sharesContentWord(query: string, descriptions: readonly string[]): boolean {
  return sharedContentWords(query, descriptions).length > 0;
}

/**
 * A stricter look than the rule, for review only: word pairs the stemmer keeps apart but a reader
 * would call the same word (one stem a prefix of the other, the shorter ≥ 4 letters, or a common
 * prefix of ≥ 5 letters: "rate"/"rates", "normalized"/"norm", "orthogonalizing"/"orthogonalization").
 */
export function nearSharedWords(query: string, descriptions: readonly string[]): string[] {
  const q = [...contentWords(query)].filter((w) => /^[a-z]{4,}$/.test(w));
  const pairs = new Set<string>();
  for (const d of descriptions) {
    for (const w of contentWords(d)) {
      if (!/^[a-z]{4,}$/.test(w)) continue;
      for (const v of q) {
        if (v === w) continue;
        const [short, long] = v.length <= w.length ? [v, w] : [w, v];
        let common = 0;
        while (common < short.length && short[common] === long[common]) common++;
        if (common === short.length || common >= 5) pairs.add(`${v}~${w}`);
      }
    }
  }
  return [...pairs].sort();
}

/** Every data row of the corpus logs by `<file>:<line>` (line 1 is the header), or null when absent. */
export function loadCorpusDescriptions(dir = EVAL_CORPUS_DIR): Map<string, string> | null {
  if (!existsSync(dir)) return null;
  const rows = new Map<string, string>();
  for (const file of readdirSync(dir)
    .filter((f) => f.endsWith('.tsv') && f !== 'MANIFEST.tsv')
    .sort()) {
    const lines = readFileSync(join(dir, file), 'utf8')
      .split('\n')
      .map((l) => l.replace(/\r$/, ''));
    const header = (lines[0] ?? '').split('\t');
    const at = header.indexOf('description');
    for (let i = 1; i < lines.length; i++) {
      const fields = lines[i].split('\t');
      if (lines[i].trim() === '' || fields[0].trim() === '---') continue; // blank line, section divider
      const description = at >= 0 && fields.length === header.length ? fields[at] : fields[fields.length - 1];
      rows.set(`${file}:${i + 1}`, description ?? '');
    }
  }
  return rows;
}

function readJson(name: string): unknown {
  return JSON.parse(readFileSync(join(HERE, name), 'utf8'));
}

export function loadParaphrases(): Paraphrase[] {
  return readJson('paraphrases.json') as Paraphrase[];
}

export function loadNovelQueries(): NovelQuery[] {
  return readJson('novel-queries.json') as NovelQuery[];
}

export interface EvalSetReport {
  problems: string[];
  warnings: string[];
  total: number;
  hard: number;
  meanRelevant: number;
  novel: number;
  corpusChecked: boolean;
  perQuery: { id: string; hard: boolean; shared: string[]; near: string[] }[];
}

const isText = (x: unknown): x is string => typeof x === 'string' && x.trim() !== '';

/** What the checks share while they run: the findings so far, the ids seen, and the corpus tests. */
interface Checking {
  problems: string[];
  warnings: string[];
  perQuery: EvalSetReport['perQuery'];
  ids: Set<string>;
  corpus: Map<string, string> | null;
  /** The query occurs in a log description. */
  verbatim: (query: string) => boolean;
  /** The query has exactly the content words of a log description. */
  reordered: (query: string) => boolean;
}

/** Every check on the two files; `corpus` null skips the ones that need the logs. */
export function checkEvalSet(paraphrases: unknown, novel: unknown, corpus: Map<string, string> | null): EvalSetReport {
  const descriptions = corpus ? [...corpus.values()].map((d) => d.toLowerCase()) : [];
  // A description with its words reordered is a copy too: the same set of content words.
  const wordSets = new Set(descriptions.map((d) => [...contentWords(d)].sort().join(' ')));
  const c: Checking = {
    problems: [],
    warnings: [],
    perQuery: [],
    ids: new Set<string>(),
    corpus,
    verbatim: (query) => descriptions.some((d) => d.includes(query.trim().toLowerCase())),
    reordered: (query) => wordSets.has([...contentWords(query)].sort().join(' ')),
  };
  const { problems, warnings, perQuery } = c;

  if (!Array.isArray(paraphrases))
    return {
      problems: ['paraphrases.json is not an array'],
      warnings,
      total: 0,
      hard: 0,
      meanRelevant: 0,
      novel: 0,
      corpusChecked: !!corpus,
      perQuery,
    };
  const relevantTotal = checkParaphrases(c, paraphrases);
  const novelCount = checkNovel(c, novel);

  const total = paraphrases.length;
  const hard = perQuery.filter((q) => q.hard).length;
  if (corpus && hard * 3 < total)
    problems.push(`only ${hard} of ${total} queries share no content word with their relevant rows (a third is ${Math.ceil(total / 3)})`);
  return {
    problems,
    warnings,
    total,
    hard,
    meanRelevant: total ? relevantTotal / total : 0,
    novel: novelCount,
    corpusChecked: !!corpus,
    perQuery,
  };
}

/** Checks each paraphrase query; returns how many relevant rows they list in all. */
function checkParaphrases(c: Checking, paraphrases: unknown[]): number {
  const { problems } = c;
  const queries = new Set<string>();
  let relevantTotal = 0;
  if (paraphrases.length < MIN_QUERIES) problems.push(`paraphrases.json has ${paraphrases.length} queries, fewer than ${MIN_QUERIES}`);
  for (const [i, item] of (paraphrases as Partial<Paraphrase>[]).entries()) {
    const checked = checkQuery(c, item, `#${i}`);
    if (!checked) continue;
    const { id, query } = checked;
    const key = query.trim().toLowerCase();
    if (queries.has(key)) problems.push(`${id}: the same query text appears twice`);
    queries.add(key);
    if (!Array.isArray(item.relevant) || item.relevant.length === 0) {
      problems.push(`${id}: no relevant rows`);
      continue;
    }
    if (new Set(item.relevant).size !== item.relevant.length) problems.push(`${id}: a relevant row is listed twice`);
    relevantTotal += item.relevant.length;
    if (c.corpus) checkAgainstCorpus(c, c.corpus, id, query, item.relevant);
  }
  return relevantTotal;
}

/** The corpus checks of one paraphrase: its rows exist, it copies no description, and whether it is hard. */
function checkAgainstCorpus(c: Checking, corpus: Map<string, string>, id: string, query: string, relevant: unknown[]) {
  const texts: string[] = [];
  for (const ref of relevant) {
    const text = typeof ref === 'string' ? corpus.get(ref) : undefined;
    if (text === undefined) c.problems.push(`${id}: ${String(ref)} is not a data row of the corpus`);
    else texts.push(text);
  }
  if (c.verbatim(query)) c.problems.push(`${id}: the query occurs verbatim in a log description`);
  else if (c.reordered(query)) c.problems.push(`${id}: the query has exactly the content words of a log description`);
  const shared = sharedContentWords(query, texts);
  const near = shared.length === 0 ? nearSharedWords(query, texts) : [];
  if (near.length > 0) c.warnings.push(`${id}: hard by the rule, but near-shares ${near.join(', ')}`);
  c.perQuery.push({ id, hard: shared.length === 0, shared, near });
}

/** Checks the novel queries; returns how many there are (0 when the file is not an array). */
function checkNovel(c: Checking, novel: unknown): number {
  const { problems } = c;
  if (!Array.isArray(novel)) {
    problems.push('novel-queries.json is not an array');
    return 0;
  }
  if (novel.length < MIN_NOVEL) problems.push(`novel-queries.json has ${novel.length} queries, fewer than ${MIN_NOVEL}`);
  for (const [i, item] of (novel as Partial<NovelQuery>[]).entries()) {
    const checked = checkQuery(c, item, `novel #${i}`);
    if (checked && c.corpus && c.verbatim(checked.query)) problems.push(`${checked.id}: the query occurs verbatim in a log description`);
  }
  return novel.length;
}

/** What every query item needs: an id (else `fallbackId` names it) not used before, a query and a note; null without a query. */
function checkQuery(c: Checking, item: Partial<NovelQuery> | undefined, fallbackId: string): { id: string; query: string } | null {
  const { problems, ids } = c;
  const id = isText(item?.id) ? item.id : fallbackId;
  if (!isText(item?.id)) problems.push(`${id}: no id`);
  else if (ids.has(item.id)) problems.push(`${id}: duplicate id`);
  ids.add(id);
  if (!isText(item?.query)) {
    problems.push(`${id}: no query`);
    return null;
  }
  if (!isText(item?.note)) problems.push(`${id}: no note`);
  return { id, query: item.query };
}

function main(argv: string[]): number {
  const corpus = loadCorpusDescriptions();
  if (!corpus) console.log(`check-eval-set: ${EVAL_CORPUS_DIR} is absent; reference, verbatim and shared-word checks skipped`);
  const r = checkEvalSet(readJson('paraphrases.json'), readJson('novel-queries.json'), corpus);
  if (argv.includes('--verbose')) {
    for (const q of r.perQuery)
      console.log(`${q.id}\t${q.hard ? 'hard' : 'shares'}\t${q.shared.join(' ')}${q.near.length ? `\tnear: ${q.near.join(' ')}` : ''}`);
  }
  for (const w of r.warnings) console.log(`warning: ${w}`);
  for (const p of r.problems) console.log(`problem: ${p}`);
  console.log(`queries: ${r.total}`);
  if (r.corpusChecked)
    console.log(
      `sharing no content word with any relevant row: ${r.hard} (${((100 * r.hard) / Math.max(1, r.total)).toFixed(1)} %, needs ≥ ${Math.ceil(r.total / 3)})`,
    );
  console.log(`mean relevant rows per query: ${r.meanRelevant.toFixed(2)}`);
  console.log(`novel (nothing relevant) queries: ${r.novel}`);
  console.log(r.problems.length ? `FAILED: ${r.problems.length} problem(s)` : 'ok');
  return r.problems.length ? 1 : 0;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) process.exitCode = main(process.argv.slice(2));
