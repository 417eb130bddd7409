// EmbedderError: an embedding failure that says whether trying again may succeed, keeping its cause.
import { describe, expect, it } from 'vitest';
import { EmbedderError } from '../../../../server/services/ideas/embedder.ts';

describe('EmbedderError', () => {
  it('carries the message, the retryable flag and the cause', () => {
    const cause = new Error('socket hang up');
    const e = new EmbedderError('embedding failed', true, { cause });
    expect(e).toBeInstanceOf(Error);
    expect(e).toMatchObject({ name: 'EmbedderError', message: 'embedding failed', retryable: true, cause });
    expect(new EmbedderError('bad request', false).retryable).toBe(false);
  });
});
