// What tests read from ../shared (kept beside the project, never in it: the real fork logs and
// bundles, GitHub's schema) and the one rule for a suite that needs it: skipped with a warning on a
// developer's machine, a failure in CI (process.env.CI), where ../shared is always present.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** ../shared/corpus/results/: the real fork logs (results.tsv files and MANIFEST.tsv). */
export const CORPUS_RESULTS = new URL('../../../shared/corpus/results/', import.meta.url);

/**
 * True when `path` (under ../shared) exists. Otherwise throws in CI, and elsewhere warns that
 * `what` is skipped and returns false (for `describe.skipIf(!…)`).
 */
export function sharedPresent(path: URL | string, what: string): boolean {
  if (existsSync(path)) return true;
  const why = `${path instanceof URL ? fileURLToPath(path) : path} is absent: ${what} skipped`;
  if (process.env.CI) throw new Error(`${why}, but CI must run it (../shared is part of the CI checkout)`);
  console.warn(`[test] ${why}`);
  return false;
}
