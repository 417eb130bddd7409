// Describing this machine's accelerator for records: flags first, else nvidia-smi, rocm-smi,
// macOS sysctl, else the CPU. The server derives the hardware class from what this returns.
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { promisify } from 'node:util';
import { ACCELERATORS, type Hardware } from '../../server/protocol/record.schema.ts';
import { usageError } from './errors.ts';

const run = promisify(execFile);

export interface HardwareFlags { device?: string; memoryMb?: string; accelerator?: string; deviceCount?: string }

async function tryRun(cmd: string, args: string[]): Promise<string | null> {
  try {
    return (await run(cmd, args, { timeout: 10_000 })).stdout;
  } catch {
    return null;
  }
}

export async function detectHardware(flags: HardwareFlags = {}): Promise<Hardware> {
  const accelerator = flags.accelerator;
  if (accelerator !== undefined && !(ACCELERATORS as readonly string[]).includes(accelerator)) {
    throw usageError(`--accelerator must be one of ${ACCELERATORS.join(', ')}, not ${JSON.stringify(accelerator)}`);
  }
  const memoryMb = flags.memoryMb === undefined ? undefined : Number(flags.memoryMb);
  if (memoryMb !== undefined && !(Number.isFinite(memoryMb) && memoryMb > 0)) throw usageError('--memory-mb must be a positive number');
  const count = flags.deviceCount === undefined ? undefined : Number(flags.deviceCount);
  if (count !== undefined && !(Number.isInteger(count) && count >= 1)) throw usageError('--device-count must be a positive integer');
  if (flags.device) {
    return {
      accelerator: (accelerator ?? guessAccelerator(flags.device)) as Hardware['accelerator'],
      device_name: flags.device,
      device_count: count ?? 1,
      memory_mb: memoryMb ?? null,
      driver: null,
      runtime: null,
    };
  }
  const detected = (await nvidia()) ?? (await rocm()) ?? (await apple()) ?? cpu();
  return {
    ...detected,
    ...(accelerator ? { accelerator: accelerator as Hardware['accelerator'] } : {}),
    ...(memoryMb !== undefined ? { memory_mb: memoryMb } : {}),
    ...(count !== undefined ? { device_count: count } : {}),
  };
}

function guessAccelerator(name: string): string {
  if (/apple|\bm\d/i.test(name)) return 'mps';
  if (/radeon|instinct|\bmi\d{3}/i.test(name)) return 'rocm';
  if (/nvidia|geforce|rtx|gtx|tesla|[ahlbv]\d{2,3}\b|gb10|dgx/i.test(name)) return 'cuda';
  if (/cpu|xeon|epyc|ryzen|core/i.test(name)) return 'cpu';
  return 'other';
}

async function nvidia(): Promise<Hardware | null> {
  const out = await tryRun('nvidia-smi', ['--query-gpu=name,memory.total,driver_version', '--format=csv,noheader,nounits']);
  const rows = out?.trim().split('\n').filter(Boolean).map((l) => l.split(',').map((s) => s.trim()));
  if (!rows?.length) return null;
  const [name, mem, driver] = rows[0];
  return { accelerator: 'cuda', device_name: name, device_count: rows.length, memory_mb: Number(mem) || null, driver: driver || null, runtime: null };
}

async function rocm(): Promise<Hardware | null> {
  const out = await tryRun('rocm-smi', ['--showproductname', '--showmeminfo', 'vram', '--json']);
  if (!out) return null;
  try {
    const cards = Object.values(JSON.parse(out) as Record<string, Record<string, string>>).filter((c) => typeof c === 'object');
    if (cards.length === 0) return null;
    const c = cards[0];
    const name = c['Card Series'] || c['Card series'] || c['Card model'] || 'AMD GPU';
    const bytes = Number(c['VRAM Total Memory (B)']);
    return { accelerator: 'rocm', device_name: name, device_count: cards.length, memory_mb: bytes ? Math.round(bytes / 1048576) : null, driver: null, runtime: null };
  } catch {
    return null;
  }
}

async function apple(): Promise<Hardware | null> {
  if (process.platform !== 'darwin') return null;
  const chip = (await tryRun('sysctl', ['-n', 'machdep.cpu.brand_string']))?.trim();
  const mem = Number((await tryRun('sysctl', ['-n', 'hw.memsize']))?.trim());
  if (!chip) return null;
  const isApple = /apple/i.test(chip);
  return { accelerator: isApple ? 'mps' : 'cpu', device_name: chip, device_count: 1, memory_mb: mem ? Math.round(mem / 1048576) : null, driver: null, runtime: null };
}

function cpu(): Hardware {
  let model: string | undefined = cpus()[0]?.model?.trim();
  if (!model) {
    try {
      model = /model name\s*:\s*(.+)/.exec(readFileSync('/proc/cpuinfo', 'utf8'))?.[1]?.trim();
    } catch {
      /* no /proc */
    }
  }
  return { accelerator: 'cpu', device_name: model || 'unknown CPU', device_count: 1, memory_mb: Math.round(totalmem() / 1048576), driver: null, runtime: null };
}
