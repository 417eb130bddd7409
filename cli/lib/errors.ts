// The CLI's expected failures: a one-line message and an exit code (1 failure, 2 usage). Anything else is a bug.
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: 1 | 2 = 1,
  ) {
    super(message);
    this.name = 'CliError';
  }
}

export const usageError = (message: string) => new CliError(message, 2);
