// The services' expected failures, one class per kind, each with a stable `code`; they know
// nothing of HTTP: server/http/problem-map.ts turns them into problem+json, in one place.
import type { FieldIssue } from '../protocol/issues.ts';
import type { EnvelopeError } from '../protocol/envelope.ts';

export type DomainErrorCode =
  | 'not-found'
  | 'invalid-cursor'
  | 'key-revoked'
  | 'claim-clock-skew'
  | 'key-clock-skew'
  | 'claim-expired'
  | 'claim-replayed'
  | 'key-link-replayed'
  | 'invalid-batch'
  | 'invalid-replication'
  | 'github-user-not-found'
  | 'key-not-on-github'
  | 'github-disabled'
  | 'github-unavailable'
  | 'rate-limited'
  | 'snapshots-disabled';

/** What a service may fail with, short of a bug: its own errors, or a refused envelope. */
export type ExpectedError = DomainError | EnvelopeError;

/** An expected failure: the caller can act on `code`; `message` says what to do in a sentence. */
export abstract class DomainError extends Error {
  abstract readonly code: DomainErrorCode;
  /** The fields at fault, where the input was. */
  readonly issues?: FieldIssue[];
  /** Seconds after which trying again may succeed. */
  readonly retryAfterS?: number;

  constructor(message: string, extra: { issues?: FieldIssue[]; retryAfterS?: number } = {}) {
    super(message);
    this.name = new.target.name;
    this.issues = extra.issues;
    this.retryAfterS = extra.retryAfterS;
  }
}

export class NotFoundError extends DomainError {
  readonly code = 'not-found';
  constructor(what: string) {
    super(`${what} does not exist`);
  }
}

export class InvalidCursorError extends DomainError {
  readonly code = 'invalid-cursor';
  constructor() {
    super('cursor is not one this server issued; pass next_cursor back unchanged');
  }
}

export class RevokedKeyError extends DomainError {
  readonly code = 'key-revoked';
  /** `consequence` follows "the key … was revoked by an administrator" (with its own punctuation). */
  constructor(
    readonly fingerprint: string,
    consequence: string,
  ) {
    super(`the key ${fingerprint} was revoked by an administrator${consequence}`);
  }
}

/** A signed statement whose created_at is too far from the server's clock. */
export class ClockSkewError extends DomainError {
  readonly code: 'claim-clock-skew' | 'key-clock-skew';
  constructor(subject: 'claim' | 'key', skewS: number, maxS: number) {
    const what = subject === 'claim' ? 'claim created_at' : 'created_at';
    const fresh = subject === 'claim' ? 'claim' : 'statement';
    super(
      `${what} is ${Math.abs(skewS)} s ${skewS < 0 ? 'behind' : 'ahead of'} the server's clock (at most ${maxS} s allowed); sign a fresh ${fresh}`,
    );
    this.code = `${subject}-clock-skew`;
  }
}

export class ClaimExpiredError extends DomainError {
  readonly code = 'claim-expired';
  constructor(expiresAt: Date) {
    super(`claim expired at ${expiresAt.toISOString()}`);
  }
}

/** A signed statement already submitted (a claim, or a key link no newer than the stored one). */
export class ReplayedError extends DomainError {
  readonly code: 'claim-replayed' | 'key-link-replayed';
  constructor(subject: 'claim' | 'key-link', detail: string) {
    super(detail);
    this.code = `${subject}-replayed`;
  }
}

export class InvalidBatchError extends DomainError {
  readonly code = 'invalid-batch';
  constructor(detail: string, issues: FieldIssue[]) {
    super(detail, { issues });
  }
}

/** A record's `replicates` that cannot be honoured (unknown original, another harness...). */
export class InvalidReplicationError extends DomainError {
  readonly code = 'invalid-replication';
  constructor(detail: string) {
    super(detail, { issues: [{ path: 'payload.replicates', message: detail.replace(/^replicates: /, '') }] });
  }
}

export class GithubUserNotFoundError extends DomainError {
  readonly code = 'github-user-not-found';
  constructor(login: string) {
    super(`GitHub has no user "${login}"`);
  }
}

export class KeyNotOnGithubError extends DomainError {
  readonly code = 'key-not-on-github';
  constructor(fingerprint: string, login: string) {
    super(
      `the signing key ${fingerprint} is not among the public keys GitHub lists for ${login} (https://github.com/${login}.keys); add it there first`,
    );
  }
}

/** The server has no GitHub token; `cannot` says what it therefore cannot do. */
export class GithubDisabledError extends DomainError {
  readonly code = 'github-disabled';
  constructor(cannot: string) {
    super(`this server has no GITHUB_TOKEN, so it cannot ${cannot}`);
  }
}

/** GitHub did not answer a look-up a request needs. */
export class GithubUnreachableError extends DomainError {
  readonly code = 'github-unavailable';
  constructor(detail: string, retryAfterS: number) {
    super(detail, { retryAfterS });
  }
}

export class RateLimitedError extends DomainError {
  readonly code = 'rate-limited';
  constructor(detail: string, retryAfterS: number) {
    super(detail, { retryAfterS });
  }
}

/** The server keeps no dataset snapshots (no snapshot folder configured). */
export class SnapshotsDisabledError extends DomainError {
  readonly code = 'snapshots-disabled';
  constructor() {
    super('this server writes no dataset snapshots (set CROSSFORK_SNAPSHOT_DIR); GET /v1/export streams every record instead');
  }
}
