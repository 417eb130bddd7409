// The memory of one device: what people type (MiB, or with a unit) against what a device can have,
// and the known memory of a named model when none was reported.
import { describe, expect, it } from 'vitest';
import { knownMemoryMb, readMemoryMb } from '../../cli/lib/device-memory.ts';

const hw = (device_name: string, accelerator: 'cuda' | 'cpu' | 'other' = 'cuda', memory_mb: number | null = null) => ({
  accelerator,
  device_name,
  device_count: 1,
  memory_mb,
  driver: null,
  runtime: null,
});

describe('readMemoryMb', () => {
  it('reads MiB, and units of MiB, GiB and TiB (GB taken as GiB)', () => {
    expect(readMemoryMb('24564')).toEqual({ mb: 24564 });
    expect(readMemoryMb(' 24564 MiB ')).toEqual({ mb: 24564 });
    expect(readMemoryMb('24 GB')).toEqual({ mb: 24576 });
    expect(readMemoryMb('128GiB')).toEqual({ mb: 131072 });
    expect(readMemoryMb('1.5 TiB')).toEqual({ mb: 1572864 });
    expect(readMemoryMb('256')).toEqual({ mb: 256 });
  });

  it('refuses what no device has, and what is not an amount, saying why', () => {
    expect(readMemoryMb('1 MiB')).toEqual({
      problem: '1 MiB cannot be the memory of one device: it is between 256 MiB and 16 TiB (e.g. 24564 for 24 GiB)',
    });
    expect(readMemoryMb('255')).toHaveProperty('problem');
    expect(readMemoryMb('17 TiB')).toHaveProperty('problem');
    for (const bad of ['', 'unknown', '-1', '24 parsecs', '1e5', 'NaN'])
      expect(readMemoryMb(bad), bad).toEqual({ problem: expect.stringContaining('is not an amount of memory') });
  });
});

describe('knownMemoryMb', () => {
  it('the one size a model has, or the size in its name', () => {
    expect(knownMemoryMb(hw('NVIDIA GB10'))).toBe(131072);
    expect(knownMemoryMb(hw('NVIDIA H100 80GB HBM3'))).toBe(81920);
    expect(knownMemoryMb(hw('NVIDIA GeForce RTX 4090'))).toBe(24576);
  });

  it('nothing when memory was reported, the model has several sizes, or nothing is known', () => {
    expect(knownMemoryMb(hw('NVIDIA GB10', 'cuda', 120000))).toBeNull();
    expect(knownMemoryMb(hw('NVIDIA A100-SXM4'))).toBeNull();
    expect(knownMemoryMb(hw('Quantum Accelerator X9', 'other'))).toBeNull();
    expect(knownMemoryMb(hw('AMD EPYC 7763 64-Core Processor', 'cpu'))).toBeNull();
  });
});
