// The run prompt's suggestion lines, pure: numbered ideas with their reasons, and never an idea
// worse beyond noise (its interval above 0) under "Kept by others", whatever a server answers.
import { describe, expect, it } from 'vitest';
import { suggestionLines } from '../../../cli/lib/suggestions.ts';
import type { Suggestions } from '../../../server/protocol/api.schema.ts';

const tier = { attempts: 0, keeps: 0, discards: 0, crashes: 0, classes: [] };
const suggestion = (
  description: string,
  effect: { median: number; low: number; high: number } | null,
): Suggestions['suggestions'][number] => ({
  idea_id: description,
  description,
  examples: [],
  score: 1,
  basis: 'kept_near',
  transfers: false,
  reason: `Kept 3 of 3 on RTX 4090 24GB${effect ? `; median Δ ${effect.median}` : ''}.`,
  evidence: {
    tiers: { class: tier, family: tier, kind: tier, elsewhere: tier },
    families: [],
    effect: effect && { n: 3, noise: 0.002, within_noise: effect.low <= 0 && effect.high >= 0, ...effect },
    effect_proximity: effect ? 'class' : null,
  },
});
const answer = (s: Suggestions['suggestions']): Suggestions => ({
  harness_id: 'h',
  hardware_class: 'RTX 4090 24GB',
  hardware_family: 'NVIDIA consumer 20–24GB',
  fork: null,
  tried_by_fork: 0,
  suggestions: s,
  avoid: [],
});

describe('suggestionLines', () => {
  it('numbers the ideas with their reasons, leaving out those worse beyond noise', () => {
    const lines = suggestionLines(
      answer([
        suggestion('DEPTH=6', { median: 0.01239, low: 0.01008, high: 0.0147 }),
        suggestion('tie embeddings', { median: -0.004, low: -0.0063, high: -0.0017 }),
        suggestion('QK norm', { median: 0.001, low: -0.0013, high: 0.0033 }),
        suggestion('rotary base', null),
      ]),
    );
    expect(lines.split('\n')).toEqual([
      '1. "tie embeddings": Kept 3 of 3 on RTX 4090 24GB; median Δ -0.004.',
      '2. "QK norm": Kept 3 of 3 on RTX 4090 24GB; median Δ 0.001.',
      '3. "rotary base": Kept 3 of 3 on RTX 4090 24GB.',
    ]);
  });

  it('nothing left: an empty string (the prompt then leaves the section out)', () => {
    expect(suggestionLines(answer([suggestion('DEPTH=6', { median: 0.01239, low: 0.01008, high: 0.0147 })]))).toBe('');
    expect(suggestionLines(answer([]))).toBe('');
  });
});
