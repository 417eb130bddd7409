// The machine profile: detection from what nvidia-smi, rocm-smi, macOS system_profiler / sysctl and
// /proc/cpuinfo print (real outputs' shapes), a fake nvidia-smi on PATH for the whole path, and the
// order flags > saved profile > detection that every command follows.
import { chmodSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { applyFlags, detect, parseCpu, parseMac, parseNvidiaSmi, parseRocmSmi } from '../../cli/lib/hardware.ts';
import { machineHardware, savedHardware } from '../../cli/lib/profile.ts';
import type { Config } from '../../cli/lib/config.ts';
import { CliError } from '../../cli/lib/errors.ts';

const RTX = {
  accelerator: 'cuda' as const,
  device_name: 'NVIDIA GeForce RTX 4090',
  device_count: 1,
  memory_mb: 24564,
  driver: '550.54.14',
  runtime: null,
};

describe('detection parsers', () => {
  it('nvidia-smi: one line per GPU, identical cards counted, MiB as printed', () => {
    expect(parseNvidiaSmi('NVIDIA GeForce RTX 4090, 24564, 550.54.14\n')).toEqual(RTX);
    expect(parseNvidiaSmi('NVIDIA H100 80GB HBM3, 81559, 535.104.05\nNVIDIA H100 80GB HBM3, 81559, 535.104.05\n')).toMatchObject({
      device_name: 'NVIDIA H100 80GB HBM3',
      device_count: 2,
      memory_mb: 81559,
    });
    expect(parseNvidiaSmi('NVIDIA A100-SXM4-40GB, [N/A], 535.1\n')).toMatchObject({ memory_mb: null });
    expect(parseNvidiaSmi('')).toBeNull();
    expect(parseNvidiaSmi(null)).toBeNull();
  });

  it('rocm-smi --json: cards, product name, VRAM in bytes', () => {
    const out = JSON.stringify({
      card0: { 'Card Series': 'AMD Instinct MI300X', 'VRAM Total Memory (B)': '206141652992' },
      card1: { 'Card Series': 'AMD Instinct MI300X', 'VRAM Total Memory (B)': '206141652992' },
      system: { 'Driver version': '6.7' },
    });
    expect(parseRocmSmi(out)).toMatchObject({
      accelerator: 'rocm',
      device_name: 'AMD Instinct MI300X',
      device_count: 2,
      memory_mb: 196592,
    });
    expect(parseRocmSmi('WARNING: no AMD GPU')).toBeNull();
    expect(parseRocmSmi('{}')).toBeNull();
  });

  it('macOS: Apple silicon is its chip with unified memory; an Intel Mac with a discrete GPU is that GPU; else the CPU', () => {
    const m4 = parseMac({
      displays: JSON.stringify({ SPDisplaysDataType: [{ sppci_model: 'Apple M4 Max', sppci_cores: '40' }] }),
      brand: 'Apple M4 Max\n',
      memsize: '68719476736\n',
    });
    expect(m4).toEqual({ accelerator: 'mps', device_name: 'Apple M4 Max', device_count: 1, memory_mb: 65536, driver: null, runtime: null });
    const intel = parseMac({
      displays: JSON.stringify({
        SPDisplaysDataType: [
          { sppci_model: 'Intel UHD Graphics 630', spdisplays_vram_shared: '1536 MB' },
          { sppci_model: 'AMD Radeon Pro 5500M', spdisplays_vram: '8 GB' },
        ],
      }),
      brand: 'Intel(R) Core(TM) i9-9880H CPU @ 2.30GHz',
      memsize: '17179869184',
    });
    expect(intel).toMatchObject({ accelerator: 'mps', device_name: 'AMD Radeon Pro 5500M', memory_mb: 8192 });
    expect(parseMac({ displays: null, brand: 'Intel(R) Core(TM) i5-8259U CPU @ 2.30GHz', memsize: '8589934592' })).toMatchObject({
      accelerator: 'cpu',
      memory_mb: 8192,
    });
  });

  it('/proc/cpuinfo: x86 model name, Arm boards, else the Node model', () => {
    expect(
      parseCpu('processor\t: 0\nvendor_id\t: AuthenticAMD\nmodel name\t: AMD EPYC 7763 64-Core Processor\n', 'x', 8 * 2 ** 30),
    ).toMatchObject({ accelerator: 'cpu', device_name: 'AMD EPYC 7763 64-Core Processor', memory_mb: 8192 });
    expect(parseCpu('processor\t: 0\nBogoMIPS\t: 108.00\nModel\t\t: Raspberry Pi 5 Model B Rev 1.0\n', null, 0)).toMatchObject({
      device_name: 'Raspberry Pi 5 Model B Rev 1.0',
      memory_mb: null,
    });
    expect(parseCpu(null, 'Apple M2', 2 ** 30).device_name).toBe('Apple M2');
  });
});

describe('detect() runs the real tools found on PATH', () => {
  const saved = process.env.PATH;
  afterEach(() => void (process.env.PATH = saved));

  it('a GPU machine: nvidia-smi wins', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'crossfork-fake-smi-'));
    writeFileSync(
      join(dir, 'nvidia-smi'),
      `#!/bin/sh\n[ "$1" = "--query-gpu=name,memory.total,driver_version" ] || exit 9\necho "${RTX.device_name}, ${RTX.memory_mb}, ${RTX.driver}"\n`,
    );
    chmodSync(join(dir, 'nvidia-smi'), 0o755);
    process.env.PATH = `${dir}:${saved}`;
    expect(await detect()).toEqual({ hardware: RTX, via: 'nvidia-smi' });
  });

  it('no GPU tools: the CPU from /proc/cpuinfo', async () => {
    process.env.PATH = '/usr/bin:/bin';
    const d = await detect();
    expect(d.hardware.accelerator).toBe('cpu');
    expect(d.via).toBe('/proc/cpuinfo');
  });
});

describe('flags over the saved profile over detection', () => {
  const profile = (hardware = RTX): Config => ({
    machine: { hardware, detected: hardware, via: 'nvidia-smi', saved_at: '2026-03-09T00:00:00Z' },
  });

  it('uses the saved profile without detecting; one flag corrects one field; --device names another device', async () => {
    const path = process.env.PATH;
    process.env.PATH = '/nonexistent'; // detection would find nothing to run
    try {
      expect(await machineHardware(profile())).toEqual({ hardware: RTX, source: 'profile' });
      expect(await machineHardware(profile(), { memoryMb: '24000' })).toEqual({
        hardware: { ...RTX, memory_mb: 24000 },
        source: 'profile+flags',
      });
      expect(await machineHardware(profile(), { device: 'NVIDIA H100 80GB HBM3' })).toEqual({
        hardware: {
          accelerator: 'cuda',
          device_name: 'NVIDIA H100 80GB HBM3',
          device_count: 1,
          memory_mb: null,
          driver: null,
          runtime: null,
        },
        source: 'flags',
      });
      expect((await machineHardware({}, { device: 'Apple M4 Max', memoryMb: '65536' })).hardware).toMatchObject({
        accelerator: 'mps',
        memory_mb: 65536,
      });
    } finally {
      process.env.PATH = path;
    }
  });

  it('refuses bad flags as usage errors and a broken saved profile with a hint', async () => {
    await expect(machineHardware(profile(), { accelerator: 'tpu' })).rejects.toMatchObject({ exitCode: 2 });
    await expect(machineHardware(profile(), { deviceCount: '0' })).rejects.toMatchObject({ exitCode: 2 });
    expect(() =>
      savedHardware({ machine: { hardware: { ...RTX, accelerator: 'quantum' as never }, detected: null, via: 'x', saved_at: '' } }),
    ).toThrow(CliError);
    expect(() =>
      savedHardware({ machine: { hardware: { ...RTX, accelerator: 'quantum' as never }, detected: null, via: 'x', saved_at: '' } }),
    ).toThrow(/run `crossfork init` again/);
    expect(applyFlags(null, {})).toBeNull();
  });
});
