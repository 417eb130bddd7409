// The harness id of a fork checkout: the SHA-256 of its prepare.py (or the --harness-id flag).
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { usageError } from './errors.ts';

export function harnessId(repo: string, flag?: string): string | undefined {
  if (flag !== undefined) {
    if (!/^[0-9a-f]{64}$/.test(flag)) throw usageError('--harness-id must be a lowercase hex SHA-256');
    return flag;
  }
  try {
    return createHash('sha256').update(readFileSync(join(resolve(repo), 'prepare.py'))).digest('hex');
  } catch {
    return undefined;
  }
}
