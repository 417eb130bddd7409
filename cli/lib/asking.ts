// What a question to the server (check, claim, known-bad, MCP tools) is asked with: this machine's
// hardware (flags over the saved profile) and the fork's harness, with a note on stderr when either
// was not said by the user (hardware detected, harness assumed to be current upstream).
import type { Hardware } from '../../server/protocol/record.schema.ts';
import { clipDescription } from '../../server/protocol/description.ts';
import { LIMITS } from '../../server/protocol/limits.ts';
import { parsePublicKey } from '../../server/protocol/ssh-keys.ts';
import type { Context } from './context.ts';
import type { HardwareFlags } from './hardware.ts';
import { resolveHarness, type HarnessChoice, type HarnessFlags } from './harness.ts';
import { machineHardware, unsavedNote } from './profile.ts';

export interface Asking {
  hardware: Hardware;
  harness: HarnessChoice;
}

export async function askingContext(
  ctx: Pick<Context, 'config' | 'log'>,
  opts: HardwareFlags & HarnessFlags & { repo?: string },
): Promise<Asking> {
  const harness = resolveHarness(opts.repo ?? '.', opts);
  const machine = await machineHardware(ctx.config, opts);
  const unsaved = unsavedNote(machine);
  if (unsaved) ctx.log(unsaved);
  if (harness.note) ctx.log(harness.note);
  return { hardware: machine.hardware, harness };
}

/**
 * Who asks a check: this machine's signing key, when it has one. The server then reads the key's own
 * records as the fork's state (its own failure warns without a second fork) and counts, later,
 * whether a warning saved the run. Never required.
 */
export function callerKey(ctx: Pick<Context, 'config'>): { key_fingerprint?: string } {
  return ctx.config.key ? { key_fingerprint: parsePublicKey(ctx.config.key.public_key).fingerprint } : {};
}

/** An idea's description under the one rule (cut to the limit, said on stderr). */
export function ideaText(ctx: Pick<Context, 'log'>, idea: string): string {
  const c = clipDescription(idea.trim());
  if (c.clipped)
    ctx.log(`the idea is longer than ${LIMITS.descriptionChars} characters: sent cut to ${LIMITS.descriptionChars}, ending in "…"`);
  return c.text;
}
