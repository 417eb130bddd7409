// `crossfork export` against a real HTTP server (PGlite): the file holds every record once, the
// --json summary says so, an interrupted file is resumed after its last complete line, bad flags fail.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { serve, type ServerType } from '@hono/node-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { drivers } from '../helpers/db.ts';
import { testApp } from '../helpers/app.ts';
import { seedDataset, type SeededDataset } from '../helpers/dataset.ts';
import { crossfork, newHome } from '../helpers/cli.ts';
import { freePort } from '../helpers/server-process.ts';
import type { Database } from '../../server/db/client.ts';

describe('crossfork export', () => {
  let database: Database;
  let server: ServerType;
  let url: string;
  let seeded: SeededDataset;
  const home = newHome();
  beforeAll(async () => {
    database = await drivers[0].open();
    const t = testApp(database);
    await t.init();
    seeded = await seedDataset(t);
    const port = await freePort();
    server = serve({ fetch: t.app.fetch, port, hostname: '127.0.0.1' });
    url = `http://127.0.0.1:${port}`;
  }, 60_000);
  afterAll(async () => {
    server?.close();
    await database?.close();
  });

  const ids = (file: string) =>
    readFileSync(file, 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((l) => (JSON.parse(l) as { id: string }).id);

  it('writes every record once and says so in --json; the licence goes to stderr', async () => {
    const file = join(home, 'all.ndjson');
    const r = await crossfork(['export', '-o', file, '--json'], { home, server: url });
    expect(r.code, r.stderr).toBe(0);
    expect(r.json).toMatchObject({ file, records: seeded.ids.length, expected: seeded.ids.length, complete: true, licence: 'CC-BY-4.0' });
    expect(new Set(ids(file))).toEqual(new Set(seeded.ids));
    expect(r.stderr).toMatch(/CC BY 4\.0/);
    // The file is not overwritten by accident.
    const again = await crossfork(['export', '-o', file], { home, server: url });
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/exists: pass --resume/);
  });

  it('resumes a file cut in the middle of a line', async () => {
    const full = join(home, 'full.ndjson');
    expect((await crossfork(['export', '-o', full], { home, server: url })).code).toBe(0);
    const text = readFileSync(full, 'utf8');
    const cut = join(home, 'cut.ndjson');
    const lines = text.split('\n');
    writeFileSync(cut, `${lines.slice(0, 7).join('\n')}\n${lines[7].slice(0, 40)}`); // 7 lines and a torn one
    const r = await crossfork(['export', '-o', cut, '--resume', '--json'], { home, server: url });
    expect(r.code, r.stderr).toBe(0);
    expect(r.json).toMatchObject({ records: seeded.ids.length - 7, complete: true });
    expect(readFileSync(cut, 'utf8')).toBe(text);
  });

  it('refuses bad flags with a usage error', async () => {
    const r = await crossfork(['export', '-o', join(home, 'x.ndjson'), '--since', 'last tuesday'], { home, server: url });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--since must be a time/);
    const h = await crossfork(['export', '-o', join(home, 'y.ndjson'), '--harness-id', 'abc'], { home, server: url });
    expect(h.code).toBe(2);
  });
});
