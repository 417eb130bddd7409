// renderCheck: the text answer of `crossfork check` (and the MCP tool), values as people write them.
import { describe, expect, it } from 'vitest';
import { renderCheck } from '../../../cli/lib/render.ts';
import type { CheckResponse } from '../../../server/protocol/api.schema.ts';

describe('renderCheck', () => {
  it('reads the change back with batch sizes as powers of two, other values as stored', () => {
    const r = {
      verdict: 'novel',
      warning: false,
      reason: 'Nothing similar has been tried.',
      hardware_class: null,
      hardware_family: null,
      changes: [
        { concept: 'TOTAL_BATCH_SIZE', action: 'lower', from: '65536', to: '32768' },
        { concept: 'MATRIX_LR', action: 'set', from: null, to: '0.04' },
        { concept: 'FP8', action: 'enable', from: null, to: null },
      ],
      embedding_degraded: false,
      matches: [],
      related: [],
    } as unknown as CheckResponse;
    const text = renderCheck(r);
    expect(text).toContain('read as: lower TOTAL_BATCH_SIZE 2^16 → 2^15; set MATRIX_LR to 0.04; enable FP8');
    expect(text).toContain('nobody has published anything like it yet');
  });
});
