// Reading a file named on the command line, failing with a one-line message.
import { readFileSync } from 'node:fs';
import { CliError } from './errors.ts';

export function readArgFile(path: string, what: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (err) {
    throw new CliError(
      `cannot read ${what} ${path}: ${(err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (err as Error).message}`,
    );
  }
}
