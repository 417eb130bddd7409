// Where crossfork keeps its state (CROSSFORK_HOME: config.json, keys/, outbox/, forks/) and the server URL.
import { mkdirSync, readFileSync, renameSync, writeFileSync, openSync, fsyncSync, closeSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import type { Hardware } from '../../server/protocol/record.schema.ts';
import { CliError } from './errors.ts';

export interface Config {
  /** Server base URL chosen at init (CROSSFORK_SERVER and --server override it). */
  server?: string;
  /** The signing key: `inprocess` reads an unencrypted ed25519 OpenSSH key; `ssh-keygen` runs `ssh-keygen -Y sign`. */
  key?: { path: string; public_key: string; signer: 'inprocess' | 'ssh-keygen' };
  /** The machine profile saved by `crossfork init`: what every command publishes and checks with. */
  machine?: MachineProfile;
}

export interface MachineProfile {
  hardware: Hardware;
  /** What detection found, before the user's corrections (null when nothing was detected). */
  detected: Hardware | null;
  /** The tool that found it (nvidia-smi, rocm-smi, system_profiler / sysctl, /proc/cpuinfo). */
  via: string;
  saved_at: string;
}

export const DEFAULT_SERVER = 'http://127.0.0.1:8787';

export function crossforkHome(env = process.env): string {
  if (env.CROSSFORK_HOME) return env.CROSSFORK_HOME;
  const xdg = env.XDG_CONFIG_HOME || join(homedir(), '.config');
  return join(xdg, 'crossfork');
}

export function configPath(home: string): string {
  return join(home, 'config.json');
}

export function readConfig(home: string): Config {
  let text: string;
  try {
    text = readFileSync(configPath(home), 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return {};
    throw err;
  }
  try {
    return JSON.parse(text) as Config;
  } catch {
    throw new CliError(`${configPath(home)} is not valid JSON: fix or delete it, then run \`crossfork init\``);
  }
}

export function writeConfig(home: string, config: Config): void {
  writeFileAtomic(configPath(home), `${JSON.stringify(config, null, 2)}\n`, 0o600);
}

/** The server URL: --server, then CROSSFORK_SERVER, then config, then the default. */
export function serverUrl(config: Config, flag?: string, env = process.env): string {
  const url = flag || env.CROSSFORK_SERVER || config.server || DEFAULT_SERVER;
  try {
    return new URL(url).toString().replace(/\/+$/, '');
  } catch {
    throw new CliError(`server URL ${JSON.stringify(url)} is not a URL`, 2);
  }
}

/** Writes a file so that readers see the old or the new content, never a part (tmp + fsync + rename). */
export function writeFileAtomic(path: string, data: string | Uint8Array, mode = 0o644): void {
  mkdirSync(dirname(path), { recursive: true });
  const tmp = `${path}.${process.pid}.${Date.now()}.tmp`;
  writeFileSync(tmp, data, { mode });
  const fd = openSync(tmp, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, path);
}
