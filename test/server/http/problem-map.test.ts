// The one map from expected failures to problem+json: every domain error and refused envelope
// keeps the status, type, title, detail and headers the API has always answered with.
import { describe, expect, it } from 'vitest';
import { problemOf, toProblem } from '../../../server/http/problem-map.ts';
import { ProblemError } from '../../../server/http/problem.ts';
import { EnvelopeError } from '../../../server/protocol/envelope.ts';
import {
  ClaimExpiredError,
  ClockSkewError,
  DomainError,
  GithubDisabledError,
  GithubUnreachableError,
  GithubUserNotFoundError,
  InvalidBatchError,
  InvalidCursorError,
  InvalidReplicationError,
  KeyNotOnGithubError,
  NotFoundError,
  RateLimitedError,
  ReplayedError,
  RevokedKeyError,
} from '../../../server/services/errors.ts';

const FP = 'SHA256:abc';
const cases: [DomainError | EnvelopeError, number, string, string, string, Record<string, string>?][] = [
  [new NotFoundError('record x'), 404, 'not-found', 'Not found', 'record x does not exist'],
  [
    new InvalidCursorError(),
    400,
    'invalid-cursor',
    'Invalid cursor',
    'cursor is not one this server issued; pass next_cursor back unchanged',
  ],
  [
    new RevokedKeyError(FP, ' and may not claim'),
    403,
    'key-revoked',
    'Key revoked',
    `the key ${FP} was revoked by an administrator and may not claim`,
  ],
  [
    new ClockSkewError('claim', -120, 60),
    422,
    'claim-clock-skew',
    'Claim out of time',
    "claim created_at is 120 s behind the server's clock (at most 60 s allowed); sign a fresh claim",
  ],
  [
    new ClockSkewError('key', 90, 60),
    422,
    'key-clock-skew',
    'Key link out of time',
    "created_at is 90 s ahead of the server's clock (at most 60 s allowed); sign a fresh statement",
  ],
  [
    new ClaimExpiredError(new Date('2026-01-01T00:00:00Z')),
    422,
    'claim-expired',
    'Claim expired',
    'claim expired at 2026-01-01T00:00:00.000Z',
  ],
  [new ReplayedError('claim', 'again'), 409, 'claim-replayed', 'Claim replayed', 'again'],
  [new ReplayedError('key-link', 'again'), 409, 'key-link-replayed', 'Key link replayed', 'again'],
  [
    new InvalidBatchError('invalid batch: records: is required', [{ path: 'records', message: 'is required' }]),
    422,
    'invalid-batch',
    'Invalid batch',
    'invalid batch: records: is required',
  ],
  [new InvalidReplicationError('replicates: no record r'), 422, 'invalid-replication', 'Invalid replication', 'replicates: no record r'],
  [new GithubUserNotFoundError('octo'), 422, 'github-user-not-found', 'GitHub user not found', 'GitHub has no user "octo"'],
  [
    new KeyNotOnGithubError(FP, 'octo'),
    403,
    'key-not-on-github',
    'Key not on GitHub',
    `the signing key ${FP} is not among the public keys GitHub lists for octo (https://github.com/octo.keys); add it there first`,
  ],
  [
    new GithubDisabledError('sync with GitHub'),
    503,
    'github-disabled',
    'GitHub not configured',
    'this server has no GITHUB_TOKEN, so it cannot sync with GitHub',
  ],
  [
    new GithubUnreachableError('GitHub could not be asked; retry later', 7),
    503,
    'github-unavailable',
    'GitHub unavailable',
    'GitHub could not be asked; retry later',
    { 'Retry-After': '7' },
  ],
  [new RateLimitedError('slow down', 3), 429, 'rate-limited', 'Too many requests', 'slow down', { 'Retry-After': '3' }],
  [new EnvelopeError('invalid-envelope', 'bad shape'), 422, 'invalid-envelope', 'Invalid envelope', 'bad shape'],
  [new EnvelopeError('unknown-schema', 'what'), 422, 'unknown-schema', 'Unknown payload schema', 'what'],
  [new EnvelopeError('invalid-payload', 'no'), 422, 'invalid-payload', 'Invalid payload', 'no'],
  [
    new EnvelopeError('bad-signature', 'signature rejected: x'),
    401,
    'bad-signature',
    'Signature rejected',
    'signature rejected: x',
    { 'WWW-Authenticate': 'SSHSIG namespace="crossfork"' },
  ],
];

describe('problem map', () => {
  it.each(cases)('maps %s', (err, status, slug, title, detail, headers) => {
    const p = toProblem(err);
    expect(p.toJSON()).toMatchObject({ type: `https://crossfork.dev/problems/${slug}`, title, status, detail });
    expect(p.headers).toEqual(headers);
  });

  it('carries field issues: a replication names payload.replicates', () => {
    expect(toProblem(new InvalidReplicationError('replicates: no record r')).toJSON().errors).toEqual([
      { path: 'payload.replicates', message: 'no record r' },
    ]);
    expect(toProblem(new EnvelopeError('invalid-payload', 'no')).toJSON()).not.toHaveProperty('errors');
  });

  it('passes a ProblemError through and answers null for anything else (a bug)', () => {
    const own = new ProblemError(415, 'unsupported-media-type', 'Unsupported media type', 'send JSON');
    expect(problemOf(own)).toBe(own);
    expect(problemOf(new Error('boom'))).toBeNull();
    expect(problemOf('text')).toBeNull();
    expect(problemOf(undefined)).toBeNull();
  });
});
