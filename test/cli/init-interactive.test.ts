// `crossfork init` on a terminal (a real pseudo-terminal from util-linux `script`): it asks which key,
// shows the hardware it found, and lets the user correct it field by field before saving; memory
// nobody reported is asked for, and an impossible amount is asked again.
import { spawn, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BIN, newHome } from '../helpers/cli.ts';

const hasScript = spawnSync('script', ['--version']).status === 0;
if (!hasScript) console.warn('[test] interactive init skipped: util-linux `script` (a pseudo-terminal) is not installed');

/** Runs argv on a pseudo-terminal, answering each prompt (a regex on the output) with a line. */
function onTerminal(
  argv: string[],
  env: Record<string, string>,
  answers: [RegExp, string][],
): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve, reject) => {
    const cmd = argv.map((a) => `'${a.replace(/'/g, "'\\''")}'`).join(' ');
    const child = spawn('script', ['-qec', cmd, '/dev/null'], { env: { ...process.env, ...env }, stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    let next = 0;
    const onData = (d: Buffer) => {
      // Terminal control sequences (readline's cursor moves) are not text.
      out += d.toString().replace(/\x1b\[[0-9;?]*[A-Za-z]/g, '');
      while (next < answers.length && answers[next][0].test(out)) {
        child.stdin.write(`${answers[next][1]}\n`);
        out += '\n';
        next++;
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
    child.on('error', reject);
    child.on('close', (code) => (clearTimeout(timer), resolve({ code, out })));
  });
}

describe.skipIf(!hasScript)('crossfork init on a terminal', () => {
  it('asks for the key, shows the detected hardware, takes corrections, saves them', async () => {
    const home = newHome();
    const { code, out } = await onTerminal(
      [process.execPath, BIN, 'init'],
      { CROSSFORK_HOME: home, HOME: home, CROSSFORK_SERVER: 'http://127.0.0.1:9', PATH: '/usr/bin:/bin' },
      [
        [/> $/m, '0'],
        [/Is this right\? \[Y\/n\] $/m, 'n'],
        [/accelerator \[cpu\]: $/m, 'tpu'], // refused: asked again
        [/one of cuda, rocm, mps, mlx, cpu, other\s+.*accelerator \[cpu\]: $/ms, 'cuda'],
        [/device name \[[^\]]*\]: $/m, 'NVIDIA GeForce RTX 5070'],
        [/number of devices \[1\]: $/m, ''],
        [/memory of one device in MiB \[\d+\]: $/m, '1 MiB'], // impossible: asked again
        [/cannot be the memory of one device.*memory of one device in MiB \[\d+\]: $/ms, '12227'],
      ],
    );
    expect(code, out).toBe(0);
    expect(out).toContain('1 MiB cannot be the memory of one device: it is between 256 MiB and 16 TiB');
    expect(out).toMatch(/This machine \(found by \/proc\/cpuinfo\):\s+accelerator\s+cpu/);
    expect(out).toContain('hardware class RTX 5070 12GB');
    const config = JSON.parse(readFileSync(join(home, 'config.json'), 'utf8'));
    expect(config.machine.hardware).toEqual({
      accelerator: 'cuda',
      device_name: 'NVIDIA GeForce RTX 5070',
      device_count: 1,
      memory_mb: 12227,
      driver: null,
      runtime: null,
    });
    expect(config.machine.detected.accelerator).toBe('cpu');
    expect(config.key.signer).toBe('inprocess');
  }, 40_000);

  it('asks for the memory nobody reported (a device it does not know), takes a unit, refuses no answer', async () => {
    const home = newHome();
    const { code, out } = await onTerminal(
      [process.execPath, BIN, 'init', '--device', 'Quantum Accelerator X9', '--accelerator', 'other'],
      { CROSSFORK_HOME: home, HOME: home, CROSSFORK_SERVER: 'http://127.0.0.1:9', PATH: '/usr/bin:/bin' },
      [
        [/> $/m, '0'],
        [/Is this right\? \[Y\/n\] $/m, ''],
        [/memory of one device in MiB \[unknown\]: $/m, ''], // no answer: asked again
        [/needed: crossfork ranks results by it\s+memory of one device in MiB \[unknown\]: $/ms, '32 GiB'],
      ],
    );
    expect(code, out).toBe(0);
    expect(out).toMatch(/memory\s+unknown \(of one device\)/);
    expect(out).toContain('hardware class Quantum Accelerator X9 32GB');
    const config = JSON.parse(readFileSync(join(home, 'config.json'), 'utf8'));
    expect(config.machine.hardware).toMatchObject({ device_name: 'Quantum Accelerator X9', memory_mb: 32768 });
  }, 40_000);
});
