// kill -9 of the server during a 10,000-record `crossfork import`: after a restart, every record
// the CLI saw acknowledged is stored, none is half-written, and `crossfork sync` delivers the
// rest exactly once.
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawn } from 'node:child_process';
import { afterAll, describe, expect, it } from 'vitest';
import { freshPostgresUrl, nativePostgresUrl } from '../helpers/db.ts';
import { startServer, type ServerProcess } from '../helpers/server-process.ts';
import { BIN, crossfork, newHome } from '../helpers/cli.ts';
import { canonicalJson } from '../../server/protocol/canonical.ts';

const ROWS = Number(process.env.KILL_TEST_ROWS ?? 10_000);
const HW = ['--device', 'NVIDIA GeForce RTX 4090', '--memory-mb', '24564', '--accelerator', 'cuda'];

/** A fork whose git objects are gone (rows without diffs): results.tsv and prepare.py only. */
function bigFork(rows: number): string {
  const dir = mkdtempSync(join(tmpdir(), 'crossfork-kill-fork-'));
  writeFileSync(join(dir, 'prepare.py'), 'TIME_BUDGET = 300\n');
  const lines = ['commit\tval_bpb\tmemory_gb\tstatus\tdescription'];
  for (let i = 0; i < rows; i++)
    lines.push(
      `${createHash('sha1').update(String(i)).digest('hex').slice(0, 7)}\t${(1 - i / 1e6).toFixed(6)}\t44.0\t${i % 5 === 0 ? 'keep' : 'discard'}\texperiment ${i}: MATRIX_LR 0.0${i % 9} -> 0.0${(i + 1) % 9}`,
    );
  writeFileSync(join(dir, 'results.tsv'), `${lines.join('\n')}\n`);
  return dir;
}

async function ingested(url: string): Promise<number> {
  const text = await fetch(`${url}/metrics`).then(
    (r) => r.text(),
    () => '',
  );
  return Number(/^crossfork_records_ingested_total (\S+)/m.exec(text)?.[1] ?? 0);
}

function outboxIds(home: string): Set<string> {
  const dir = join(home, 'outbox');
  const ids = new Set<string>();
  if (!existsSync(dir)) return ids;
  for (const f of readdirSync(dir).filter((x) => x.endsWith('.jsonl'))) {
    for (const line of readFileSync(join(dir, f), 'utf8').split('\n').filter(Boolean))
      ids.add(JSON.parse(line).id ?? contentIdOf(JSON.parse(line).payload));
  }
  return ids;
}

const contentIdOf = (payload: unknown) => createHash('sha256').update(canonicalJson(payload)).digest('hex');

function ledgerIds(home: string): Set<string> {
  const dir = join(home, 'forks');
  const ids = new Set<string>();
  for (const f of readdirSync(dir))
    for (const line of readFileSync(join(dir, f), 'utf8').split('\n').filter(Boolean)) ids.add(JSON.parse(line).id);
  return ids;
}

describe.skipIf(!nativePostgresUrl)('kill -9 of the server during a CLI import (native PostgreSQL)', () => {
  let server: ServerProcess | undefined;
  let db: { url: string; drop(): Promise<void> } | undefined;
  afterAll(async () => {
    await server?.stop('SIGKILL');
    await db?.drop();
  });

  it(`loses no acknowledged record of ${ROWS} and delivers the rest exactly once`, async () => {
    db = await freshPostgresUrl();
    const env = { DATABASE_URL: db.url, CROSSFORK_RATE_LIMIT_WRITES: '0' };
    server = await startServer(env, 60_000);
    const home = newHome();
    expect((await crossfork(['init', '--yes'], { home, server: server.url })).code).toBe(0);
    const fork = bigFork(ROWS);

    const child = spawn(process.execPath, [BIN, 'import', '--repo', fork, '--json', ...HW], {
      env: { ...process.env, CROSSFORK_HOME: home, CROSSFORK_SERVER: server.url, CROSSFORK_RETRIES: '0' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const exited = new Promise<number | null>((resolve) => child.once('close', resolve));
    // Kill the server once part of the import is in.
    for (let i = 0; i < 1200 && (await ingested(server.url)) < ROWS / 5; i++) await new Promise((r) => setTimeout(r, 25));
    const before = await ingested(server.url);
    expect(before).toBeGreaterThan(0);
    expect(before).toBeLessThan(ROWS);
    server.child.kill('SIGKILL');
    await server.stop();
    expect(await exited, stderr).toBe(0); // queued is not a failure
    const report = JSON.parse(stdout);
    expect(report.queued).toBeGreaterThan(0);

    const all = ledgerIds(home);
    expect(all.size).toBe(ROWS);
    const pending = outboxIds(home);
    const acknowledged = [...all].filter((id) => !pending.has(id));
    expect(acknowledged.length).toBeGreaterThan(0);

    console.log(
      `[kill -9] server killed after ${before} records ingested; the CLI saw ${acknowledged.length} acknowledged and queued ${pending.size}`,
    );
    server = await startServer(env, 60_000);
    const postgres = (await import('postgres')).default;
    const sql = postgres(db.url, { max: 1, onnotice: () => {} });
    try {
      const stored = new Set((await sql`SELECT id FROM records`).map((r) => r.id as string));
      for (const id of acknowledged) expect(stored.has(id)).toBe(true);
      // None half-written: every stored row's id is the hash of its stored payload.
      const broken = await sql`SELECT id FROM records WHERE encode(sha256(convert_to(payload, 'UTF8')), 'hex') <> id`;
      expect(broken).toHaveLength(0);

      const sync = await crossfork(['sync', '--json'], { home, server: server.url, timeoutMs: 120_000 });
      expect(sync.code, sync.stderr).toBe(0);
      expect(outboxIds(home).size).toBe(0);
      const [{ n, distinct }] = await sql`SELECT count(*)::int AS n, count(DISTINCT id)::int AS distinct FROM records`;
      expect(n).toBe(ROWS);
      expect(distinct).toBe(ROWS);
      const again = await crossfork(['import', '--repo', fork, '--json', ...HW], { home, server: server.url });
      expect(again.code).toBe(0);
      expect((await sql`SELECT count(*)::int AS n FROM records`)[0].n).toBe(ROWS);
    } finally {
      await sql.end();
      rmSync(fork, { recursive: true, force: true });
    }
  }, 240_000);
});
