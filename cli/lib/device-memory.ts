// The memory of one device, as `init` and the --memory-mb flag take it: what a person types (MiB,
// or with a unit) checked against what a device can have, and the known memory of a named model.
import { describeHardware } from '../../server/protocol/hardware-class.ts';
import type { Hardware } from '../../server/protocol/record.schema.ts';

/** No accelerator or machine this small or this large trains a model (the record schema's cap is 16 TiB). */
export const MEMORY_MB_MIN = 256;
export const MEMORY_MB_MAX = 16 * 1024 * 1024;

const UNITS: Record<string, number> = {
  '': 1,
  m: 1,
  mb: 1,
  mib: 1,
  g: 1024,
  gb: 1024,
  gib: 1024,
  t: 1024 ** 2,
  tb: 1024 ** 2,
  tib: 1024 ** 2,
};

/** "24564", "24564 MiB", "24 GB", "128GiB": MiB of one device, or why the text is not one. */
export function readMemoryMb(text: string): { mb: number } | { problem: string } {
  const m = /^\s*(\d+(?:\.\d+)?)\s*([a-z]*)\s*$/i.exec(text);
  const unit = m ? UNITS[m[2].toLowerCase()] : undefined;
  if (!m || unit === undefined)
    return { problem: `"${text}" is not an amount of memory: a number of MiB (e.g. 24564) or with a unit (24 GiB)` };
  const mb = Math.round(Number(m[1]) * unit);
  if (mb < MEMORY_MB_MIN || mb > MEMORY_MB_MAX)
    return {
      problem: `${text.trim()} cannot be the memory of one device: it is between ${MEMORY_MB_MIN} MiB and 16 TiB (e.g. 24564 for 24 GiB)`,
    };
  return { mb };
}

/**
 * The memory a named model is known to have, in MiB, when the hardware says none: the size in its
 * name ("H100 80GB"), or the one size the hardware table knows for it (a DGX Spark GB10 has 128 GB).
 */
export function knownMemoryMb(h: Hardware): number | null {
  if (h.memory_mb !== null) return null;
  const gb = describeHardware(h).memory_gb;
  return gb === null ? null : gb * 1024;
}
