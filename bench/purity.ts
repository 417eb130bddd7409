// Idea purity over every row of the real fork logs (../shared/corpus/results): every fork's rows
// are published (its hardware, status and parent val_bpb as the import sets them) into a fresh
// server, assignment is drained, and the ideas are read back. An idea is impure when two of its
// records' stored changes (records.changes, definite ones) conflict by the catalogue's own
// changesConflict (either way round): other concepts, the other direction, another value or
// starting state, a removal against an addition, or one record understood and the other not.
//   npm run bench -- purity [--driver pglite|postgres] [--json FILE] [--top 10]
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { openDatabase, type Database } from '../server/db/client.ts';
import { records } from '../server/db/schema/records.ts';
import { createServices } from '../server/services/container.ts';
import { changesConflict, definite, type Change } from '../server/catalogue/relate.ts';
import { envelope, newSigner } from '../test/helpers/records.ts';
import { benchDatabaseUrl } from './databases.ts';
import { corpusPresent, CORPUS_DIR, loadCorpus, type CorpusFork } from './findings/corpus.ts';

interface Row {
  id: string;
  ideaId: string | null;
  description: string;
  status: string;
  forkId: string;
  hardwareClass: string;
  paramKey: string | null;
  changes: Change[];
}

/** `CONCEPT action from→to`, as a reader would check it. */
export const showChange = (c: Change) =>
  `${c.concept} ${c.action}${c.from !== null || c.to !== null ? ` ${c.from ?? '?'}→${c.to ?? '?'}` : ''}`;
const showChanges = (cs: readonly Change[]) => (cs.length ? cs.map(showChange).join(', ') : '(nothing definite)');
const setKey = (cs: readonly Change[]) => JSON.stringify(cs.map(showChange).sort());

/** Why two definite change sets may not share an idea (null when they may). */
function conflictWhy(a: readonly Change[], b: readonly Change[]): string | null {
  if (!changesConflict(a, b) && !changesConflict(b, a)) return null;
  if (a.length === 0 || b.length === 0) return 'one record understood, the other not';
  const concepts = (xs: readonly Change[]) => [...new Set(xs.map((x) => x.concept))].sort().join('|');
  if (concepts(a) !== concepts(b)) return `concepts differ (${concepts(a)} vs ${concepts(b)})`;
  return 'same concepts, not one change (direction, value or starting state)';
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length === 0 ? 0 : s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const clip = (s: string, n: number) => (s.length > n ? `${s.slice(0, n - 1)}…` : s);

type Conflict = { idea: string; records: Row[]; pairs: { a: string; b: string; why: string }[] };

export async function run(argv: string[]) {
  const { values } = parseArgs({
    args: argv,
    options: { driver: { type: 'string', default: 'pglite' }, json: { type: 'string' }, top: { type: 'string', default: '10' } },
  });
  if (!corpusPresent()) {
    console.log(`purity bench: ${CORPUS_DIR} is absent; skipped`);
    return;
  }
  const forks = loadCorpus();
  const total = forks.reduce((a, f) => a + f.rows.length, 0);
  console.log(`purity bench: ${total} rows of ${forks.length} forks (${CORPUS_DIR}), driver ${values.driver}`);
  const { rows, rejected, seconds } = await publishAndRead(values.driver!, forks);
  const { understood, unassigned, byIdea, sizes, mean } = summarise(rows, rejected, seconds);
  const top = printBiggest(byIdea, Number(values.top));
  const conflicts = findConflicts(byIdea);
  printConflicts(conflicts);

  if (values.json)
    writeFileSync(
      values.json,
      JSON.stringify(
        {
          bench: 'purity',
          driver: values.driver,
          records: rows.length,
          rejected,
          unassigned,
          understood,
          ideas: byIdea.size,
          records_per_idea: { mean, median: median(sizes), max: Math.max(0, ...sizes) },
          biggest: top.map(([id, rs]) => ({
            id,
            records: rs.map((r) => ({ description: r.description, status: r.status, fork: r.forkId, changes: r.changes.map(showChange) })),
          })),
          conflicts: conflicts.map((c) => ({
            idea: c.idea,
            records: c.records.map((r) => ({ description: r.description, status: r.status, fork: r.forkId, changes: r.changes })),
            pairs: c.pairs,
          })),
          seconds,
        },
        null,
        2,
      ),
    );
}

/** Every fork published into a fresh server, assignment drained, and the records read back in order. */
async function publishAndRead(driver: string, forks: CorpusFork[]): Promise<{ rows: Row[]; rejected: number; seconds: number }> {
  const database: Database =
    driver === 'postgres'
      ? await openDatabase({ url: await benchDatabaseUrl('crossfork_bench_purity'), maxConnections: 4 })
      : await openDatabase({ dataDir: 'memory://' });
  const services = createServices({ database, rateLimitWrites: 0 });
  let rows: Row[];
  let rejected = 0;
  const t0 = performance.now();
  try {
    await services.ideas.init();
    for (const fork of forks) {
      if (fork.rows.length === 0) continue;
      const signer = newSigner(fork.file);
      const envs = fork.rows.map((r) => envelope(r.payload, signer));
      for (let i = 0; i < envs.length; i += 500) {
        const items = await services.records.submitBatch({ records: envs.slice(i, i + 500) });
        for (const [j, it] of items.entries())
          if (it.status === 'rejected') {
            rejected++;
            console.log(`  rejected ${fork.rows[i + j].ref}: ${JSON.stringify(it.error)}`);
          }
      }
    }
    await services.assignments.drain();
    rows = (
      await database.db
        .select({
          id: records.id,
          ideaId: records.ideaId,
          description: records.description,
          status: records.status,
          forkId: records.forkId,
          hardwareClass: records.hardwareClass,
          paramKey: records.paramKey,
          changes: records.changes,
          seq: records.seq,
        })
        .from(records)
    )
      .sort((a, b) => a.seq - b.seq)
      .map((r) => ({ ...r, changes: definite((r.changes ?? []) as Change[]) }));
  } finally {
    await services.stop();
    await database.close();
  }
  return { rows, rejected, seconds: (performance.now() - t0) / 1000 };
}

/** The records grouped by idea, with the counts printed first. */
function summarise(rows: Row[], rejected: number, seconds: number) {
  const understood = rows.filter((r) => r.changes.length > 0).length;
  const unassigned = rows.filter((r) => r.ideaId === null).length;
  const byIdea = new Map<string, Row[]>();
  for (const r of rows) if (r.ideaId) byIdea.set(r.ideaId, [...(byIdea.get(r.ideaId) ?? []), r]);
  const sizes = [...byIdea.values()].map((rs) => rs.length);
  const mean = sizes.reduce((a, b) => a + b, 0) / Math.max(1, sizes.length);
  console.log(
    `\nrecords ${rows.length} (${rejected} rejected, ${unassigned} without an idea) in ${seconds.toFixed(1)} s; catalogue understood ${understood} (${((100 * understood) / Math.max(1, rows.length)).toFixed(1)} %: non-empty definite changes)`,
  );
  console.log(
    `ideas ${byIdea.size}; records per idea: mean ${mean.toFixed(2)}, median ${median(sizes)}, max ${Math.max(0, ...sizes)}; ideas with ≥ 2 records ${sizes.filter((n) => n >= 2).length}`,
  );
  return { understood, unassigned, byIdea, sizes, mean };
}

/** The `count` biggest ideas, printed with their forks, statuses, change sets and a few descriptions. */
function printBiggest(byIdea: Map<string, Row[]>, count: number): [string, Row[]][] {
  const top = [...byIdea].sort((a, b) => b[1].length - a[1].length).slice(0, count);
  console.log(`\n${top.length} biggest ideas:`);
  for (const [id, rs] of top) {
    const forksOf = new Set(rs.map((r) => r.forkId)).size;
    const statuses = Object.entries(rs.reduce<Record<string, number>>((m, r) => ({ ...m, [r.status]: (m[r.status] ?? 0) + 1 }), {}))
      .map(([s, n]) => `${s} ${n}`)
      .join(', ');
    const keys = Object.entries(
      rs.reduce<Record<string, number>>((m, r) => ({ ...m, [showChanges(r.changes)]: (m[showChanges(r.changes)] ?? 0) + 1 }), {}),
    )
      .map(([k, n]) => `${n}× {${k}}`)
      .join(' ; ');
    console.log(`  ${id.slice(0, 12)}: ${rs.length} records, ${forksOf} forks (${statuses}); change sets: ${keys}`);
    for (const d of [...new Set(rs.map((r) => r.description))].slice(0, 4)) console.log(`      "${clip(d, 110)}"`);
  }
  return top;
}

/** Conflicts: within an idea, each pair of its distinct stored change sets. */
function findConflicts(byIdea: Map<string, Row[]>): Conflict[] {
  const conflicts: Conflict[] = [];
  for (const [id, rs] of byIdea) {
    const sets = new Map<string, Change[]>();
    for (const r of rs) sets.set(setKey(r.changes), r.changes);
    const list = [...sets.values()];
    const pairs: Conflict['pairs'] = [];
    for (let i = 0; i < list.length; i++)
      for (let j = i + 1; j < list.length; j++) {
        const why = conflictWhy(list[i], list[j]);
        if (why) pairs.push({ a: showChanges(list[i]), b: showChanges(list[j]), why });
      }
    if (pairs.length) conflicts.push({ idea: id, records: rs, pairs });
  }
  return conflicts;
}

function printConflicts(conflicts: Conflict[]) {
  const reasons = conflicts
    .flatMap((c) => c.pairs.map((p) => p.why.replace(/ \(.*/, '')))
    .reduce<Record<string, number>>((m, w) => ({ ...m, [w]: (m[w] ?? 0) + 1 }), {});
  console.log(
    `\nCONFLICTS: ${conflicts.length} ideas hold conflicting changes (${conflicts.reduce((a, c) => a + c.records.length, 0)} records)${conflicts.length ? `; pairs by reason: ${JSON.stringify(reasons)}` : ''}`,
  );
  for (const c of conflicts) {
    console.log(`\n  idea ${c.idea.slice(0, 12)} (${c.records.length} records):`);
    for (const r of c.records)
      console.log(
        `    - [${r.status}] ${r.forkId} "${clip(r.description, 100)}"\n        changes: ${showChanges(r.changes)}; key ${r.paramKey ?? 'null'}`,
      );
    for (const p of c.pairs) console.log(`    ✗ ${p.why}: {${p.a}} vs {${p.b}}`);
  }
}
