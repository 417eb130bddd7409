// Hostile-input run at bench scale: every property of test/helpers/hostile.ts with enough
// cases for ≥ 10,000 in all, against the real app on native PostgreSQL (or PGlite).
//   npm run bench -- fuzz [--runs 1500] [--driver postgres|pglite] [--seed N]
import { parseArgs } from 'node:util';
import fc from 'fast-check';
import { openDatabase } from '../server/db/client.ts';
import { createServices } from '../server/services/container.ts';
import { createApp } from '../server/app.ts';
import { hostileProperties, type Target } from '../test/helpers/hostile.ts';
import { benchDatabaseUrl } from './databases.ts';

export async function run(argv: string[]) {
  const { values } = parseArgs({
    args: argv,
    options: { runs: { type: 'string', default: '1500' }, driver: { type: 'string', default: 'postgres' }, seed: { type: 'string' } },
  });
  const runs = Number(values.runs);
  const seed = values.seed ? Number(values.seed) : Date.now() % 2 ** 31;
  const database =
    values.driver === 'pglite'
      ? await openDatabase({ dataDir: 'memory://' })
      : await openDatabase({ url: await benchDatabaseUrl('crossfork_bench_fuzz') });
  const services = createServices({ database, rateLimitWrites: 0 });
  const app = createApp({ services, config: { maxBodyBytes: 1 << 20, maxBatchBodyBytes: 32 << 20 } });
  const target: Target = {
    request: async (path, init) => app.request(path, init),
    stored: async () => (await services.repos.records.count()) + (await services.repos.claims.count()),
    now: () => new Date(),
  };
  console.log(`fuzz: ${runs} cases per property on ${database.driver}, seed ${seed}`);
  let total = 0;
  let failures = 0;
  const t0 = performance.now();
  for (const p of hostileProperties()) {
    const s = performance.now();
    const out = await fc.check(p.property(target), { numRuns: runs, seed });
    total += out.numRuns;
    if (out.failed) failures += 1;
    const verdict = out.failed ? `FAILED: ${fc.defaultReportMessage(out)?.split('\n').slice(0, 3).join(' ')}` : 'ok';
    console.log(
      `  ${String(out.numRuns).padStart(6)} cases (${out.numSkips} skipped as no-ops) in ${((performance.now() - s) / 1000).toFixed(1)} s  ${p.name}: ${verdict}`,
    );
  }
  const seconds = (performance.now() - t0) / 1000;
  console.log(
    `fuzz: ${total} cases in ${seconds.toFixed(1)} s (${Math.round(total / seconds)} cases/s), ${failures} failing properties, no 5xx`,
  );
  console.log(
    JSON.stringify({
      bench: 'fuzz',
      driver: database.driver,
      seed,
      cases: total,
      seconds: Number(seconds.toFixed(1)),
      failing_properties: failures,
    }),
  );
  await services.stop();
  await database.close();
  if (failures) process.exitCode = 1;
}
