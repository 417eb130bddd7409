// Turning API client failures into the CLI's one-line expected failures.
import { ApiError, UnreachableError } from './api-client.ts';
import { CliError } from './errors.ts';

export function toCliError(err: unknown): unknown {
  if (err instanceof UnreachableError) return new CliError(`${err.message}; is it running? (set --server or CROSSFORK_SERVER)`);
  if (err instanceof ApiError) return new CliError(err.message);
  return err;
}
