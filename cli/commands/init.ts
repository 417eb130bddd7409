// `crossfork init`: set up this machine. The signing key (an existing SSH key through ssh-keygen,
// or a new crossfork ed25519 key signed in-process) and the machine profile: hardware detected,
// shown, corrected (flags, or questions on a terminal) and saved in CROSSFORK_HOME/config.json;
// memory nobody reported is the model's known memory, else asked for or required (--memory-mb).
import { existsSync, mkdirSync, readFileSync, readdirSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface, type Interface } from 'node:readline/promises';
import { ACCELERATORS, type Hardware } from '../../server/protocol/record.schema.ts';
import { hardwareClass } from '../../server/protocol/hardware-class.ts';
import { generateEd25519Key, parsePrivateKey, parsePublicKey, SshKeyError } from '../../server/protocol/ssh-keys.ts';
import { writeConfig, writeFileAtomic, serverUrl, type Config, type MachineProfile } from '../lib/config.ts';
import type { Context } from '../lib/context.ts';
import { CliError, usageError } from '../lib/errors.ts';
import { linkGithub } from '../lib/github-link.ts';
import { knownMemoryMb, readMemoryMb } from '../lib/device-memory.ts';
import { applyFlags, checkFlags, detect, hasHardwareFlags, type HardwareFlags } from '../lib/hardware.ts';
import { describeMachine } from '../lib/profile.ts';
import { result } from '../lib/result.ts';

interface Opts extends HardwareFlags {
  yes?: boolean;
  key?: string;
  github?: string;
}

export default async function init(ctx: Context, _args: unknown[], opts: Opts) {
  const interactive = !opts.yes && Boolean(process.stdin.isTTY && process.stderr.isTTY);
  const rl = interactive ? createInterface({ input: process.stdin, output: process.stderr }) : null;
  try {
    checkFlags(opts); // a bad flag writes nothing
    let chosen: ChosenKey;
    if (opts.key) chosen = { key: existingKey(opts.key), created: false };
    else if (opts.yes) chosen = crossforkKey(ctx.home);
    else if (ctx.config.key) chosen = { key: ctx.config.key, created: false };
    else if (rl) chosen = await askKey(rl, ctx.home);
    else
      throw usageError('choose a key: `crossfork init --yes` makes a crossfork key, `crossfork init --key ~/.ssh/id_ed25519` uses yours');

    // Nothing is written until the machine profile is settled: a refused one leaves no key and no config.
    const { machine, memoryFromModel } = await profile(opts, rl);
    const { key, created } = chosen;
    chosen.write?.();
    const config: Config = { ...ctx.config, key, server: ctx.server, machine };
    writeConfig(ctx.home, config);
    const fp = parsePublicKey(key.public_key).fingerprint;
    // The key is saved first: a failed link leaves a usable setup, and `crossfork github link` retries.
    const github = opts.github ? await linkGithub({ ...ctx, config }, opts.github) : null;
    const klass = hardwareClass(machine.hardware);
    // Memory filled in from the model is not a correction of the user's.
    const corrected = (machine.detected ? changedFields(machine.detected, machine.hardware) : []).filter(
      (k) => k !== 'memory_mb' || memoryFromModel === null,
    );
    const data = {
      home: ctx.home,
      server: serverUrl(config),
      key: { ...key, fingerprint: fp },
      created,
      github,
      machine: { ...machine, hardware_class: klass, corrected, memory_from_model: memoryFromModel !== null },
    };
    return result(
      data,
      [
        created
          ? `made a new ed25519 key for crossfork: ${key.path}`
          : `signing with ${key.path} (${key.signer === 'ssh-keygen' ? 'through ssh-keygen -Y sign' : 'in-process'})`,
        `key ${fp}`,
        ...(github ? [`linked to github.com/${github.github_login}`] : []),
        `machine ${describeMachine(machine.hardware)}: hardware class ${klass} (found by ${machine.via}${corrected.length ? `; you corrected ${corrected.join(', ')}` : ''})`,
        ...(memoryFromModel
          ? [`memory: not reported, so the known memory of this model (${memoryFromModel} MiB); --memory-mb corrects it`]
          : []),
        `server ${data.server}`,
        `config ${join(ctx.home, 'config.json')}: every command uses this machine profile; flags (--device, --memory-mb, --accelerator, --device-count) override it, \`crossfork init\` again updates it`,
        'next: `crossfork import` in your fork, then `crossfork program >> program.md`',
      ].join('\n'),
    );
  } finally {
    rl?.close();
  }
}

/**
 * Detects, applies the flags, and on a terminal shows the result and lets the user correct it.
 * Memory nobody reported is the model's known memory, else asked for (terminal) or refused (no terminal).
 */
async function profile(opts: HardwareFlags, rl: Interface | null): Promise<{ machine: MachineProfile; memoryFromModel: number | null }> {
  const d = await detect();
  let hardware = applyFlags(d.hardware, opts)!;
  const memoryFromModel = knownMemoryMb(hardware);
  if (memoryFromModel !== null) hardware = { ...hardware, memory_mb: memoryFromModel };
  if (rl) {
    process.stderr.write(
      `\nThis machine (found by ${d.via}${hasHardwareFlags(opts) ? ', corrected by your flags' : ''}):\n${table(hardware)}\n`,
    );
    const ok = (await rl.question('Is this right? [Y/n] ')).trim().toLowerCase();
    if (ok === 'n' || ok === 'no') hardware = await correct(rl, hardware);
    else if (hardware.memory_mb === null) hardware = { ...hardware, memory_mb: await askMemory(rl, null) };
  } else if (hardware.memory_mb === null) {
    throw usageError(
      `the memory of one ${hardware.device_name} is not known (not reported, and not a model crossfork knows): pass --memory-mb <MiB of one device>, e.g. --memory-mb 24564; nothing was saved`,
    );
  }
  const machine = { hardware, detected: d.hardware, via: d.via, saved_at: new Date().toISOString() };
  return { machine, memoryFromModel: hardware.memory_mb === memoryFromModel ? memoryFromModel : null };
}

function table(h: Hardware): string {
  return [
    `  accelerator  ${h.accelerator}`,
    `  device       ${h.device_name}`,
    `  count        ${h.device_count}`,
    `  memory       ${h.memory_mb === null ? 'unknown' : `${h.memory_mb} MiB`} (of one device)`,
    ...(h.driver ? [`  driver       ${h.driver}`] : []),
  ].join('\n');
}

/** Asks until the answer is valid; Enter keeps the value shown (when there is one). */
async function ask(rl: Interface, label: string, current: string | null, valid: (s: string) => string | null): Promise<string> {
  for (;;) {
    const answer = (await rl.question(`${label} [${current ?? 'unknown'}]: `)).trim();
    if (answer === '' && current !== null) return current;
    const problem = answer === '' ? 'needed: crossfork ranks results by it' : valid(answer);
    if (!problem) return answer;
    process.stderr.write(`  ${problem}\n`);
  }
}

/** The memory of one device, in MiB (a unit may be typed: 24 GiB); impossible amounts are asked again. */
async function askMemory(rl: Interface, current: number | null): Promise<number> {
  const problem = (s: string) => {
    const m = readMemoryMb(s);
    return 'problem' in m ? m.problem : null;
  };
  const shown = current !== null && problem(String(current)) === null ? String(current) : null;
  const answer = await ask(rl, 'memory of one device in MiB', shown, problem);
  return (readMemoryMb(answer) as { mb: number }).mb;
}

/** One question per field; Enter keeps the value shown. */
async function correct(rl: Interface, h: Hardware): Promise<Hardware> {
  const accelerator = await ask(rl, 'accelerator', h.accelerator, (s) =>
    (ACCELERATORS as readonly string[]).includes(s) ? null : `one of ${ACCELERATORS.join(', ')}`,
  );
  const device = await ask(rl, 'device name', h.device_name, (s) => (s.length <= 200 ? null : 'at most 200 characters'));
  const count = await ask(rl, 'number of devices', String(h.device_count), (s) => (/^[1-9]\d{0,3}$/.test(s) ? null : 'a whole number ≥ 1'));
  const memory = await askMemory(rl, h.memory_mb);
  return {
    ...h,
    accelerator: accelerator as Hardware['accelerator'],
    device_name: device,
    device_count: Number(count),
    memory_mb: memory,
    ...(device !== h.device_name ? { driver: null, runtime: null } : {}),
  };
}

function changedFields(a: Hardware, b: Hardware): string[] {
  return (['accelerator', 'device_name', 'device_count', 'memory_mb'] as const).filter((k) => a[k] !== b[k]);
}

function existingKey(path: string): NonNullable<Config['key']> {
  const priv = resolve(path.replace(/\.pub$/, '').replace(/^~(?=\/)/, homedir()));
  if (!existsSync(priv)) throw new CliError(`no key at ${priv}`);
  let publicKey: string;
  try {
    publicKey = readFileSync(`${priv}.pub`, 'utf8').trim();
  } catch {
    throw new CliError(`${priv}.pub is missing: crossfork needs the public half next to the private key`);
  }
  try {
    parsePublicKey(publicKey);
  } catch (err) {
    if (err instanceof SshKeyError) throw new CliError(`${priv}.pub cannot be used: ${err.message}`);
    throw err;
  }
  return { path: priv, public_key: publicKey, signer: 'ssh-keygen' };
}

/** The key init will sign with; a new one is written (`write`) only once the whole setup is settled. */
interface ChosenKey {
  key: NonNullable<Config['key']>;
  created: boolean;
  write?: () => void;
}

function crossforkKey(home: string): ChosenKey {
  const path = join(home, 'keys', 'crossfork_ed25519');
  if (existsSync(path)) {
    try {
      const { publicKey } = parsePrivateKey(readFileSync(path, 'utf8'));
      return { key: { path, public_key: publicKey, signer: 'inprocess' }, created: false };
    } catch (err) {
      throw new CliError(`${path} exists but cannot be used (${(err as Error).message}); move it away and run init again`);
    }
  }
  const { privateKey, publicKey } = generateEd25519Key(`crossfork@${process.env.USER || 'user'}`);
  const write = () => {
    mkdirSync(join(home, 'keys'), { recursive: true, mode: 0o700 });
    writeFileAtomic(path, privateKey, 0o600);
    writeFileAtomic(`${path}.pub`, `${publicKey}\n`, 0o644);
  };
  return { key: { path, public_key: publicKey, signer: 'inprocess' }, created: true, write };
}

async function askKey(rl: Interface, home: string): Promise<ChosenKey> {
  const dir = join(homedir(), '.ssh');
  const found = existsSync(dir) ? readdirSync(dir).filter((f) => /^id_[a-z0-9_]+$/.test(f) && existsSync(join(dir, `${f}.pub`))) : [];
  process.stderr.write('Which key should sign your records?\n  0) a new ed25519 key made for crossfork\n');
  found.forEach((f, i) => process.stderr.write(`  ${i + 1}) ${join(dir, f)} (through ssh-keygen; ssh-agent and passphrases work)\n`));
  const answer = (await rl.question('> ')).trim() || '0';
  const n = Number(answer);
  if (!Number.isInteger(n) || n < 0 || n > found.length) throw usageError(`no choice ${JSON.stringify(answer)}`);
  return n === 0 ? crossforkKey(home) : { key: existingKey(join(dir, found[n - 1])), created: false };
}
