// Loading the configured signing key: in-process ed25519 (OpenSSH file) or `ssh-keygen -Y sign`,
// which works with passphrases, ssh-agent and RSA/ECDSA keys.
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { parsePrivateKey, SshKeyError } from '../../server/protocol/ssh-keys.ts';
import { signSshsig, SIGNATURE_NAMESPACE } from '../../server/protocol/sshsig.ts';
import type { Signer } from '../../server/protocol/envelope.ts';
import type { Config } from './config.ts';
import { CliError } from './errors.ts';

const run = promisify(execFile);

export interface KeySigner {
  publicKey: string;
  sign: Signer;
  kind: 'inprocess' | 'ssh-keygen';
}

export function loadSigner(config: Config): KeySigner {
  const key = config.key;
  if (!key) throw new CliError('no signing key: run `crossfork init` first');
  if (key.signer === 'inprocess') {
    let text: string;
    try {
      text = readFileSync(key.path, 'utf8');
    } catch (err) {
      throw new CliError(`cannot read the signing key ${key.path}: ${(err as Error).message}`);
    }
    try {
      const { keyObject, publicKey } = parsePrivateKey(text);
      return { publicKey, kind: 'inprocess', sign: (m) => signSshsig(m, keyObject, publicKey) };
    } catch (err) {
      if (err instanceof SshKeyError) throw new CliError(`the signing key ${key.path} cannot be used: ${err.message}`);
      throw err;
    }
  }
  return { publicKey: key.public_key, kind: 'ssh-keygen', sign: (m) => sshKeygenSign(key.path, m) };
}

/** Signs through OpenSSH exactly as `ssh-keygen -Y sign -n crossfork -f KEY` (agent and passphrase prompts work). */
export async function sshKeygenSign(keyPath: string, message: Uint8Array): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'crossfork-sign-'));
  try {
    const file = join(dir, 'payload.json');
    writeFileSync(file, message);
    try {
      await run('ssh-keygen', ['-q', '-Y', 'sign', '-n', SIGNATURE_NAMESPACE, '-f', keyPath, file], { timeout: 120_000 });
    } catch (err) {
      const e = err as { stderr?: string; code?: string; message: string };
      if (e.code === 'ENOENT')
        throw new CliError('ssh-keygen is not installed: install OpenSSH or run `crossfork init --yes` for a crossfork key');
      throw new CliError(`ssh-keygen -Y sign failed: ${(e.stderr || e.message).trim().split('\n').pop()}`);
    }
    return readFileSync(`${file}.sig`, 'utf8');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
