// The model's answers: parsed strictly, applied only when every search matches exactly once and
// only train.py changes; prepared edits move to a constant's new line after a kept experiment.
import { describe, expect, it } from 'vitest';
import { applyEdits, parseProposal, ProposalError, rebaseEdits } from '../../cli/run/edits.ts';

const SRC = 'LR = 0.04\nDEPTH = 8\n\ndef f(x):\n    return x\n';

describe('proposals', () => {
  it('parses a JSON proposal, also inside a ```json fence', () => {
    const p = { description: 'raise LR', edits: [{ search: 'LR = 0.04', replace: 'LR = 0.05' }] };
    expect(parseProposal(JSON.stringify(p))).toEqual(p);
    expect(parseProposal('```json\n' + JSON.stringify(p) + '\n```')).toEqual(p);
    expect(parseProposal(JSON.stringify({ ...p, edits: [{ ...p.edits[0], file: 'train.py' }] }))).toEqual(p);
  });

  it.each([
    ['not JSON', 'I would raise the LR', /not a JSON object/],
    ['no edits', JSON.stringify({ description: 'x', edits: [] }), /no edits/],
    ['empty description', JSON.stringify({ description: ' ', edits: [{ search: 'a', replace: 'b' }] }), /description is empty/],
    ['unknown keys', JSON.stringify({ description: 'x', edits: [{ search: 'a', replace: 'b' }], shell: 'rm -rf /' }), /shape/],
    ['another file', JSON.stringify({ description: 'x', edits: [{ file: 'prepare.py', search: 'a', replace: 'b' }] }), /only train\.py/],
    ['a path outside', JSON.stringify({ description: 'x', edits: [{ path: '../train.py', search: 'a', replace: 'b' }] }), /only train\.py/],
  ])('refuses %s', (_name, content, reason) => {
    expect(() => parseProposal(content)).toThrow(reason);
    expect(() => parseProposal(content)).toThrow(ProposalError);
  });

  it('applies edits only when each search occurs exactly once and something changes', () => {
    expect(applyEdits(SRC, [{ search: 'LR = 0.04', replace: 'LR = 0.05' }])).toMatch(/^LR = 0\.05$/m);
    expect(() => applyEdits(SRC, [{ search: 'LR = 0.4', replace: 'x' }])).toThrow(/not in train\.py/);
    expect(() => applyEdits(SRC + 'LR = 0.04\n', [{ search: 'LR = 0.04', replace: 'x' }])).toThrow(/more than once/);
    expect(() => applyEdits(SRC, [{ search: 'DEPTH = 8', replace: 'DEPTH = 8' }])).toThrow(/change nothing/);
  });

  it("moves a prepared constant edit to the constant's current line, and nothing else", () => {
    const kept = SRC.replace('LR = 0.04', 'LR = 0.05');
    expect(rebaseEdits(kept, [{ search: 'LR = 0.04', replace: 'LR = 0.09' }])).toMatch(/^LR = 0\.09$/m);
    expect(() =>
      rebaseEdits(
        kept,
        [{ search: 'def f(x):\n    return x', replace: 'def f(x):\n    return 2 * x' }].map((e) => ({
          ...e,
          search: e.search.replace('x', 'y'),
        })),
      ),
    ).toThrow(/not in train\.py/);
  });
});
