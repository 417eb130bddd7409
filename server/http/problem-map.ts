// The one map from expected failures (services' domain errors, refused envelopes) to
// problem+json: each code's HTTP status, title and headers.
import { ProblemError } from './problem.ts';
import { DomainError, type DomainErrorCode, type ExpectedError } from '../services/errors.ts';
import { EnvelopeError, type EnvelopeErrorCode } from '../protocol/envelope.ts';

const PROBLEMS: Record<DomainErrorCode | EnvelopeErrorCode, readonly [status: number, title: string]> = {
  'not-found': [404, 'Not found'],
  'invalid-cursor': [400, 'Invalid cursor'],
  'key-revoked': [403, 'Key revoked'],
  'claim-clock-skew': [422, 'Claim out of time'],
  'key-clock-skew': [422, 'Key link out of time'],
  'claim-expired': [422, 'Claim expired'],
  'claim-replayed': [409, 'Claim replayed'],
  'key-link-replayed': [409, 'Key link replayed'],
  'invalid-batch': [422, 'Invalid batch'],
  'invalid-replication': [422, 'Invalid replication'],
  'github-user-not-found': [422, 'GitHub user not found'],
  'key-not-on-github': [403, 'Key not on GitHub'],
  'github-disabled': [503, 'GitHub not configured'],
  'github-unavailable': [503, 'GitHub unavailable'],
  'rate-limited': [429, 'Too many requests'],
  'snapshots-disabled': [503, 'Snapshots not configured'],
  'invalid-envelope': [422, 'Invalid envelope'],
  'unknown-schema': [422, 'Unknown payload schema'],
  'invalid-payload': [422, 'Invalid payload'],
  'bad-signature': [401, 'Signature rejected'],
};

/** The problem document for an expected failure. */
export function toProblem(err: ExpectedError): ProblemError {
  const [status, title] = PROBLEMS[err.code];
  const headers: Record<string, string> = {};
  if (err instanceof DomainError && err.retryAfterS !== undefined) headers['Retry-After'] = String(err.retryAfterS);
  if (status === 401) headers['WWW-Authenticate'] = 'SSHSIG namespace="crossfork"';
  return new ProblemError(status, err.code, title, err.message, err.issues, Object.keys(headers).length ? headers : undefined);
}

/** The problem document for any thrown value that is an expected failure; null for a bug. */
export function problemOf(err: unknown): ProblemError | null {
  if (err instanceof ProblemError) return err;
  if (err instanceof DomainError || err instanceof EnvelopeError) return toProblem(err);
  return null;
}
