// CLI start-up benchmark: the package as a user installs it (`npm pack`, `npm install -g` into an
// empty prefix), then the wall time of `crossfork --help` and of `crossfork check "<idea>"` (against a
// local server on PGlite, with a saved machine profile), next to `node -e 0` in the same run and the
// sources run through tsx. Runs are interleaved; medians (and min / max) are reported.
//   npm run bench -- cli [--runs 15]
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { BIN } from '../test/helpers/cli.ts';
import { installCli } from '../test/helpers/installed-cli.ts';
import { startServer } from '../test/helpers/server-process.ts';

interface Case {
  name: string;
  cmd: string;
  args: string[];
  env?: Record<string, string>;
  cwd?: string;
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

function time(c: Case): number {
  const t0 = process.hrtime.bigint();
  const r = spawnSync(c.cmd, c.args, { env: { ...process.env, ...c.env }, cwd: c.cwd, stdio: ['ignore', 'pipe', 'pipe'] });
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  if (r.status !== 0) throw new Error(`${c.name} failed (${r.status}): ${r.stderr.toString().slice(-500)}`);
  return ms;
}

export async function run(argv: string[]) {
  const { values } = parseArgs({ args: argv, options: { runs: { type: 'string', default: '15' } } });
  const runs = Number(values.runs);
  const dir = mkdtempSync(join(tmpdir(), 'crossfork-bench-cli-'));
  const cli = installCli();
  console.log(
    `installed package: ${(cli.tarballBytes / 1024).toFixed(0)} KiB packed, ${(cli.installedBytes / 1024 / 1024).toFixed(2)} MiB installed, no dependencies`,
  );
  const server = await startServer({ CROSSFORK_DATA_DIR: join(dir, 'data'), DATABASE_URL: '' });
  try {
    const home = join(dir, 'home');
    const env = { PATH: cli.path, CROSSFORK_HOME: home, CROSSFORK_SERVER: server.url };
    const fork = join(dir, 'fork');
    spawnSync('mkdir', ['-p', fork]);
    writeFileSync(join(fork, 'prepare.py'), 'TIME_BUDGET = 300\n');
    const init = spawnSync(
      cli.bin,
      ['init', '--yes', '--device', 'NVIDIA GeForce RTX 4090', '--memory-mb', '24564', '--accelerator', 'cuda'],
      { env: { ...process.env, ...env } },
    );
    if (init.status !== 0) throw new Error(`init failed: ${init.stderr}`);
    const idea = ['check', 'increase MATRIX_LR from 0.04 to 0.05'];
    const cases: Case[] = [
      { name: 'node -e 0', cmd: process.execPath, args: ['-e', '0'] },
      { name: 'crossfork --help (installed)', cmd: cli.bin, args: ['--help'], env },
      { name: 'crossfork check (installed)', cmd: cli.bin, args: idea, env, cwd: fork },
      { name: 'crossfork --help (sources, tsx)', cmd: process.execPath, args: [BIN, '--help'], env },
      { name: 'crossfork check (sources, tsx)', cmd: process.execPath, args: [BIN, ...idea], env, cwd: fork },
    ];
    for (const c of cases) time(c); // warm the file cache and the server
    const samples = new Map(cases.map((c) => [c.name, [] as number[]]));
    for (let i = 0; i < runs; i++) for (const c of cases) samples.get(c.name)!.push(time(c));
    const base = median(samples.get('node -e 0')!);
    console.log(`\n${runs} runs each, interleaved; wall time of the whole process`);
    console.log(`${'command'.padEnd(34)}${'median'.padStart(9)}${'min'.padStart(9)}${'max'.padStart(9)}${'× node -e 0'.padStart(14)}`);
    for (const c of cases) {
      const xs = samples.get(c.name)!;
      const m = median(xs);
      console.log(
        `${c.name.padEnd(34)}${`${m.toFixed(0)} ms`.padStart(9)}${`${Math.min(...xs).toFixed(0)} ms`.padStart(9)}${`${Math.max(...xs).toFixed(0)} ms`.padStart(9)}${`${(m / base).toFixed(2)}×`.padStart(14)}`,
      );
    }
  } finally {
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
    rmSync(join(cli.prefix, '..'), { recursive: true, force: true });
  }
}
