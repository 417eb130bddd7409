// Assignment adds each batch to its ideas' evidence (EvidenceRepository.add) instead of recomputing
// them: after batches of several ideas, classes, keys, outcomes and excluded rows, on both drivers,
// every evidence row (counts, OOM crashes, distinct contributors, deltas with their median and
// range) equals what a full recomputation from the records gives; so does each idea's document.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { drivers } from '../../helpers/db.ts';
import { testApp } from '../../helpers/app.ts';
import { envelope, makePayload, newSigner } from '../../helpers/records.ts';
import type { Database } from '../../../server/db/client.ts';
import { queryRows } from '../../../server/db/rows.ts';
import { EvidenceRepository } from '../../../server/repositories/evidence.repository.ts';

const HARDWARE = [
  { accelerator: 'cuda', device_name: 'NVIDIA GB10', device_count: 1, memory_mb: 122880 },
  { accelerator: 'cuda', device_name: 'NVIDIA H100 80GB HBM3', device_count: 1, memory_mb: 81559 },
  { accelerator: 'cuda', device_name: 'NVIDIA GeForce RTX 4090', device_count: 1, memory_mb: 24564 },
];
const CHANGES = ['increase MATRIX_LR from 0.04 to 0.06', 'halve weight decay 0.2 -> 0.1', 'DEPTH 8 -> 10', 'baseline'];

/** Every evidence row, as the API reads it, with its kept deltas and keys as sorted lists. */
async function evidenceRows(database: Database) {
  const rows = await queryRows<Record<string, unknown>>(
    database.db,
    sql`SELECT idea_id, harness_id, hardware_class, hardware_family, accelerator_kind, attempts, keeps, discards, crashes, oom_crashes,
               max_oom_memory_gb, contributors, deltas, median_delta, min_delta, max_delta, excluded,
               (SELECT array_agg(d ORDER BY d) FROM unnest(delta_values) d) AS delta_values,
               (SELECT array_agg(k ORDER BY k) FROM unnest(contributor_keys) k) AS contributor_keys
        FROM idea_evidence ORDER BY idea_id, harness_id, hardware_class`,
  );
  // Numbers as numbers (drivers differ), floats to a precision both sides agree on.
  return rows.map((r) =>
    Object.fromEntries(
      Object.entries(r).map(([k, v]) => [
        k,
        typeof v === 'number' || (typeof v === 'string' && /^-?[\d.e+-]+$/.test(v) && k !== 'idea_id')
          ? Number(Number(v).toPrecision(12))
          : Array.isArray(v)
            ? v.map((x) => (typeof x === 'string' && k === 'delta_values' ? Number(x) : x))
            : v,
      ]),
    ),
  );
}

describe.each(drivers)('evidence grown batch by batch on $name', (driver) => {
  let database: Database;
  let t: ReturnType<typeof testApp>;
  const keys = [newSigner('a'), newSigner('b'), newSigner('c'), newSigner('d')];

  beforeAll(async () => {
    database = await driver.open();
    t = testApp(database);
    await t.init();
    let n = 0;
    // Four batches, each assigned before the next is published: later ones join earlier ideas.
    for (let batch = 0; batch < 4; batch++) {
      for (let i = 0; i < 12; i++, n++) {
        const status = (['keep', 'discard', 'crash'] as const)[(n + batch) % 3];
        const oom = status === 'crash' && n % 2 === 0;
        const payload = makePayload({
          description: `${CHANGES[(n * 5) % CHANGES.length]}${oom ? ' (CUDA out of memory)' : ''}`,
          diff: null,
          hardware: HARDWARE[n % HARDWARE.length] as any,
          status,
          metrics: { val_bpb: status === 'crash' ? null : 1.3 + ((n * 37) % 11) / 1000 - 0.005 },
          // Every fifth record has no parent: shown, not counted.
          parent: { val_bpb: n % 5 === 4 ? null : 1.3 },
          fork: { id: `fork-${n % 6}` },
        });
        const res = await t.post('/v1/records', envelope(payload, keys[(n + Math.floor(batch / 2)) % keys.length]));
        expect(res.status).toBe(201);
      }
      await t.drain();
    }
  });
  afterAll(() => database?.close());

  it('equals a full recomputation of every idea from its records', async () => {
    const grown = await evidenceRows(database);
    expect(grown.length).toBeGreaterThan(8);
    // The batches met: some cell holds records of several batches, with several contributors and deltas.
    expect(grown.some((r) => Number(r.contributors) >= 2 && Number(r.deltas) >= 3)).toBe(true);
    expect(grown.some((r) => Number(r.oom_crashes) > 0)).toBe(true);
    const ideaIds = [...new Set(grown.map((r) => r.idea_id as string))];
    await new EvidenceRepository(database.db).refresh(ideaIds);
    expect(await evidenceRows(database)).toEqual(grown);
  });

  it("grows each idea's document (attempts, changes, concepts, words) as a full recomputation writes it", async () => {
    const documents = () =>
      queryRows<Record<string, unknown>>(
        database.db,
        sql`SELECT id, attempts, described, concepts, changes, search::text AS search FROM ideas ORDER BY id`,
      );
    const grown = await documents();
    // Descriptions repeat across the batches: each is in its idea's document once.
    expect(grown.some((d) => Number(d.described) >= 1 && Number(d.attempts) > Number(d.described))).toBe(true);
    await t.services.ideas.refreshIdeas(grown.map((d) => d.id as string));
    expect(await documents()).toEqual(grown);
  });

  it('the API never reads the kept deltas and keys', async () => {
    const [row] = await queryRows<{ idea_id: string }>(database.db, sql`SELECT idea_id FROM idea_evidence LIMIT 1`);
    const { rows } = await new EvidenceRepository(database.db).byIdeas([row.idea_id]);
    for (const r of rows) expect(Object.keys(r)).not.toEqual(expect.arrayContaining(['deltaValues']));
  });
});
