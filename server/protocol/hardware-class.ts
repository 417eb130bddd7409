// Hardware classes: the server-derived grouping key for leaderboards ("H100 80GB", "2× RTX 4090 24GB",
// "Apple M4 Max"), computed from a record's self-reported hardware. Pure and deterministic.
import { AMD_DEVICES, INTEL_DEVICES, NVIDIA_DEVICES, type DeviceRow } from './hardware-table.ts';

export type HardwareVendor = 'nvidia' | 'amd' | 'apple' | 'intel' | 'cpu' | 'other';

export interface HardwareClassInfo {
  /** The grouping key: optional "N× " count prefix, then the family, then the memory ("H100 80GB"). */
  class: string;
  vendor: HardwareVendor;
  /** The model without count or memory ("H100", "RTX 4090 Laptop", "Apple M4 Max", "CPU AMD EPYC 7763"). */
  family: string;
  /** Memory of one device in marketed GB (unified memory for Apple, RAM for CPUs), or null when unknown. */
  memory_gb: number | null;
}

export interface HardwareInput {
  accelerator: string;
  device_name: string;
  device_count?: number | null;
  memory_mb?: number | null;
}

const NAME_CAP = 64;
const TRADEMARKS = /\((?:R|TM|C)\)|[®™©]/gi;
const PCI_IDS = /\[?\b[0-9a-f]{4}:[0-9a-f]{4}\b\]?|\b[0-9a-f]{4,8}:[0-9a-f]{2}:[0-9a-f]{2}\.[0-7]\b|\(rev [0-9a-f]{2}\)/gi;
const VENDOR_WORDS = /\b(?:NVIDIA|GeForce|AMD|ATI|Intel|Instinct|Tesla|Corporation|Corp|Graphics|GPU|Generation)\b\.?/gi;
const FORM_FACTORS = /\b(?:SXM\d*|PCIE|HBM\d*E?|OAM)\b/g;
const MEMORY_TOKEN = /(?<![A-Za-z0-9.])([1-9]\d{0,3})\s?G(?:I?B)?(?![A-Za-z0-9])/i;
const MEMORY_TOKENS = new RegExp(MEMORY_TOKEN.source, 'gi');
const MIG_PROFILE = /\bMIG\s+(\d+g\.(\d+)gb)\b/i;
const UNSAFE = /[^A-Za-z0-9 .+_\-/()]/g;
const APPLE_CHIP = /^(APPLE )?M(\d{1,2})(?: (PRO|MAX|ULTRA))?(?: |$)/;
/** Words that make a different product: a lookup may drop trailing words, but never these. */
const VARIANT_WORDS = new Set(['LAPTOP', 'MOBILE', 'TI', 'SUPER', 'XT', 'XTX', 'GRE', 'NVL', 'MAX', 'Q', 'D']);
/** Common memory sizes (GB) for devices outside the table, Apple unified memory, and RAM. */
const MARKETED_GB = [1, 2, 3, 4, 6, 8, 10, 11, 12, 16, 18, 20, 24, 32, 36, 40, 48, 64, 80, 94, 96, 128, 141, 144, 180, 192, 256, 288, 512];
const ACCELERATOR_VENDOR = new Map<string, HardwareVendor>([
  ['cuda', 'nvidia'],
  ['rocm', 'amd'],
  ['mps', 'apple'],
  ['mlx', 'apple'],
]);
const ACCELERATOR_LABEL = new Map([
  ['cuda', 'CUDA GPU'],
  ['rocm', 'ROCm GPU'],
  ['mps', 'Apple GPU'],
  ['mlx', 'Apple GPU'],
]);

interface KnownDevice {
  model: string;
  vendor: HardwareVendor;
  sizes: readonly number[];
}

/** Uppercase words for table lookup: vendor words, form factors, memory and punctuation removed. */
function deviceKey(name: string): string {
  return name
    .replace(PCI_IDS, ' ')
    .replace(TRADEMARKS, ' ')
    .replace(VENDOR_WORDS, ' ')
    .replace(MEMORY_TOKENS, ' ')
    .toUpperCase()
    .replace(FORM_FACTORS, ' ')
    .replace(/[^A-Z0-9.+]+/g, ' ')
    .trim();
}

function buildIndex(tables: ReadonlyArray<readonly [HardwareVendor, readonly DeviceRow[]]>): Map<string, KnownDevice> {
  const index = new Map<string, KnownDevice>();
  for (const [vendor, rows] of tables) {
    for (const [model, sizes, aliases = []] of rows) {
      const device = { model, vendor, sizes: typeof sizes === 'number' ? [sizes] : sizes };
      for (const key of [model, ...aliases].map(deviceKey)) {
        if (index.has(key)) throw new Error(`hardware table: duplicate name ${key}`);
        index.set(key, device);
      }
    }
  }
  return index;
}

const KNOWN = buildIndex([
  ['nvidia', NVIDIA_DEVICES],
  ['amd', AMD_DEVICES],
  ['intel', INTEL_DEVICES],
]);

/** Longest known prefix of the key's words ("MI300X VF" → MI300X), never dropping a variant word. */
function lookup(key: string): KnownDevice | undefined {
  const words = key.split(' ');
  for (let n = words.length; n > 0; n--) {
    const device = KNOWN.get(words.slice(0, n).join(' '));
    if (device || VARIANT_WORDS.has(words[n - 1])) return device;
  }
  return undefined;
}

/** Safe characters, collapsed whitespace, no dangling punctuation, at most NAME_CAP characters. */
function tidy(name: string): string {
  const squeezed = (s: string) =>
    s
      .replace(/\(\s*\)/g, ' ')
      .replace(/\s+/g, ' ')
      .replace(/^[\s\-/_.,]+|[\s\-/_.,]+$/g, '');
  return squeezed(squeezed(name.replace(UNSAFE, ' ')).slice(0, NAME_CAP));
}

/** An unknown device's own name, vendor noise and memory token removed. */
function displayName(name: string): string {
  return tidy(name.replace(PCI_IDS, ' ').replace(TRADEMARKS, ' ').replace(VENDOR_WORDS, ' ').replace(MEMORY_TOKENS, ' '));
}

function cpuFamily(name: string): string {
  const model = tidy(
    name
      .replace(TRADEMARKS, ' ')
      .replace(/\s+(?:w\/|with)\s.*$/i, ' ')
      .replace(/@\s*[\d.]+\s*GHz/i, ' ')
      .replace(/\b(?:\d+-Core\s+)?Processor\b|\bCPU\b/gi, ' '),
  );
  return model ? `CPU ${model}` : 'CPU';
}

function guessVendor(name: string, accelerator: string): HardwareVendor {
  if (/nvidia|geforce|quadro|tesla/i.test(name)) return 'nvidia';
  if (/\bamd\b|radeon|instinct/i.test(name)) return 'amd';
  if (/intel|\barc\b/i.test(name)) return 'intel';
  if (/apple/i.test(name)) return 'apple';
  return ACCELERATOR_VENDOR.get(accelerator) ?? 'other';
}

/** The size in `sizes` nearest to `gib` by ratio. */
function nearest(sizes: readonly number[], gib: number): number {
  const distance = (size: number) => Math.abs(Math.log(gib / size));
  return sizes.reduce((best, size) => (distance(size) < distance(best) ? size : best));
}

/** Reported GiB as marketed GB: a common size when within 10%, else rounded. */
function marketedGb(gib: number | null): number | null {
  if (gib === null) return null;
  const size = nearest(MARKETED_GB, gib);
  return Math.abs(Math.log(gib / size)) <= Math.log(1.1) ? size : Math.max(1, Math.round(gib));
}

/** A known model's memory: the name's size if it is one of the model's, else the reported size snapped to them. */
function pickSize(sizes: readonly number[], nameGb: number | null, gib: number | null): number | null {
  if (nameGb !== null && sizes.includes(nameGb)) return nameGb;
  if (sizes.length === 1) return sizes[0];
  return gib === null ? null : nearest(sizes, gib);
}

function describeDevice(accelerator: string, name: string, gib: number | null): HardwareClassInfo {
  if (accelerator === 'cpu') {
    const family = cpuFamily(name);
    return { class: family, vendor: 'cpu', family, memory_gb: marketedGb(gib) };
  }
  const mig = MIG_PROFILE.exec(name);
  const rest = mig ? name.replace(MIG_PROFILE, ' ') : name;
  const key = deviceKey(rest);
  const token = MEMORY_TOKEN.exec(rest);
  const nameGb = token ? Number(token[1]) : null;

  const apple = APPLE_CHIP.exec(key);
  if (apple && (apple[1] || accelerator === 'mps' || accelerator === 'mlx')) {
    const tier = apple[3] ? ` ${apple[3][0]}${apple[3].slice(1).toLowerCase()}` : '';
    const family = `Apple M${apple[2]}${tier}`;
    return { class: family, vendor: 'apple', family, memory_gb: nameGb ?? marketedGb(gib) };
  }

  const known = lookup(key);
  let family = known?.model ?? (displayName(rest) || (ACCELERATOR_LABEL.get(accelerator) ?? 'Accelerator'));
  const vendor = known?.vendor ?? guessVendor(name, accelerator);
  if (mig) {
    family = `${family} MIG ${mig[1].toLowerCase()}`;
    return { class: family, vendor, family, memory_gb: Number(mig[2]) };
  }
  const memory_gb = known ? pickSize(known.sizes, nameGb, gib) : (nameGb ?? marketedGb(gib));
  return { class: memory_gb === null ? family : `${family} ${memory_gb}GB`, vendor, family, memory_gb };
}

/** Class, vendor, family and memory of a record's hardware; see hardwareClass for the naming rules. */
export function describeHardware(hw: HardwareInput): HardwareClassInfo {
  const count =
    typeof hw.device_count === 'number' && Number.isFinite(hw.device_count) && hw.device_count >= 1 ? Math.floor(hw.device_count) : 1;
  const mb = hw.memory_mb;
  const gib = typeof mb === 'number' && Number.isFinite(mb) && mb > 0 ? mb / 1024 : null;
  const info = describeDevice(hw.accelerator, hw.device_name, gib);
  return count > 1 ? { ...info, class: `${count}× ${info.class}` } : info;
}

/**
 * The hardware class used to group leaderboards:
 * - known GPUs/accelerators: canonical model plus marketed memory ("H100 80GB", "RTX 4090 Laptop 16GB", "MI300X 192GB");
 * - Apple silicon: the chip only ("Apple M4 Max"), since unified memory varies per machine;
 * - CPUs (accelerator "cpu"): "CPU " plus the cleaned model ("CPU AMD EPYC 7763");
 * - unknown devices: their own cleaned name plus memory when known ("Quantum Accelerator X9 32GB");
 * - MIG slices: model plus profile ("H100 MIG 1g.10gb");
 * - more than one device: "N× " prefix ("8× H100 80GB").
 */
export function hardwareClass(hw: HardwareInput): string {
  return describeHardware(hw).class;
}
