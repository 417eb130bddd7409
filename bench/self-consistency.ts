// Self-consistency of `check` on a real fork with its git history (../shared/corpus/forks: the
// RTX 5070 fork). Every other corpus fork publishes first (other hardware); then the fork's
// results.tsv rows, built by the CLI's own importer (diffs of train.py parent → commit where git
// has the commit), are replayed in order with the fork's hardware: before each row publishes, it
// is checked as the agent would have checked it. A row is an exact repeat when the fork published
// the same change before: the same normalised diff when both rows have one, else the same change
// key (features.ts paramKey). Judged: an exact repeat of an earlier failure on this class must
// warn, an exact repeat of an earlier keep must not. Broader: every row's verdict, warning
// precision against what the row then did, beside the rule "this change key failed on this class before".
//   npm run bench -- self-consistency [--driver pglite|postgres] [--json FILE]
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { and, eq, inArray } from 'drizzle-orm';
import { buildRecords, type BuiltRecord } from '../cli/lib/records.ts';
import { resolveHarness } from '../cli/lib/harness.ts';
import { openDatabase, type Database } from '../server/db/client.ts';
import { records } from '../server/db/schema/records.ts';
import { parseResultsTsv } from '../server/protocol/results-tsv.ts';
import { parsePublicKey } from '../server/protocol/ssh-keys.ts';
import type { Hardware } from '../server/protocol/record.schema.ts';
import { createServices, type Services } from '../server/services/container.ts';
import { ideaFeatures } from '../server/services/ideas/features.ts';
import { envelope, newSigner } from '../test/helpers/records.ts';
import { benchDatabaseUrl } from './databases.ts';
import { corpusPresent, CORPUS_DIR, loadCorpus } from './findings/corpus.ts';

const FORK = 'Djordje-Stojanovic__TrainRTX5070';
const BUNDLE = fileURLToPath(new URL(`../../shared/corpus/forks/${FORK}.bundle`, import.meta.url));
const HARDWARE: Hardware = {
  accelerator: 'cuda',
  device_name: 'NVIDIA GeForce RTX 5070',
  device_count: 1,
  memory_mb: 12227,
  driver: null,
  runtime: null,
};
const FAILED = new Set(['discard', 'crash']);

interface Earlier {
  line: number;
  status: string;
  excluded: string | null;
}
interface Replayed {
  line: number;
  status: string;
  description: string;
  diff: boolean;
  paramKey: string | null;
  changes: string;
  earlier: Earlier[];
  verdict: string;
  warning: boolean;
  decided_by: string;
  reason: string;
  baseline: boolean;
  excluded: string | null;
  /** How it matched its earlier rows: the same normalised diff, or the same change key (`key, diffs differ` when both have a diff). */
  via: 'diff' | 'key' | 'key, diffs differ' | null;
  /** The check's top matches: exact or not, how matched, founding description. */
  cited: string[];
}

const clip = (s: string, n: number) => (s.length > n ? `${s.slice(0, n - 1)}…` : s);
const pct = (x: number, n: number) => (n ? `${((100 * x) / n).toFixed(1)} %` : 'n/a');

type Keys = { diffKey: string | null; paramKey: string | null };
type Seen = Keys & { earlier: Earlier };

export async function run(argv: string[]) {
  const { values } = parseArgs({ args: argv, options: { driver: { type: 'string', default: 'pglite' }, json: { type: 'string' } } });
  if (!corpusPresent() || !existsSync(BUNDLE)) {
    console.log(`self-consistency bench: ${CORPUS_DIR} or ${BUNDLE} is absent; skipped`);
    return;
  }
  const built = await buildForkRecords(values.driver!);
  const { replayed, hardwareClass } = await replayFork(values.driver!, built);
  const repeats = reportRepeats(replayed, hardwareClass);
  const everyRow = reportEveryRow(replayed);
  if (values.json)
    writeFileSync(
      values.json,
      JSON.stringify(
        {
          bench: 'self-consistency',
          fork: FORK,
          driver: values.driver,
          hardware_class: hardwareClass,
          rows: replayed.length,
          ...repeats,
          base_failure_rate: everyRow.failed / Math.max(1, replayed.length),
          verdicts: everyRow.verdicts,
          engine: everyRow.engine,
          rule: everyRow.rule,
          replayed,
        },
        null,
        2,
      ),
    );
}

/** The fork's results.tsv rows as `crossfork import` builds them, from a clone of its bundle. */
async function buildForkRecords(driver: string): Promise<BuiltRecord[]> {
  const dir = mkdtempSync(join(tmpdir(), 'crossfork-self-consistency-'));
  const repo = join(dir, 'TrainRTX5070');
  execFileSync('git', ['clone', '-q', '-b', 'main', BUNDLE, repo]);
  try {
    // As `crossfork import` builds them (cli/lib/import-rows.ts prepareImport + buildRecords).
    const harness = resolveHarness(repo, {}, FORK);
    const out = await buildRecords(parseResultsTsv(readFileSync(join(repo, 'results.tsv'), 'utf8')).rows, {
      repo,
      gitAvailable: true,
      hardware: HARDWARE,
      fork: { id: FORK, branch: 'main', url: null },
      agent: { model: null, tool: null },
      harness: {
        id: harness.source === 'flag' || harness.source === 'name' ? harness.id : undefined,
        assumed: harness.source === 'assumed' || harness.source === 'unknown' ? harness.id : undefined,
        name: 'autoresearch',
      },
      now: () => new Date().toISOString(),
    });
    const built = out.records;
    console.log(
      `self-consistency bench: ${FORK} (${HARDWARE.device_name}), ${built.length} rows built (${out.skipped.length} skipped), ${built.filter((b) => b.git.commit).length} with their commit in git, ${built.filter((b) => b.git.diff).length} with a train.py diff; driver ${driver}`,
    );
    return built;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The other forks published first, then the fork's rows in order, each checked before it publishes. */
async function replayFork(driver: string, built: BuiltRecord[]): Promise<{ replayed: Replayed[]; hardwareClass: string }> {
  const database: Database =
    driver === 'postgres'
      ? await openDatabase({ url: await benchDatabaseUrl('crossfork_bench_self_consistency'), maxConnections: 4 })
      : await openDatabase({ dataDir: 'memory://' });
  const services = createServices({ database, rateLimitWrites: 0 });
  const replayed: Replayed[] = [];
  let hardwareClass = '';
  try {
    await services.ideas.init();
    await publishOtherForks(services);
    const signer = newSigner(FORK);
    const history: Seen[] = [];
    for (const b of built) {
      const r = await replayRow(services, database, b, signer, history);
      hardwareClass = r.hardwareClass;
      replayed.push(r.replayed);
    }
  } finally {
    await services.stop();
    await database.close();
  }
  return { replayed, hardwareClass };
}

/** Every other corpus fork's rows, published and assigned to ideas. */
async function publishOtherForks(services: Services) {
  const others = loadCorpus().filter((f) => f.file !== `${FORK}.tsv` && f.rows.length > 0);
  for (const fork of others) {
    const signer = newSigner(fork.file);
    const items = await services.records.submitBatch({ records: fork.rows.map((r) => envelope(r.payload, signer)) });
    const bad = items.filter((it) => it.status === 'rejected');
    if (bad.length) throw new Error(`${fork.file}: ${bad.length} rejected: ${JSON.stringify(bad[0])}`);
  }
  await services.assignments.drain();
  console.log(`other forks: ${others.length} published ${others.reduce((a, f) => a + f.rows.length, 0)} rows first`);
}

/** How a row matches an earlier one: the same diff, the same key (a side has no diff), the same key though the diffs differ, or not. */
const viaOf = (f: Keys, h: Keys) =>
  f.diffKey && h.diffKey
    ? h.diffKey === f.diffKey
      ? ('diff' as const)
      : f.paramKey !== null && h.paramKey === f.paramKey
        ? ('key, diffs differ' as const)
        : null
    : f.paramKey !== null && h.paramKey === f.paramKey
      ? ('key' as const)
      : null;

/** The earlier rows a row repeats, and how it matched them. */
function earlierMatches(f: Keys, history: Seen[]): { earlier: Earlier[]; via: Replayed['via'] } {
  // Strict (the same diff, or the same key where a side has no diff) first; else the same key though the diffs differ.
  const vias = history.map((h) => viaOf(f, h));
  const strict = history.filter((_, i) => vias[i] === 'diff' || vias[i] === 'key');
  const loose = history.filter((_, i) => vias[i] === 'key, diffs differ');
  const earlier = (strict.length ? strict : loose).map((h) => h.earlier);
  const via = strict.length ? (vias.find((v) => v === 'diff') ?? 'key') : loose.length ? ('key, diffs differ' as const) : null;
  return { earlier, via };
}

/** One row of the fork: checked as the agent would have, then published (and added to `history`). */
async function replayRow(
  services: Services,
  database: Database,
  b: BuiltRecord,
  signer: ReturnType<typeof newSigner>,
  history: Seen[],
): Promise<{ replayed: Replayed; hardwareClass: string }> {
  const p = b.payload;
  const f = ideaFeatures({ description: p.description, diff: p.diff ?? null });
  const { earlier, via } = earlierMatches(f, history);
  const res = await services.ideas.check({
    description: p.description,
    diff: p.diff ?? null,
    harness_id: p.harness.id,
    hardware: HARDWARE,
    // As `crossfork check` sends it: the fork's own key, so its own earlier rows are its state.
    key_fingerprint: parsePublicKey(signer.publicKey).fingerprint,
  });
  const hardwareClass = res.hardware_class ?? '';
  // The baseline rule: this change key was published failing on this class before (any fork).
  const baseline =
    f.paramKey !== null &&
    (
      await database.db
        .select({ id: records.id })
        .from(records)
        .where(and(eq(records.hardwareClass, hardwareClass), eq(records.paramKey, f.paramKey), inArray(records.status, [...FAILED])))
        .limit(1)
    ).length > 0;
  const [item] = await services.records.submitBatch({ records: [envelope(p, signer)] });
  if (item.status === 'rejected') throw new Error(`line ${b.row.line} rejected: ${JSON.stringify(item.error)}`);
  await services.assignments.drain();
  const [stored] = await services.repos.records.findByIds([item.id!]);
  history.push({
    diffKey: stored.diffKey ?? f.diffKey,
    paramKey: stored.paramKey ?? f.paramKey,
    earlier: { line: b.row.line, status: p.status, excluded: stored.evidenceExcluded ?? null },
  });
  const replayed: Replayed = {
    line: b.row.line,
    status: p.status,
    description: p.description,
    diff: p.diff != null,
    paramKey: f.paramKey,
    changes: res.changes.map((c) => `${c.concept} ${c.action} ${c.from ?? '?'}→${c.to ?? '?'}`).join(', ') || '(none)',
    earlier,
    verdict: res.verdict,
    warning: res.warning,
    decided_by: res.evidence.decided_by,
    reason: res.reason,
    baseline,
    excluded: stored.evidenceExcluded ?? null,
    via,
    cited: res.matches
      .slice(0, 3)
      .map(
        (m) =>
          `${m.exact ? 'exact' : 'near'} via ${m.via}${m.here ? ` (here: kept ${m.here.keeps} of ${m.here.attempts})` : ''}: "${clip(m.description, 70)}"`,
      ),
  };
  return { replayed, hardwareClass };
}

const earlierText = (r: Replayed) =>
  r.earlier.map((e) => `line ${e.line} ${e.status}${e.excluded ? ` (not counted: ${e.excluded})` : ''}`).join(', ');
const show = (r: Replayed) =>
  `    line ${r.line} [${r.status}] "${clip(r.description, 110)}"\n` +
  `        ${r.via ? `same ${r.via}; ` : ''}diff ${r.diff ? 'yes' : 'no'}; key ${r.paramKey ?? 'null'}; earlier: ${earlierText(r)}\n` +
  `        verdict ${r.verdict}, warning ${r.warning}, decided_by ${r.decided_by}: ${clip(r.reason, 220)}\n` +
  `        read: ${r.changes}` +
  r.cited.map((c) => `\n        cites ${c}`).join('');

/** The judged part, printed: exact repeats of an earlier failure must warn, of an earlier keep must not. */
function reportRepeats(replayed: Replayed[], hardwareClass: string) {
  const all = replayed.filter((r) => r.earlier.length > 0);
  const loose = all.filter((r) => r.via === 'key, diffs differ');
  const repeats = all.filter((r) => r.via !== 'key, diffs differ');
  const ofFailure = repeats.filter((r) => r.earlier.every((e) => FAILED.has(e.status)));
  const ofKeep = repeats.filter((r) => r.earlier.every((e) => e.status === 'keep'));
  const mixed = repeats.filter((r) => !ofFailure.includes(r) && !ofKeep.includes(r));
  console.log(
    `\nhardware class ${hardwareClass}; ${replayed.length} rows replayed, ${repeats.length} exact repeats of an earlier row of this fork`,
  );
  const warnedF = ofFailure.filter((r) => r.warning);
  const warnedK = ofKeep.filter((r) => r.warning);
  console.log(
    `(a) exact repeats of an earlier failure (discard/crash) on this class: ${warnedF.length} of ${ofFailure.length} warned (must be all)`,
  );
  for (const r of ofFailure.filter((x) => !x.warning)) console.log(`  MISS\n${show(r)}`);
  for (const r of warnedF) console.log(`  ok\n${show(r)}`);
  console.log(`(b) exact repeats of an earlier keep on this class: ${warnedK.length} of ${ofKeep.length} warned (must be none)`);
  for (const r of warnedK) console.log(`  MISS\n${show(r)}`);
  for (const r of ofKeep.filter((x) => !x.warning)) console.log(`  ok\n${show(r)}`);
  console.log(
    `(c) exact repeats of both a keep and a failure: ${mixed.filter((r) => r.warning).length} of ${mixed.length} warned (no rule)`,
  );
  for (const r of mixed) console.log(show(r));
  console.log(
    `(d) not counted above: the same change key as an earlier row though both diffs differ (the catalogue's reading calls them one change): ${loose.length}`,
  );
  for (const r of loose)
    console.log(
      `  ${r.earlier.every((e) => FAILED.has(e.status)) ? 'repeat of a failure' : r.earlier.every((e) => e.status === 'keep') ? 'repeat of a keep' : 'mixed'}, warned ${r.warning}\n${show(r)}`,
    );
  return {
    repeats_of_failure: { total: ofFailure.length, warned: warnedF.length },
    repeats_of_keep: { total: ofKeep.length, warned: warnedK.length },
    repeats_mixed: { total: mixed.length, warned: mixed.filter((r) => r.warning).length },
    same_key_diffs_differ: { total: loose.length, warned: loose.filter((r) => r.warning).length },
  };
}

/** The broader part, printed: every row judged by what it then did, check's warning beside the rule. */
function reportEveryRow(replayed: Replayed[]) {
  const failed = replayed.filter((r) => FAILED.has(r.status));
  const keeps = replayed.filter((r) => r.status === 'keep');
  const verdicts = replayed.reduce<Record<string, number>>((m, r) => ({ ...m, [r.verdict]: (m[r.verdict] ?? 0) + 1 }), {});
  const score = (warned: (r: Replayed) => boolean) => {
    const w = replayed.filter(warned);
    const tp = w.filter((r) => FAILED.has(r.status)).length;
    return {
      warned: w.length,
      then_failed: tp,
      precision: w.length ? tp / w.length : null,
      recall: failed.length ? tp / failed.length : null,
      keeps_warned: w.filter((r) => r.status === 'keep').length,
    };
  };
  const engine = score((r) => r.warning);
  const rule = score((r) => r.baseline);
  console.log(
    `\nevery row (${replayed.length}: ${failed.length} failed, ${keeps.length} kept; base failure rate ${pct(failed.length, replayed.length)})`,
  );
  console.log(`  verdicts: ${JSON.stringify(verdicts)}`);
  // Warned rows and their evidence, whatever they repeat.
  console.log(`\n  warned rows (${replayed.filter((r) => r.warning).length}):`);
  for (const r of replayed.filter((x) => x.warning)) console.log(show(r));
  for (const [name, s] of [
    ['check warning', engine],
    ['same change key failed on this class before', rule],
  ] as const)
    console.log(
      `  ${name.padEnd(45)} warned ${String(s.warned).padStart(3)}, then failed ${String(s.then_failed).padStart(3)}: precision ${pct(s.then_failed, s.warned)}, recall ${pct(s.then_failed, failed.length)}, keeps warned ${s.keeps_warned} of ${keeps.length}`,
    );
  const disagree = replayed.filter((r) => r.warning !== r.baseline);
  if (disagree.length) {
    console.log(`\n  rows where check and the rule disagree (${disagree.length}):`);
    for (const r of disagree)
      console.log(
        `    line ${r.line} [${r.status}] check ${r.warning ? 'WARN' : 'no'} (${r.verdict}), rule ${r.baseline ? 'WARN' : 'no'}: "${clip(r.description, 90)}"\n        read: ${r.changes}; reason: ${clip(r.reason, 180)}`,
      );
  }
  return { failed: failed.length, verdicts, engine, rule };
}
