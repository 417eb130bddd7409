// The machine profile: the hardware `crossfork init` detected and the user confirmed or corrected,
// saved in config.json. Every command (and the MCP server) publishes and checks with it; flags override.
import type { Hardware } from '../../server/protocol/record.schema.ts';
import { hardwareSchema } from '../../server/protocol/record.schema.ts';
import type { Config } from './config.ts';
import { CliError } from './errors.ts';
import { applyFlags, checkFlags, detect, hasHardwareFlags, type HardwareFlags } from './hardware.ts';

export type HardwareSource = 'profile' | 'flags' | 'profile+flags' | 'detected' | 'detected+flags';

export interface MachineHardware {
  hardware: Hardware;
  source: HardwareSource;
}

/** The hardware a command uses: flags over the saved profile, else over detection (said once by the caller). */
export async function machineHardware(config: Config, flags: HardwareFlags = {}): Promise<MachineHardware> {
  checkFlags(flags);
  const flagged = hasHardwareFlags(flags);
  const saved = savedHardware(config);
  if (saved) {
    const hw = applyFlags(saved, flags)!;
    return {
      hardware: hw,
      source: !flagged ? 'profile' : flags.device && flags.device.trim() !== saved.device_name ? 'flags' : 'profile+flags',
    };
  }
  if (flags.device) return { hardware: applyFlags(null, flags)!, source: 'flags' };
  const d = await detect();
  return { hardware: applyFlags(d.hardware, flags)!, source: flagged ? 'detected+flags' : 'detected' };
}

/** The saved profile's hardware, checked against the record schema (a hand-edited config can break it). */
export function savedHardware(config: Config): Hardware | null {
  if (!config.machine) return null;
  const ok = hardwareSchema.safeParse(config.machine.hardware);
  if (!ok.success)
    throw new CliError(
      `the machine profile in config.json is invalid (${ok.error.issues[0]?.path.join('.')}: ${ok.error.issues[0]?.message}); run \`crossfork init\` again`,
    );
  return ok.data;
}

/** One line for humans: `NVIDIA GeForce RTX 4090 (cuda), 24,564 MiB` or `2× …`. */
export function describeMachine(h: Hardware): string {
  const mem = h.memory_mb === null ? 'memory unknown' : `${Math.round(h.memory_mb).toLocaleString('en-US')} MiB`;
  return `${h.device_count > 1 ? `${h.device_count}× ` : ''}${h.device_name} (${h.accelerator}), ${mem}${h.driver ? `, driver ${h.driver}` : ''}`;
}

/** The note commands print when they fell back to detection: how to make it stick. */
export function unsavedNote(m: MachineHardware): string | null {
  if (m.source !== 'detected') return null;
  return `no machine profile saved: using detected hardware ${describeMachine(m.hardware)}; \`crossfork init\` saves (and lets you correct) it`;
}
