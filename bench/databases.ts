// Throw-away databases on the native PostgreSQL for benchmarks (set up by scripts/setup-test-env.sh).
import { execFileSync } from 'node:child_process';
import postgres from 'postgres';
import { postgresTarget } from '../server/db/postgres-url.ts';

export async function benchDatabaseUrl(name: string): Promise<string> {
  let base = process.env.TEST_DATABASE_URL;
  if (!base) {
    const out = execFileSync('bash', ['scripts/setup-test-env.sh'], { encoding: 'utf8' });
    base = /TEST_DATABASE_URL='([^']+)'/.exec(out)![1];
  }
  const target = postgresTarget(base);
  const admin = postgres(target.url, { ...target.options, max: 1, onnotice: () => {} });
  await admin.unsafe(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  await admin.unsafe(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(base);
  url.pathname = `/${name}`;
  return url.toString();
}
