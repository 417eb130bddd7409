// Reading a results.tsv memory column in the unit it was really written in: a memory_gb value that
// cannot be GB on this device (more than the device holds) is read as MB when that fits, else the
// file is refused with the reason. --memory-unit gb|mb|none overrides the decision.
import type { Hardware } from '../../server/protocol/record.schema.ts';
import type { ResultsRow } from '../../server/protocol/results-tsv.ts';

export type MemoryUnit = 'gb' | 'mb' | 'none';
export const MEMORY_UNITS: readonly MemoryUnit[] = ['gb', 'mb', 'none'];

/** No single accelerator holds a terabyte: the bound when the device's memory is unknown. */
const UNKNOWN_DEVICE_GB = 1024;

export interface UnitDecision {
  unit: MemoryUnit;
  note: string | null;
  problem: string | null;
}

const gb = (x: number) => `${Number(x.toFixed(1)).toLocaleString('en-US')} GB`;

/** The most memory one run can report on this hardware, in GB (10 % slack for rounding and reporting). */
export function deviceLimitGb(hw: Hardware): number | null {
  if (hw.memory_mb === null) return null;
  return (hw.memory_mb / 1024) * Math.max(1, hw.device_count) * 1.1 + 0.5;
}

export function memoryUnit(rows: ResultsRow[], hw: Hardware, override?: MemoryUnit): UnitDecision {
  if (override) return { unit: override, note: null, problem: null };
  const values = rows.map((r) => r.memory_gb).filter((v): v is number => v !== null && v > 0);
  if (values.length === 0) return { unit: 'gb', note: null, problem: null };
  const max = Math.max(...values);
  const limit = deviceLimitGb(hw);
  const bound = limit ?? UNKNOWN_DEVICE_GB;
  const device =
    limit === null
      ? 'any single device'
      : `this device (${hw.device_count > 1 ? `${hw.device_count}× ` : ''}${hw.device_name}, ${gb(hw.memory_mb! / 1024)})`;
  if (max <= bound) return { unit: 'gb', note: null, problem: null };
  if (max / 1024 <= bound) {
    return {
      unit: 'mb',
      problem: null,
      note: `memory_gb values up to ${max} cannot be GB on ${device}: read them as MB (${gb(max / 1024)} at most); pass --memory-unit gb or none to override`,
    };
  }
  return {
    unit: 'gb',
    note: null,
    problem: `memory_gb values up to ${max} are neither GB nor MB of ${device}: fix the column (or the machine profile: \`crossfork init\`), or pass --memory-unit none to publish without peak memory`,
  };
}
