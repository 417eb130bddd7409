// `crossfork init --yes` (no terminal): memory nobody reported is the model's known memory (a DGX
// Spark GB10 has 128 GB), else required as --memory-mb; an impossible amount is refused. A refused
// init writes nothing: no key, no config.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { crossfork, newHome } from '../helpers/cli.ts';

// No GPU tools on PATH: detection finds the CPU, so the device comes from the flags.
const env = { PATH: '/usr/bin:/bin' };

describe('crossfork init --yes: the memory of one device', () => {
  it('a known model with no memory said gets its known memory, said in one line, and its class', async () => {
    const home = newHome();
    const run = await crossfork(['init', '--yes', '--device', 'NVIDIA GB10', '--json'], { home, env });
    expect(run.code, run.stderr).toBe(0);
    expect(run.json.machine).toMatchObject({
      hardware: { accelerator: 'cuda', device_name: 'NVIDIA GB10', memory_mb: 128 * 1024 },
      hardware_class: 'DGX Spark GB10 128GB',
      memory_from_model: true,
    });
    expect(run.json.machine.corrected).not.toContain('memory_mb');
    const config = JSON.parse(readFileSync(join(home, 'config.json'), 'utf8'));
    expect(config.machine.hardware.memory_mb).toBe(131072);
    const text = await crossfork(['init', '--yes', '--device', 'NVIDIA GB10'], { home, env });
    expect(text.stdout).toContain('memory: not reported, so the known memory of this model (131072 MiB); --memory-mb corrects it');
  });

  it('--memory-mb wins over the known memory, and takes a unit', async () => {
    const home = newHome();
    const run = await crossfork(['init', '--yes', '--device', 'NVIDIA GB10', '--memory-mb', '120 GiB', '--json'], { home, env });
    expect(run.code, run.stderr).toBe(0);
    expect(run.json.machine).toMatchObject({ hardware: { memory_mb: 122880 }, memory_from_model: false });
  });

  it('a device it does not know, without --memory-mb: exit 2, says to pass it, writes nothing', async () => {
    const home = newHome();
    const run = await crossfork(['init', '--yes', '--device', 'Quantum Accelerator X9'], { home, env });
    expect(run.code).toBe(2);
    expect(run.stderr.split('\n')[0]).toBe(
      'crossfork: the memory of one Quantum Accelerator X9 is not known (not reported, and not a model crossfork knows): pass --memory-mb <MiB of one device>, e.g. --memory-mb 24564; nothing was saved',
    );
    expect(readdirSync(home)).toEqual([]);
  });

  it.each([
    ['1', '1 cannot be the memory of one device'],
    ['1 MiB', '1 MiB cannot be the memory of one device'],
    ['0', '0 cannot be the memory of one device'],
    ['99 TiB', '99 TiB cannot be the memory of one device'],
    ['-5', '"-5" is not an amount of memory'],
    ['lots', '"lots" is not an amount of memory'],
  ])('--memory-mb %j is refused: exit 2, a clear message, nothing written', async (value, message) => {
    const home = newHome();
    const run = await crossfork(['init', '--yes', '--device', 'NVIDIA GeForce RTX 4090', '--memory-mb', value, '--json'], { home, env });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(`crossfork: --memory-mb: ${message}`);
    expect(run.json).toMatchObject({ exit_code: 2 });
    expect(existsSync(join(home, 'config.json'))).toBe(false);
    expect(existsSync(join(home, 'keys'))).toBe(false);
  });
});
