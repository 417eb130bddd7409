// Drives the real OpenSSH `ssh-keygen` to make keys and SSHSIG signatures for interop tests.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export type KeyType = 'ed25519' | 'rsa' | 'ecdsa';

export interface SshKeygenKey {
  path: string;
  publicKey: string;
  sign(message: Uint8Array, namespace?: string): string;
}

export function sshKeygenKey(type: KeyType): SshKeygenKey {
  const dir = mkdtempSync(join(tmpdir(), 'crossfork-ssh-'));
  const path = join(dir, `id_${type}`);
  const bits = type === 'rsa' ? ['-b', '3072'] : type === 'ecdsa' ? ['-b', '256'] : [];
  execFileSync('ssh-keygen', ['-q', '-t', type, ...bits, '-N', '', '-C', `${type}@test`, '-f', path]);
  let n = 0;
  return {
    path,
    publicKey: readFileSync(`${path}.pub`, 'utf8').trim(),
    sign(message, namespace = 'crossfork') {
      const file = join(dir, `msg${n++}`);
      writeFileSync(file, message);
      execFileSync('ssh-keygen', ['-q', '-Y', 'sign', '-n', namespace, '-f', path, file], { stdio: 'pipe' });
      return readFileSync(`${file}.sig`, 'utf8');
    },
  };
}
