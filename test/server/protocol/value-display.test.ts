// showValue: stored values as people write them, in reasons and the CLI.
import { describe, expect, it } from 'vitest';
import { showValue } from '../../../server/protocol/value-display.ts';

describe('showValue', () => {
  it('shows powers of two from 2^10 as people write batch sizes, the rest as stored', () => {
    expect(['524288', '1024', '4294967296', '512', '1000', '0.04', '(0.9,0.95)', 'cosine'].map(showValue)).toEqual([
      '2^19',
      '2^10',
      '2^32',
      '512',
      '1000',
      '0.04',
      '(0.9,0.95)',
      'cosine',
    ]);
  });
});
