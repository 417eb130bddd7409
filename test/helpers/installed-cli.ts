// The CLI as a user gets it: `npm run build:cli`, `npm pack` of cli/dist, `npm install -g` of the
// tarball into an empty prefix (offline: the package has no dependencies). Returns the installed bin.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const NPM = join(dirname(process.execPath), 'npm');

export interface InstalledCli {
  /** The `crossfork` executable on the installed PATH. */
  bin: string;
  /** PATH holding only the install prefix's bin and node: nothing of the checkout. */
  path: string;
  prefix: string;
  tarball: string;
  tarballBytes: number;
  installedBytes: number;
}

function du(dir: string): number {
  let n = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    n += e.isDirectory() ? du(p) : e.isFile() ? statSync(p).size : 0;
  }
  return n;
}

export function installCli(): InstalledCli {
  const work = mkdtempSync(join(tmpdir(), 'crossfork-install-'));
  execFileSync(process.execPath, [join(ROOT, 'scripts/build-cli.mjs'), '--quiet'], { stdio: 'pipe' });
  const npmEnv = {
    ...process.env,
    npm_config_cache: join(work, 'npm-cache'),
    npm_config_update_notifier: 'false',
    npm_config_fund: 'false',
    npm_config_audit: 'false',
  };
  const packed = JSON.parse(
    execFileSync(NPM, ['pack', join(ROOT, 'cli/dist'), '--pack-destination', work, '--json'], {
      encoding: 'utf8',
      env: npmEnv,
      stdio: ['ignore', 'pipe', 'pipe'],
    }),
  ) as { filename: string }[];
  const tarball = join(work, packed[0].filename);
  const prefix = join(work, 'prefix');
  execFileSync(NPM, ['install', '-g', '--prefix', prefix, '--offline', tarball], { env: npmEnv, stdio: 'pipe' });
  return {
    bin: join(prefix, 'bin', 'crossfork'),
    path: [join(prefix, 'bin'), dirname(process.execPath), '/usr/bin', '/bin'].join(':'),
    prefix,
    tarball,
    tarballBytes: statSync(tarball).size,
    installedBytes: du(join(prefix, 'lib', 'node_modules', 'crossfork')),
  };
}
