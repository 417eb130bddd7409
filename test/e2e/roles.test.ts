// CROSSFORK_ROLE on one PostgreSQL database: an `api` process stores and answers but assigns
// nothing; a `worker` process (only /healthz and /metrics over HTTP) assigns what the API stored,
// woken through the change feed; a role the embedded database cannot take is refused at start.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freshPostgresUrl, nativePostgresUrl } from '../helpers/db.ts';
import { startServer, type ServerProcess } from '../helpers/server-process.ts';
import { envelope, makePayload, newSigner } from '../helpers/records.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

if (!nativePostgresUrl) {
  if (process.env.CI) throw new Error('the role tests need TEST_DATABASE_URL (CI must run them)');
  console.warn('[test] TEST_DATABASE_URL is not set: the role tests are skipped');
}

const post = (url: string, path: string, body: unknown) =>
  fetch(`${url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
const ideaOf = async (url: string, id: string) => ((await (await fetch(`${url}/v1/records/${id}`)).json()) as any).idea_id as string | null;

async function within(ms: number, fn: () => Promise<boolean>): Promise<void> {
  const t0 = performance.now();
  while (!(await fn())) {
    if (performance.now() - t0 > ms) throw new Error(`not within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe.skipIf(!nativePostgresUrl)('an API process and a worker process on one database', () => {
  let db: Awaited<ReturnType<typeof freshPostgresUrl>>;
  let api: ServerProcess;
  let worker: ServerProcess | undefined;
  beforeAll(async () => {
    db = await freshPostgresUrl();
    api = await startServer({ DATABASE_URL: db.url, CROSSFORK_ROLE: 'api', CROSSFORK_VERIFY_THREADS: '1' }, 90_000);
  }, 120_000);
  afterAll(async () => {
    await Promise.all([api, worker].map((s) => s?.stop('SIGKILL')));
    await db?.drop();
  }, 60_000);

  it('the API stores without assigning; the worker assigns it once it runs, and serves no API', async () => {
    const res = await post(
      api.url,
      '/v1/records',
      envelope(makePayload({ description: 'raise MATRIX_LR from 0.04 to 0.06 (roles test)' }), newSigner('roles')),
    );
    expect(res.status).toBe(201);
    const id = ((await res.json()) as any).id as string;
    await new Promise((r) => setTimeout(r, 1500));
    expect(await ideaOf(api.url, id)).toBeNull();

    worker = await startServer({ DATABASE_URL: db.url, CROSSFORK_ROLE: 'worker' }, 90_000);
    await within(30_000, async () => (await ideaOf(api.url, id)) !== null);
    // Stored after the worker started: the change feed wakes it (no poll interval to wait out).
    const second = await post(
      api.url,
      '/v1/records',
      envelope(makePayload({ description: 'lower WEIGHT_DECAY from 0.1 to 0.05 (roles test)' }), newSigner('roles')),
    );
    const id2 = ((await second.json()) as any).id as string;
    await within(5_000, async () => (await ideaOf(api.url, id2)) !== null);

    expect((await fetch(`${worker.url}/healthz`)).status).toBe(200);
    expect(await (await fetch(`${worker.url}/metrics`)).text()).toMatch(/crossfork_job_queue_depth/);
    expect((await fetch(`${worker.url}/v1/records`)).status).toBe(404);
  }, 120_000);
});

describe('roles the embedded database cannot take', () => {
  it.each(['api', 'worker'])('CROSSFORK_ROLE=%s without DATABASE_URL exits 1 saying why', (role) => {
    const r = spawnSync(process.execPath, ['--import', 'tsx', 'server/main.ts'], {
      cwd: ROOT,
      env: { ...process.env, DATABASE_URL: '', CROSSFORK_ROLE: role, PORT: '0', LOG_LEVEL: 'info' },
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(r.status).toBe(1);
    expect(r.stdout + r.stderr).toMatch(/CROSSFORK_ROLE=api or worker needs DATABASE_URL/);
  });

  it('an unknown role is refused', () => {
    const r = spawnSync(process.execPath, ['--import', 'tsx', 'server/main.ts'], {
      cwd: ROOT,
      env: { ...process.env, CROSSFORK_ROLE: 'both', PORT: '0' },
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(r.status).not.toBe(0);
    expect(r.stdout + r.stderr).toMatch(/CROSSFORK_ROLE must be all, api or worker, got "both"/);
  });
});
