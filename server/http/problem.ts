// The HTTP layer's problem documents (RFC 9457 problem+json), as routes and middleware throw them.
// Services throw domain errors instead (services/errors.ts); problem-map.ts maps those here.
import type { FieldIssue } from '../protocol/issues.ts';

export class ProblemError extends Error {
  constructor(
    readonly status: number,
    /** Short slug naming the kind of problem; becomes the problem `type`. */
    readonly slug: string,
    readonly title: string,
    readonly detail: string,
    readonly errors?: FieldIssue[],
    readonly headers?: Record<string, string>,
  ) {
    super(detail);
    this.name = 'ProblemError';
  }

  toJSON() {
    return {
      type: `https://crossfork.dev/problems/${this.slug}`,
      title: this.title,
      status: this.status,
      detail: this.detail,
      ...(this.errors?.length ? { errors: this.errors } : {}),
    };
  }
}

export const badRequest = (detail: string, errors?: FieldIssue[]) => new ProblemError(400, 'bad-request', 'Bad request', detail, errors);
