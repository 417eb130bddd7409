// Describing this machine's accelerator for records: nvidia-smi, rocm-smi, macOS system_profiler /
// sysctl, else the CPU from /proc/cpuinfo. The server derives the hardware class from what this returns;
// the machine profile (profile.ts) saves it, and the --device/--memory-mb/... flags override it.
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { promisify } from 'node:util';
import { ACCELERATORS, type Hardware } from '../../server/protocol/record.schema.ts';
import { readMemoryMb } from './device-memory.ts';
import { usageError } from './errors.ts';

const run = promisify(execFile);

export interface HardwareFlags {
  device?: string;
  memoryMb?: string;
  accelerator?: string;
  deviceCount?: string;
}

/** What detection ran and what it saw, for `init` to show. */
export interface Detection {
  hardware: Hardware;
  via: string;
}

async function tryRun(cmd: string, args: string[]): Promise<string | null> {
  try {
    return (await run(cmd, args, { timeout: 10_000, maxBuffer: 8 * 1024 * 1024 })).stdout;
  } catch {
    return null;
  }
}

/** Detects this machine's hardware (no flags, no saved profile). */
export async function detect(): Promise<Detection> {
  const nv = parseNvidiaSmi(await tryRun('nvidia-smi', ['--query-gpu=name,memory.total,driver_version', '--format=csv,noheader,nounits']));
  if (nv) return { hardware: nv, via: 'nvidia-smi' };
  const amd = parseRocmSmi(await tryRun('rocm-smi', ['--showproductname', '--showmeminfo', 'vram', '--json']));
  if (amd) return { hardware: amd, via: 'rocm-smi' };
  if (process.platform === 'darwin') {
    const mac = parseMac({
      displays: await tryRun('system_profiler', ['SPDisplaysDataType', '-json']),
      brand: await tryRun('sysctl', ['-n', 'machdep.cpu.brand_string']),
      memsize: await tryRun('sysctl', ['-n', 'hw.memsize']),
    });
    if (mac) return { hardware: mac, via: 'system_profiler / sysctl' };
  }
  let cpuinfo: string | null = null;
  try {
    cpuinfo = readFileSync('/proc/cpuinfo', 'utf8');
  } catch {
    /* not Linux */
  }
  return { hardware: parseCpu(cpuinfo, cpus()[0]?.model ?? null, totalmem()), via: cpuinfo ? '/proc/cpuinfo' : 'os.cpus()' };
}

/** Checks the hardware flags; returns them as numbers (undefined when not given). */
export function checkFlags(flags: HardwareFlags) {
  const accelerator = flags.accelerator;
  if (accelerator !== undefined && !(ACCELERATORS as readonly string[]).includes(accelerator)) {
    throw usageError(`--accelerator must be one of ${ACCELERATORS.join(', ')}, not ${JSON.stringify(accelerator)}`);
  }
  const memory = flags.memoryMb === undefined ? undefined : readMemoryMb(String(flags.memoryMb));
  if (memory && 'problem' in memory) throw usageError(`--memory-mb: ${memory.problem}`);
  const memoryMb = memory?.mb;
  const count = flags.deviceCount === undefined ? undefined : Number(flags.deviceCount);
  if (count !== undefined && !(Number.isInteger(count) && count >= 1)) throw usageError('--device-count must be a positive integer');
  if (flags.device !== undefined && flags.device.trim() === '') throw usageError('--device must not be empty');
  return { device: flags.device?.trim(), memoryMb, count, accelerator: accelerator as Hardware['accelerator'] | undefined };
}

export function hasHardwareFlags(flags: HardwareFlags): boolean {
  return flags.device !== undefined || flags.memoryMb !== undefined || flags.accelerator !== undefined || flags.deviceCount !== undefined;
}

/**
 * The flags over a base description: `--device` names another device, so nothing of the base but
 * what the flags leave unsaid is kept only when it is the same device; the other flags correct one field each.
 */
export function applyFlags(base: Hardware | null, flags: HardwareFlags): Hardware | null {
  const f = checkFlags(flags);
  if (f.device !== undefined && f.device !== base?.device_name) {
    return {
      accelerator: f.accelerator ?? (guessAccelerator(f.device) as Hardware['accelerator']),
      device_name: f.device,
      device_count: f.count ?? 1,
      memory_mb: f.memoryMb ?? null,
      driver: null,
      runtime: null,
    };
  }
  if (!base) return null;
  return {
    ...base,
    ...(f.accelerator ? { accelerator: f.accelerator } : {}),
    ...(f.memoryMb !== undefined ? { memory_mb: f.memoryMb } : {}),
    ...(f.count !== undefined ? { device_count: f.count } : {}),
  };
}

/** Detection with the flags applied (what commands do when there is no saved profile). */
export async function detectHardware(flags: HardwareFlags = {}): Promise<Hardware> {
  checkFlags(flags);
  if (flags.device) return applyFlags(null, flags)!;
  return applyFlags((await detect()).hardware, flags)!;
}

export function guessAccelerator(name: string): string {
  if (/apple|\bm\d/i.test(name)) return 'mps';
  if (/radeon|instinct|\bmi\d{3}/i.test(name)) return 'rocm';
  if (/nvidia|geforce|rtx|gtx|tesla|quadro|[ahlbv]\d{2,3}\b|gb10|dgx/i.test(name)) return 'cuda';
  if (/cpu|xeon|epyc|ryzen|core|threadripper|neoverse|graviton/i.test(name)) return 'cpu';
  return 'other';
}

/** `nvidia-smi --query-gpu=name,memory.total,driver_version --format=csv,noheader,nounits`: one line per GPU. */
export function parseNvidiaSmi(out: string | null): Hardware | null {
  const rows = out
    ?.trim()
    .split('\n')
    .map((l) => l.split(',').map((s) => s.trim()))
    .filter((r) => r.length >= 2 && r[0]);
  if (!rows?.length) return null;
  const [name, mem, driver] = rows[0];
  // Mixed machines: the first GPU's model, counted once per identical card.
  const count = rows.filter((r) => r[0] === name).length;
  const memory = Number(mem);
  return {
    accelerator: 'cuda',
    device_name: name,
    device_count: count,
    memory_mb: Number.isFinite(memory) && memory > 0 ? memory : null,
    driver: driver || null,
    runtime: null,
  };
}

/** `rocm-smi --showproductname --showmeminfo vram --json`: `{"card0": {"Card Series": …, "VRAM Total Memory (B)": …}}`. */
export function parseRocmSmi(out: string | null): Hardware | null {
  if (!out) return null;
  let parsed: unknown;
  try {
    parsed = JSON.parse(out);
  } catch {
    return null;
  }
  const cards = Object.entries(parsed as Record<string, unknown>)
    .filter(([k, v]) => /^card\d+$/i.test(k) && v && typeof v === 'object')
    .map(([, v]) => v as Record<string, string>);
  if (cards.length === 0) return null;
  const c = cards[0];
  const name = c['Card Series'] || c['Card series'] || c['Card Model'] || c['Card model'] || c['Card SKU'] || 'AMD GPU';
  const bytes = Number(c['VRAM Total Memory (B)']);
  return {
    accelerator: 'rocm',
    device_name: name,
    device_count: cards.length,
    memory_mb: bytes > 0 ? Math.round(bytes / 1048576) : null,
    driver: c['Driver version'] || null,
    runtime: null,
  };
}

/**
 * macOS: Apple silicon is its chip (MPS, unified memory = hw.memsize); an Intel Mac with a discrete
 * GPU is that GPU (MPS, its VRAM); otherwise the CPU.
 */
export function parseMac(out: { displays: string | null; brand: string | null; memsize: string | null }): Hardware | null {
  let gpus: Record<string, string>[] = [];
  try {
    gpus = (JSON.parse(out.displays ?? '{}') as { SPDisplaysDataType?: Record<string, string>[] }).SPDisplaysDataType ?? [];
  } catch {
    /* no JSON */
  }
  const brand = out.brand?.trim() || null;
  const mem = Number(out.memsize?.trim());
  const ramMb = mem > 0 ? Math.round(mem / 1048576) : null;
  const appleGpu = gpus.find((g) => /apple/i.test(g.sppci_model ?? ''));
  if (appleGpu || (brand && /apple/i.test(brand))) {
    return {
      accelerator: 'mps',
      device_name: brand && /apple/i.test(brand) ? brand : appleGpu!.sppci_model,
      device_count: 1,
      memory_mb: ramMb,
      driver: null,
      runtime: null,
    };
  }
  const discrete = gpus.find((g) => g.sppci_model && (g.spdisplays_vram || g.spdisplays_vram_shared) && !/intel/i.test(g.sppci_model));
  if (discrete) {
    const vram = /(\d+(?:\.\d+)?)\s*(GB|MB)/i.exec(discrete.spdisplays_vram ?? discrete.spdisplays_vram_shared ?? '');
    const vramMb = vram ? Math.round(Number(vram[1]) * (vram[2].toUpperCase() === 'GB' ? 1024 : 1)) : null;
    return { accelerator: 'mps', device_name: discrete.sppci_model, device_count: 1, memory_mb: vramMb, driver: null, runtime: null };
  }
  if (!brand) return null;
  return { accelerator: 'cpu', device_name: brand, device_count: 1, memory_mb: ramMb, driver: null, runtime: null };
}

/** Linux /proc/cpuinfo (x86 `model name`; Arm boards say `Model` or `Hardware`), else Node's CPU model. */
export function parseCpu(cpuinfo: string | null, nodeModel: string | null, totalBytes: number): Hardware {
  const field = (name: string) => (cpuinfo ? new RegExp(`^${name}\\s*:\\s*(.+)$`, 'm').exec(cpuinfo)?.[1]?.trim() : undefined);
  const model = field('model name') || field('Model') || field('Hardware') || field('cpu model') || nodeModel?.trim() || 'unknown CPU';
  return {
    accelerator: 'cpu',
    device_name: model,
    device_count: 1,
    memory_mb: totalBytes > 0 ? Math.round(totalBytes / 1048576) : null,
    driver: null,
    runtime: null,
  };
}
