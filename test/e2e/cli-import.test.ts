// `crossfork import` and `watch` end to end: a real fork repository (reset-away commits included),
// the real CLI executable, the real server on PGlite.
import { appendFileSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawn } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type ServerProcess } from '../helpers/server-process.ts';
import { BIN, crossfork, newHome } from '../helpers/cli.ts';
import { makeFork, NIGHT } from '../helpers/fork-repo.ts';
import { startTcpProxy } from '../helpers/tcp-proxy.ts';

const HW = ['--device', 'NVIDIA H100 80GB HBM3', '--memory-mb', '81559', '--accelerator', 'cuda'];

async function records(url: string, key?: string) {
  const res = await fetch(`${url}/v1/records?limit=200${key ? `&key=${encodeURIComponent(key)}` : ''}`);
  return ((await res.json()) as any).records as any[];
}

describe('crossfork import / watch against a real server', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'crossfork-cli-e2e-'));
  let server: ServerProcess;
  beforeAll(async () => {
    server = await startServer({ CROSSFORK_DATA_DIR: join(dataDir, 'data'), DATABASE_URL: '' });
  });
  afterAll(async () => {
    await server?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('imports one record per row (discarded diff recovered, crash with null val_bpb), then nothing the second time', async () => {
    const fork = makeFork(NIGHT);
    const home = newHome();
    const init = await crossfork(['init', '--yes', '--json'], { home, server: server.url });
    expect(init.code).toBe(0);
    const fp = init.json.key.fingerprint;

    const first = await crossfork(['import', '--repo', fork.dir, '--json', ...HW], { home, server: server.url });
    expect(first.code, first.stderr).toBe(0);
    expect(first.json).toMatchObject({
      rows: 5,
      published: { created: 5, duplicate: 0 },
      queued: 0,
      already_published: 0,
      skipped: [],
      problems: [],
    });

    const got = (await records(server.url, fp)).sort((a, b) => a.payload.created_at.localeCompare(b.payload.created_at));
    expect(got.map((r) => [r.payload.status, r.payload.metrics.val_bpb, r.payload.description])).toEqual(
      NIGHT.map((e) => [e.status, e.val_bpb, e.description]),
    );
    for (const r of got) {
      expect(r.harness_id).toBe(fork.harnessId);
      expect(r.payload.harness).toMatchObject({ id: fork.harnessId, time_budget_s: 300 });
      expect(r.hardware_class).toBe('H100 80GB');
      expect(r.payload.fork.branch).toBe('autoresearch/mar8');
    }
    const [baseline, kept, discarded, crashed, kept2] = got;
    // The discarded commit exists only in the reflog; its diff against the kept parent is recovered.
    expect(discarded.payload.commit).toBe(fork.rows[2].full);
    expect(discarded.payload.diff).toContain('-MATRIX_LR = 0.05');
    expect(discarded.payload.diff).toContain('+MATRIX_LR = 0.08');
    expect(discarded.payload.parent).toMatchObject({ commit: fork.rows[1].full, val_bpb: 0.9932 });
    expect(discarded.payload.parent.train_py_sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(crashed.payload.metrics.val_bpb).toBeNull();
    expect(crashed.payload.diff).toContain('+DEPTH');
    expect(crashed.payload.parent.val_bpb).toBe(0.9932);
    expect(kept2.payload.parent).toMatchObject({ commit: fork.rows[1].full, val_bpb: 0.9932 });
    expect(kept2.delta_val_bpb).toBeCloseTo(0.9901 - 0.9932, 6);
    expect(kept.payload.parent.val_bpb).toBe(0.9979);
    expect(baseline.payload.parent.val_bpb).toBeNull();

    const second = await crossfork(['import', '--repo', fork.dir, '--json', ...HW], { home, server: server.url });
    expect(second.code).toBe(0);
    expect(second.json).toMatchObject({ published: { created: 0, duplicate: 0 }, already_published: 5, queued_now: 0 });
    expect(await records(server.url, fp)).toHaveLength(5);
  });

  it('server down: rows are queued (exit 0, said clearly); server up: `sync` delivers each exactly once', async () => {
    const fork = makeFork(NIGHT.slice(0, 3));
    const home = newHome();
    const init = await crossfork(['init', '--yes', '--json'], { home, server: server.url });
    const fp = init.json.key.fingerprint;
    const down = 'http://127.0.0.1:9';
    const queued = await crossfork(['import', '--repo', fork.dir, ...HW], { home, server: down });
    expect(queued.code).toBe(0);
    expect(queued.stdout).toMatch(/3 records queued in .*outbox; they will be sent by `crossfork sync` or the next command/);
    const again = await crossfork(['import', '--repo', fork.dir, '--json', ...HW], { home, server: down });
    expect(again.json).toMatchObject({ queued: 3, queued_now: 0, already_published: 3 });
    const syncDown = await crossfork(['sync', '--json'], { home, server: down });
    expect(syncDown.code).toBe(1);
    expect(syncDown.json).toMatchObject({ pending_before: 3, created: 0, queued: 3 });
    expect(await records(server.url, fp)).toHaveLength(0);

    const sync = await crossfork(['sync', '--json'], { home, server: server.url });
    expect(sync.code, sync.stderr).toBe(0);
    expect(sync.json).toMatchObject({ pending_before: 3, created: 3, duplicate: 0, queued: 0 });
    const empty = await crossfork(['sync', '--json'], { home, server: server.url });
    expect(empty.json).toMatchObject({ pending_before: 0, created: 0 });
    expect(await records(server.url, fp)).toHaveLength(3);
    expect(readdirSync(join(home, 'outbox')).filter((f) => f.endsWith('.jsonl'))).toEqual([]);
  });

  it('a real outage: the server process stops, import queues, the server restarts, sync delivers once', async () => {
    const own = join(dataDir, 'outage');
    let srv = await startServer({ CROSSFORK_DATA_DIR: own, DATABASE_URL: '' });
    const fork = makeFork(NIGHT.slice(0, 4));
    const home = newHome();
    const fp = (await crossfork(['init', '--yes', '--json'], { home, server: srv.url })).json.key.fingerprint;
    const url = srv.url;
    await srv.stop();
    const queued = await crossfork(['import', '--repo', fork.dir, '--json', ...HW], { home, server: url });
    expect(queued.code).toBe(0);
    expect(queued.json).toMatchObject({ queued: 4, published: { created: 0 } });
    expect(queued.stderr).toMatch(/4 records queued in/);
    srv = await startServer({ CROSSFORK_DATA_DIR: own, DATABASE_URL: '' });
    try {
      const sync = await crossfork(['sync', '--json'], { home, server: srv.url });
      expect(sync.json).toMatchObject({ created: 4, duplicate: 0, queued: 0 });
      const again = await crossfork(['import', '--repo', fork.dir, '--json', ...HW], { home, server: srv.url });
      expect(again.json).toMatchObject({ published: { created: 0, duplicate: 0 }, queued: 0 });
      expect(await records(srv.url, fp)).toHaveLength(4);
    } finally {
      await srv.stop();
    }
  }, 60_000);

  it('the next command delivers the outbox, and a redelivered record counts as delivered, not duplicated', async () => {
    const fork = makeFork(NIGHT.slice(0, 2));
    const home = newHome();
    const fp = (await crossfork(['init', '--yes', '--json'], { home, server: server.url })).json.key.fingerprint;
    await crossfork(['import', '--repo', fork.dir, ...HW], { home, server: 'http://127.0.0.1:9' });
    // Simulate an acknowledgement lost in transit: the server already has the first record.
    const outbox = join(home, 'outbox');
    const [file] = readdirSync(outbox).filter((f) => f.endsWith('.jsonl'));
    const first = (await import('node:fs')).readFileSync(join(outbox, file), 'utf8').split('\n')[0];
    await fetch(`${server.url}/v1/records`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: first });
    const lb = await crossfork(['leaderboard', '--json'], { home, server: server.url });
    expect(lb.code).toBe(0);
    expect(lb.stderr).toMatch(/delivered 2 queued records/);
    expect(await records(server.url, fp)).toHaveLength(2);
  });

  it('watch publishes a row appended to results.tsv within seconds', async () => {
    const fork = makeFork(NIGHT.slice(0, 2));
    const home = newHome();
    const fp = (await crossfork(['init', '--yes', '--json'], { home, server: server.url })).json.key.fingerprint;
    const child = spawn(process.execPath, [BIN, 'watch', '--repo', fork.dir, '--interval', '200', '--json', ...HW], {
      env: { ...process.env, CROSSFORK_HOME: home, CROSSFORK_SERVER: server.url },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    const until = async (n: number, ms = 15_000) => {
      const t0 = Date.now();
      while (Date.now() - t0 < ms) {
        if ((await records(server.url, fp)).length >= n) return Date.now() - t0;
        await new Promise((r) => setTimeout(r, 100));
      }
      throw new Error(`not ${n} records within ${ms} ms:\n${err}`);
    };
    try {
      await until(2);
      const t0 = Date.now();
      fork.append({ description: 'warmdown 0.5 -> 0.3', status: 'discard', val_bpb: 0.9991, lr: 0.07 });
      await until(3);
      expect(Date.now() - t0).toBeLessThan(5_000);
      // A half-written line is not published until it is complete: said to be waiting, never skipped.
      appendFileSync(join(fork.dir, 'results.tsv'), 'abcdef0\t0.99');
      for (let i = 0; i < 50 && !err.includes('line 5: waiting'); i++) await new Promise((r) => setTimeout(r, 100));
      expect(err).toContain('line 5: waiting for the rest of it (no end of line yet); it is published once complete');
      expect(await records(server.url, fp)).toHaveLength(3);
      appendFileSync(join(fork.dir, 'results.tsv'), '50000\t44.0\tdiscard\tno such commit, logged anyway\n');
      await until(4);
      expect(err).not.toMatch(/skipped|Warning/);
      const recs = await records(server.url, fp);
      expect(recs.find((r) => r.payload.description === 'no such commit, logged anyway').payload.metrics.val_bpb).toBe(0.995);
      expect(recs.find((r) => r.payload.description === 'warmdown 0.5 -> 0.3').payload.diff).toContain('+MATRIX_LR = 0.07');
    } finally {
      child.kill('SIGTERM');
      await new Promise((r) => child.once('close', r));
    }
    expect(JSON.parse(out)).toMatchObject({ created: 4 });
  });

  it('watch keeps rows appended while the server is unreachable and delivers them once it answers again', async () => {
    const fork = makeFork(NIGHT.slice(0, 1));
    const home = newHome();
    const fp = (await crossfork(['init', '--yes', '--json'], { home, server: server.url })).json.key.fingerprint;
    const proxy = await startTcpProxy({ host: '127.0.0.1', port: Number(new URL(server.url).port) });
    const child = spawn(process.execPath, [BIN, 'watch', '--repo', fork.dir, '--interval', '200', ...HW], {
      env: { ...process.env, CROSSFORK_HOME: home, CROSSFORK_SERVER: `http://127.0.0.1:${proxy.port}`, CROSSFORK_RETRIES: '0' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let err = '';
    child.stderr.on('data', (d) => (err += d));
    const waitFor = async (pred: () => Promise<boolean>, what: string) => {
      const t0 = Date.now();
      while (Date.now() - t0 < 15_000) {
        if (await pred()) return;
        await new Promise((r) => setTimeout(r, 150));
      }
      throw new Error(`${what} did not happen:\n${err}`);
    };
    try {
      await waitFor(async () => (await records(server.url, fp)).length === 1, 'the first row published');
      proxy.cut();
      fork.append({ description: 'during the outage', status: 'discard', val_bpb: 1.0123, lr: 0.09 });
      await waitFor(async () => /1 record queued in/.test(err), 'the queued message');
      expect(await records(server.url, fp)).toHaveLength(1);
      proxy.restore();
      await waitFor(async () => (await records(server.url, fp)).length === 2, 'delivery after the outage');
      await new Promise((r) => setTimeout(r, 600));
      expect(await records(server.url, fp)).toHaveLength(2);
    } finally {
      child.kill('SIGTERM');
      await new Promise((r) => child.once('close', r));
      await proxy.close();
    }
  });
});
