// The open dataset on both drivers: GET /v1/export re-verified line by line with the real
// `ssh-keygen -Y verify`, resumed by cursor, filtered; bad queries refused; the Parquet snapshot
// (admin endpoint) read back by pyarrow from the project's .venv, counts and values matching.
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { drivers } from '../../helpers/db.ts';
import { TEST_LIMITS, testApp } from '../../helpers/app.ts';
import { seedDataset, type SeededDataset } from '../../helpers/dataset.ts';
import { makePayload } from '../../helpers/records.ts';
import { sshKeygenKey } from '../../helpers/ssh-keygen.ts';
import { canonicalBytes, canonicalJson } from '../../../server/protocol/canonical.ts';
import { createApp } from '../../../server/app.ts';
import type { Database } from '../../../server/db/client.ts';
import { ideaEvidence } from '../../../server/db/schema/ideas.ts';
import type { ExportLine, SnapshotManifest } from '../../../server/protocol/dataset.schema.ts';

const ROOT = resolve(import.meta.dirname, '../../..');
const PYTHON = join(process.env.CROSSFORK_VENV ? resolve(ROOT, process.env.CROSSFORK_VENV) : join(ROOT, '.venv'), 'bin', 'python');
const pyarrow = spawnSync(PYTHON, ['-c', 'import pyarrow; print(pyarrow.__version__)'], { encoding: 'utf8' });
if (pyarrow.status !== 0) {
  const msg = `${PYTHON} has no pyarrow: run scripts/setup-python.sh (scripts/requirements-data.txt)`;
  if (process.env.CI) throw new Error(`the snapshot read-back test needs pyarrow in CI: ${msg}`);
  console.warn(`[test] snapshot read-back skipped: ${msg}`);
}
const ADMIN = { authorization: 'Bearer s3cret-admin' };

function lines(text: string): ExportLine[] {
  return text
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as ExportLine);
}

/** `ssh-keygen -Y verify` over the canonical payload, with the line's own key as the allowed signer. */
function sshVerify(dir: string, line: ExportLine, message: Buffer): boolean {
  const allowed = join(dir, `allowed-${line.id}`);
  const sig = join(dir, `sig-${line.id}`);
  writeFileSync(allowed, `signer@crossfork ${line.public_key}\n`);
  writeFileSync(sig, line.signature!);
  const r = spawnSync('ssh-keygen', ['-Y', 'verify', '-f', allowed, '-I', 'signer@crossfork', '-n', 'crossfork', '-s', sig], {
    input: message,
  });
  return r.status === 0;
}

describe.each(drivers)('the open dataset ($name)', (driver) => {
  let database: Database;
  let t: ReturnType<typeof testApp>;
  let app: ReturnType<typeof createApp>;
  let seeded: SeededDataset;
  let dir: string;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'crossfork-dataset-'));
    database = await driver.open();
    t = testApp(database, { snapshotDir: join(dir, 'snapshots') });
    app = createApp({ services: t.services, config: { ...TEST_LIMITS, adminToken: 's3cret-admin' } });
    await t.init();
    // Two records signed by OpenSSH itself (ed25519 and RSA), besides the in-process ones.
    const extra = (['ed25519', 'rsa'] as const).map((type) => {
      const key = sshKeygenKey(type);
      const payload = makePayload({ description: `use SwiGLU in the MLP (${type})`, diff: null, status: 'discard' });
      return { payload, signature: key.sign(canonicalBytes(payload)), public_key: key.publicKey };
    });
    seeded = await seedDataset(t, extra);
  }, 120_000);
  afterAll(async () => {
    await database?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('exports every visible record; every signed envelope verifies with ssh-keygen, byte for byte', async () => {
    const res = await t.get('/v1/export');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/application\/x-ndjson/);
    const text = await res.text();
    const all = lines(text);
    expect(all.length).toBe(seeded.ids.length);
    expect(Number(res.headers.get('x-total-count'))).toBe(all.length);
    expect(new Set(all.map((l) => l.id))).toEqual(new Set(seeded.ids));
    const signed = all.filter((l) => l.signed);
    expect(signed.length).toBe(seeded.ids.length - seeded.unsigned);
    for (const [i, raw] of text.split('\n').filter(Boolean).entries()) {
      const line = all[i];
      const bytes = Buffer.from(canonicalJson(line.payload), 'utf8');
      // The payload on the line is the stored canonical text itself, and its hash is the id.
      expect(raw).toContain(`"payload":${bytes.toString('utf8')},`);
      if (!line.signed) continue; // an unsigned row's id hashes where it was read, not a payload
      expect(createHash('sha256').update(bytes).digest('hex')).toBe(line.id);
      expect(sshVerify(dir, line, bytes), `ssh-keygen -Y verify ${line.id}`).toBe(true);
    }
    // A tampered payload does not verify (the check is real).
    const forged = { ...signed[0], payload: { ...signed[0].payload, description: 'forged' } };
    expect(sshVerify(dir, forged, Buffer.from(canonicalJson(forged.payload)))).toBe(false);
  });

  it('says what the server derived, and where unsigned records came from', async () => {
    const all = lines(await (await t.get('/v1/export')).text());
    const byId = new Map(all.map((l) => [l.id, l]));
    const confirmed = byId.get(seeded.confirmedId)!;
    // Bob ran the same train.py twice (his own try and his replication): two replications, confirmed by another key.
    expect(confirmed.derived).toMatchObject({ hardware_class: 'H100 80GB', confirmed: true, confirmed_by: 'other_key', replications: 2 });
    // The same judgement as the record's own page.
    for (const l of all.slice(0, 8)) {
      const view = (await (await t.get(`/v1/records/${l.id}`)).json()) as any;
      expect(l.derived.confirmed).toBe(view.replication?.confirmed ?? false);
      expect(l.derived.replications).toBe(view.replication?.replications ?? 0);
      expect(l.derived.idea_id).toBe(view.idea_id);
    }
    expect(confirmed.derived.idea_id).toBeTruthy();
    expect(confirmed.derived.delta_val_bpb).toBeCloseTo(-0.0038, 6);
    expect(confirmed.derived.harness_known).toBe(false);
    const crash = all.find((l) => l.payload.status === 'crash')!;
    expect(crash.derived).toMatchObject({ confirmed: false, noise_sigma: null, delta_val_bpb: null });
    const unsigned = all.filter((l) => !l.signed);
    expect(unsigned).toHaveLength(seeded.unsigned);
    for (const l of unsigned) {
      expect(l).toMatchObject({ signature: null, public_key: null, provenance: `github:someone/autoresearch@${'f'.repeat(40)}` });
      expect(l.derived).toMatchObject({ key_fingerprint: null, time_unknown: true, confirmed: false });
    }
    // Lines come in insertion order with increasing cursors.
    const cursors = all.map((l) => Number(l.cursor));
    expect([...cursors].sort((a, b) => a - b)).toEqual(cursors);
  });

  it('resumes after a cursor and filters by class, harness and time', async () => {
    const all = lines(await (await t.get('/v1/export')).text());
    const rest = lines(await (await t.get(`/v1/export?cursor=${all[9].cursor}`)).text());
    expect(rest.map((l) => l.id)).toEqual(all.slice(10).map((l) => l.id));
    const h100 = lines(await (await t.get(`/v1/export?hardware_class=${encodeURIComponent('H100 80GB')}`)).text());
    expect(h100.length).toBe(all.filter((l) => l.derived.hardware_class === 'H100 80GB').length);
    expect(h100.length).toBeGreaterThan(0);
    const harness = all[0].derived.harness_id;
    const onHarness = lines(await (await t.get(`/v1/export?harness=${harness}`)).text());
    expect(onHarness.length).toBe(all.filter((l) => l.derived.harness_key === harness).length);
    const future = await t.get('/v1/export?since=2099-01-01T00:00:00Z');
    expect(future.headers.get('x-total-count')).toBe('0');
    expect(await future.text()).toBe('');
    const past = lines(await (await t.get('/v1/export?until=2000-01-01T00:00:00Z')).text());
    expect(past).toHaveLength(0);
  });

  it.each([
    ['cursor=abc', /cursor/],
    ['since=yesterday', /since/],
    ['harness=nothex', /harness/],
    ['colour=red', /colour|unrecognized/i],
  ])('refuses ?%s with a problem document', async (query, detail) => {
    const res = await t.get(`/v1/export?${query}`);
    expect(res.status).toBe(400);
    expect(res.headers.get('content-type')).toMatch(/problem\+json/);
    expect(((await res.json()) as { detail: string }).detail).toMatch(detail);
  });

  it('writes a Parquet snapshot that pyarrow reads back with the export’s counts and values', async () => {
    expect((await app.request('/v1/admin/snapshots', { method: 'POST' })).status).toBe(401);
    expect((await app.request('/v1/snapshots/latest/records.parquet')).status).toBe(404);
    const made = await app.request('/v1/admin/snapshots', { method: 'POST', headers: ADMIN });
    expect(made.status).toBe(201);
    const manifest = (await made.json()) as SnapshotManifest;
    expect(manifest.licence.id).toBe('CC-BY-4.0');
    expect(((await (await app.request('/v1/snapshots')).json()) as any).snapshots[0].id).toBe(manifest.id);
    const bad = await app.request('/v1/snapshots/latest/secrets.txt');
    expect(bad.status).toBe(400);
    const sums = await (await app.request(`/v1/snapshots/${manifest.id}/SHA256SUMS`)).text();
    const files: Record<string, string> = {};
    for (const f of manifest.files) {
      const res = await app.request(`/v1/snapshots/latest/${f.name}`);
      expect(res.status).toBe(200);
      const bytes = Buffer.from(await res.arrayBuffer());
      expect(bytes.length).toBe(f.bytes);
      expect(createHash('sha256').update(bytes).digest('hex')).toBe(f.sha256);
      expect(sums).toContain(`${f.sha256}  ${f.name}`);
      files[f.name] = join(dir, `${driver.name}-${f.name}`);
      writeFileSync(files[f.name], bytes);
    }
    if (pyarrow.status !== 0) return;
    const read = execFileSync(
      PYTHON,
      [
        '-c',
        `import json, sys, pyarrow.parquet as pq
r = pq.read_table(sys.argv[1]).to_pylist()
i = pq.read_table(sys.argv[2]).to_pylist()
e = pq.read_table(sys.argv[3]).to_pylist()
meta = pq.read_metadata(sys.argv[1]).metadata
print(json.dumps({"records": [{k: v for k, v in x.items() if k in ("id", "val_bpb", "delta_val_bpb", "hardware_class", "hardware_family", "confirmed", "signed", "idea_id", "status", "num_steps", "key_fingerprint")} for x in r],
  "ideas": [x["id"] for x in i], "evidence": sum(x["attempts"] for x in e), "licence": meta[b"crossfork.licence"].decode()}))`,
        files['records.parquet'],
        files['ideas.parquet'],
        files['evidence.parquet'],
      ],
      { encoding: 'utf8' },
    );
    const back = JSON.parse(read) as { records: Record<string, unknown>[]; ideas: string[]; evidence: number; licence: string };
    const exported = lines(await (await t.get('/v1/export')).text());
    expect(back.licence).toBe('CC-BY-4.0');
    expect(back.records).toHaveLength(exported.length);
    expect(manifest.files.find((f) => f.name === 'records.parquet')!.rows).toBe(exported.length);
    for (const [i, l] of exported.entries())
      expect(back.records[i]).toEqual({
        id: l.id,
        val_bpb: l.payload.metrics.val_bpb,
        delta_val_bpb: l.derived.delta_val_bpb,
        hardware_class: l.derived.hardware_class,
        hardware_family: l.derived.hardware_family,
        confirmed: l.derived.confirmed,
        signed: l.signed,
        idea_id: l.derived.idea_id,
        status: l.payload.status,
        num_steps: l.payload.metrics.num_steps,
        key_fingerprint: l.derived.key_fingerprint,
      });
    expect(new Set(back.ideas)).toEqual(new Set(exported.flatMap((l) => (l.derived.idea_id ? [l.derived.idea_id] : []))));
    // Evidence rows as stored: the same attempts the evidence table holds.
    const stored = await database.db.select().from(ideaEvidence);
    expect(back.evidence).toBeGreaterThan(0);
    expect(back.evidence).toBe(stored.reduce((a, r) => a + r.attempts, 0));
    // The example analysis (scripts/analysis/transfer_matrix.py) runs offline on the snapshot.
    const analysis = execFileSync(PYTHON, [join(ROOT, 'scripts/analysis/transfer_matrix.py'), join(dir, 'snapshots', manifest.id)], {
      encoding: 'utf8',
    });
    expect(analysis).toMatch(/NVIDIA datacenter 40–80GB -> NVIDIA consumer 20–24GB\s+2\s+0\.50/);
    expect(analysis).toMatch(/H100 80GB\s+4\s+0\.000\d\d/);
  }, 60_000);
});
