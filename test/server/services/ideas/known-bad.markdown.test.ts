// knownBadMarkdown: the known-bad list as markdown for a prompt, one line per idea, its scope in
// the heading, descriptions on one line; an empty list says so.
import { describe, expect, it } from 'vitest';
import { knownBadMarkdown } from '../../../../server/services/ideas/known-bad.markdown.ts';

const outcome = { attempts: 3, keeps: 0, discards: 2, crashes: 1, oom_crashes: 0, excluded: 0, contributors: 2, effect: null };
const idea = {
  id: 'i1',
  description: 'raise  the\nmatrix lr',
  param_key: null,
  examples: [],
  overall: { ...outcome, delta_val_bpb: { median: 0.0123, min: 0.01, max: 0.02 } },
  by_class: [{ harness_id: 'h', hardware_class: 'H100-80GB', ...outcome, delta_val_bpb: { median: 0.0123, min: 0.01, max: 0.02 } }],
};

describe('knownBadMarkdown', () => {
  it('writes one line per idea with its counts', () => {
    const md = knownBadMarkdown({ harness_id: null, hardware_class: 'H100-80GB', ideas: [idea] as never });
    expect(md).toContain('## Known-bad ideas (H100-80GB, all harnesses)');
    expect(md).toContain('- raise the matrix lr — 3 attempts (H100-80GB ×3); 0 kept; median Δval_bpb +0.0123; 1 crashed');
    expect(md.endsWith('\n')).toBe(true);
  });

  it('says so when nothing is known-bad', () => {
    const md = knownBadMarkdown({ harness_id: null, hardware_class: null, ideas: [] });
    expect(md).toContain('(all hardware, all harnesses)');
    expect(md).toContain('_Nothing known-bad yet._');
  });
});
