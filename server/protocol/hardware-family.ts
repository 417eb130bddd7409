// Hardware proximity: the family a hardware class belongs to (Apple M-series, consumer NVIDIA by
// memory tier, 40–80 GB data-centre GPUs, large unified-memory machines…) and its accelerator kind,
// so evidence can be weighed by how close the hardware it came from is to the caller's.
import { describeHardware, type HardwareInput } from './hardware-class.ts';
import {
  AMD_CONSUMER,
  AMD_DATACENTER,
  AMD_UNIFIED,
  NVIDIA_CONSUMER,
  NVIDIA_DATACENTER,
  NVIDIA_UNIFIED,
  type DeviceRow,
} from './hardware-table.ts';

/** How a device is driven: mps and mlx are both Apple silicon. */
export type AcceleratorKind = 'cuda' | 'rocm' | 'apple' | 'cpu' | 'other';

export interface HardwareProximity {
  class: string;
  /** The family: hardware that trains alike ("NVIDIA consumer 20–24GB", "Apple M-series"). */
  family: string;
  kind: AcceleratorKind;
  memory_gb: number | null;
  device_count: number;
}

/** How close evidence is to the caller, nearest first. */
export const PROXIMITY = ['class', 'family', 'kind', 'elsewhere'] as const;
export type Proximity = (typeof PROXIMITY)[number];

type Segment = 'nvidia-datacenter' | 'nvidia-unified' | 'nvidia-consumer' | 'amd-datacenter' | 'amd-unified' | 'amd-consumer';
const SEGMENTS = new Map<string, Segment>();
for (const [segment, rows] of [
  ['nvidia-datacenter', NVIDIA_DATACENTER],
  ['nvidia-unified', NVIDIA_UNIFIED],
  ['nvidia-consumer', NVIDIA_CONSUMER],
  ['amd-datacenter', AMD_DATACENTER],
  ['amd-unified', AMD_UNIFIED],
  ['amd-consumer', AMD_CONSUMER],
] as [Segment, readonly DeviceRow[]][]) {
  for (const [model] of rows) SEGMENTS.set(model, segment);
}

const KINDS: Readonly<Record<string, AcceleratorKind>> = { cuda: 'cuda', rocm: 'rocm', mps: 'apple', mlx: 'apple', cpu: 'cpu' };
const VENDOR_KINDS: Readonly<Record<string, AcceleratorKind>> = { nvidia: 'cuda', amd: 'rocm', apple: 'apple', cpu: 'cpu' };

/** Consumer cards by memory: what fits (batch size, depth) is set by memory more than by model. */
function consumerTier(gb: number | null): string {
  if (gb === null) return 'memory unknown';
  if (gb <= 8) return '≤8GB';
  if (gb <= 12) return '10–12GB';
  if (gb <= 16) return '16GB';
  if (gb <= 24) return '20–24GB';
  return '32GB+';
}

function datacenterTier(gb: number | null): string {
  if (gb === null) return 'memory unknown';
  if (gb <= 32) return '≤32GB';
  if (gb <= 80) return '40–80GB';
  return '94GB+';
}

/** Family and kind of a record's (or a caller's) hardware. */
export function hardwareProximity(hw: HardwareInput): HardwareProximity {
  const info = describeHardware(hw);
  const count =
    typeof hw.device_count === 'number' && Number.isFinite(hw.device_count) && hw.device_count >= 1 ? Math.floor(hw.device_count) : 1;
  const kind = KINDS[hw.accelerator] ?? VENDOR_KINDS[info.vendor] ?? 'other';
  const gb = info.memory_gb;
  const model = info.family.replace(/ MIG .*$/, '');
  const segment = SEGMENTS.get(model);
  let family: string;
  if (info.family.includes(' MIG ')) family = 'NVIDIA MIG slice';
  else if (info.vendor === 'apple' || kind === 'apple') family = 'Apple M-series';
  else if (info.vendor === 'cpu' || kind === 'cpu') family = 'CPU';
  else if (segment === 'nvidia-unified' || segment === 'amd-unified')
    family = model.startsWith('Jetson') ? 'NVIDIA Jetson' : 'large unified memory';
  else if (segment === 'nvidia-datacenter') family = `NVIDIA datacenter ${datacenterTier(gb)}`;
  else if (segment === 'amd-datacenter') family = `AMD Instinct ${datacenterTier(gb)}`;
  else if (segment === 'nvidia-consumer' || (info.vendor === 'nvidia' && !segment)) family = `NVIDIA consumer ${consumerTier(gb)}`;
  else if (segment === 'amd-consumer' || info.vendor === 'amd') family = `AMD Radeon ${consumerTier(gb)}`;
  else if (info.vendor === 'intel') family = 'Intel GPU';
  else family = `other ${kind}`;
  return { class: info.class, family: count > 1 ? `${count}× ${family}` : family, kind, memory_gb: gb, device_count: count };
}

/**
 * Family and kind from a hardware class alone (a caller of `GET /v1/known-bad?hardware_class=`):
 * a class is itself a device name the class rules map to themselves.
 */
export function proximityOfClass(hardwareClass: string): HardwareProximity {
  const m = /^(\d+)× (.*)$/.exec(hardwareClass);
  const count = m ? Number(m[1]) : 1;
  const name = m ? m[2] : hardwareClass;
  const accelerator = /^CPU\b/.test(name) ? 'cpu' : /^Apple M\d/.test(name) ? 'mps' : 'other';
  const p = hardwareProximity({ accelerator, device_name: name.replace(/^CPU\s*/, '') || 'CPU', device_count: count, memory_mb: null });
  return { ...p, class: hardwareClass };
}

/** Where evidence from `other` stands relative to the caller. */
export function proximityOf(
  caller: Pick<HardwareProximity, 'class' | 'family' | 'kind'>,
  other: { class: string; family: string; kind: string },
): Proximity {
  if (other.class === caller.class) return 'class';
  if (other.family === caller.family) return 'family';
  if (other.kind === caller.kind && caller.kind !== 'other') return 'kind';
  return 'elsewhere';
}
