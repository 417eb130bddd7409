// `npm ci` in a fresh checkout (the first step of every install path) prints no warning about
// dependency install scripts: each dependency with one is either allowed or denied in package.json's
// allowScripts (esbuild's binary check runs; @scarf/scarf's install-time analytics does not).
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const NPM = join(dirname(process.execPath), 'npm');
const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
const lock = JSON.parse(readFileSync(join(ROOT, 'package-lock.json'), 'utf8'));

/** The dependencies package-lock.json says have install scripts, by name. */
const withScripts = Object.entries(lock.packages as Record<string, { hasInstallScript?: boolean }>)
  .filter(([path, p]) => path !== '' && p.hasInstallScript)
  .map(([path]) => path.slice(path.lastIndexOf('node_modules/') + 'node_modules/'.length));

describe('npm ci: every dependency install script reviewed', () => {
  it('allowScripts in package.json decides each dependency with an install script (allowed or denied, by name)', () => {
    expect(withScripts.length).toBeGreaterThan(0);
    const decided = Object.keys(pkg.allowScripts ?? {});
    expect([...new Set(withScripts.filter((name) => !decided.includes(name)))]).toEqual([]);
    expect(pkg.allowScripts).toEqual({ esbuild: true, '@scarf/scarf': false });
  });

  // npm's own check (npm ≥ 11.x), on the installed tree: what `npm ci` warns about at its end.
  const ls = spawnSync(NPM, ['install-scripts', 'ls'], {
    cwd: ROOT,
    encoding: 'utf8',
    env: { ...process.env, npm_config_update_notifier: 'false' },
  });
  const hasPolicy = !/unknown command/i.test(ls.stdout + ls.stderr);
  if (!hasPolicy) console.warn('[test] this npm has no `npm install-scripts`: only package-lock.json checked');
  it.skipIf(!hasPolicy)('`npm install-scripts ls` finds nothing unreviewed', () => {
    expect(ls.status, ls.stderr).toBe(0);
    expect(ls.stdout.trim()).toBe('No packages with unreviewed install scripts.');
    expect(ls.stderr).not.toMatch(/warn/i);
  });
});
