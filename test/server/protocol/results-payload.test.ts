// One results.tsv row → a record payload: the row's own cells (description cut to the limit,
// memory in MiB), the caller's parts, and metrics known beyond the row replacing the row's.
import { describe, expect, it } from 'vitest';
import { rowPayload, type RowPayloadParts } from '../../../server/protocol/results-payload.ts';
import { parseResultsTsv } from '../../../server/protocol/results-tsv.ts';
import { recordPayloadSchema } from '../../../server/protocol/record.schema.ts';
import { LIMITS } from '../../../server/protocol/limits.ts';

const parts: RowPayloadParts = {
  created_at: '2026-03-08T21:00:00.000Z',
  diff: null,
  parent: null,
  commit: 'a1b2c3d',
  memoryGb: 44.2,
  harness: { id: 'a'.repeat(64), name: 'autoresearch', time_budget_s: 300 },
  hardware: { accelerator: 'cuda', device_name: 'NVIDIA H100 80GB HBM3', device_count: 1, memory_mb: 81559, driver: null, runtime: null },
  agent: { model: null, tool: null },
  fork: { id: 'f', branch: null, url: null },
};

describe('rowPayload', () => {
  const [row] = parseResultsTsv(
    `commit\tval_bpb\tmemory_gb\tstatus\tdescription\tmfu\na1b2c3d\t0.997900\t44.2\tkeep\t${'x'.repeat(LIMITS.descriptionChars + 10)}\t38.5\n`,
  ).rows;

  it('makes a valid payload from the row and the parts', () => {
    const p = rowPayload(row, parts);
    expect(recordPayloadSchema.safeParse(p).success).toBe(true);
    expect(p.metrics).toMatchObject({ val_bpb: 0.9979, peak_vram_mb: 45260.8, mfu_percent: 38.5, total_seconds: null });
    expect(p.description.length).toBe(LIMITS.descriptionChars);
    expect(p).not.toHaveProperty('time_unknown');
  });

  it('says time_unknown when asked, no memory when none is read, and lets extra metrics win', () => {
    const p = rowPayload(row, { ...parts, time_unknown: true, memoryGb: null, extraMetrics: { mfu_percent: 40, total_seconds: 320 } });
    expect(p.time_unknown).toBe(true);
    expect(p.metrics).toMatchObject({ peak_vram_mb: null, mfu_percent: 40, total_seconds: 320 });
  });
});
