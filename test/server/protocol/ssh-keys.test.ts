// OpenSSH key handling against the real ssh-keygen: public key parsing, fingerprints, private key files.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  SshKeyError,
  fingerprint,
  generateEd25519Key,
  parsePrivateKey,
  parsePublicKey,
  publicKeyObject,
} from '../../../server/protocol/ssh-keys.ts';
import { verifySshsig } from '../../../server/protocol/sshsig.ts';
import { sshString } from '../../../server/protocol/ssh-wire.ts';

const dir = mkdtempSync(join(tmpdir(), 'crossfork-keys-'));
let n = 0;

/** Runs `ssh-keygen -t type [-b bits] -N pass -f <new file>` and returns the private key path. */
function keygen(type: string, bits?: number, extra: string[] = [], pass = ''): string {
  const path = join(dir, `key${n++}`);
  execFileSync('ssh-keygen', [
    '-q',
    '-t',
    type,
    ...(bits ? ['-b', String(bits)] : []),
    '-N',
    pass,
    '-C',
    `${type}@test`,
    ...extra,
    '-f',
    path,
  ]);
  return path;
}

const pubLine = (path: string) => readFileSync(`${path}.pub`, 'utf8').trim();
const keygenFingerprint = (pub: string) => /SHA256:\S+/.exec(execFileSync('ssh-keygen', ['-lf', pub], { encoding: 'utf8' }))![0];
const line = (type: string, ...parts: Buffer[]) => `${type} ${Buffer.concat(parts).toString('base64')}`;

describe('parsePublicKey', () => {
  it.each([
    ['ed25519', undefined, 'ssh-ed25519', 'ed25519'],
    ['rsa', 3072, 'ssh-rsa', 'rsa'],
    ['ecdsa', 256, 'ecdsa-sha2-nistp256', 'ec'],
    ['ecdsa', 384, 'ecdsa-sha2-nistp384', 'ec'],
    ['ecdsa', 521, 'ecdsa-sha2-nistp521', 'ec'],
  ] as const)('parses a %s-%s key from ssh-keygen with its fingerprint', (type, bits, sshType, nodeType) => {
    const path = keygen(type, bits);
    const key = parsePublicKey(pubLine(path));
    expect(key.type).toBe(sshType);
    expect(key.comment).toBe(`${type}@test`);
    expect(key.fingerprint).toBe(keygenFingerprint(`${path}.pub`));
    expect(fingerprint(key.blob)).toBe(key.fingerprint);
    const obj = publicKeyObject(key);
    expect(obj.asymmetricKeyType).toBe(nodeType);
    expect(publicKeyObject(parsePublicKey(pubLine(path)))).toBe(obj);
  });

  it('keeps a comment with spaces and tolerates surrounding whitespace', () => {
    const { publicKey } = generateEd25519Key('alice at lab 3');
    expect(parsePublicKey(`  ${publicKey}\n`).comment).toBe('alice at lab 3');
    expect(parsePublicKey(publicKey.split(' ').slice(0, 2).join(' ')).comment).toBe('');
  });

  const ed = parsePublicKey(generateEd25519Key().publicKey);
  const edPoint = ed.blob.subarray(-32);
  const rejects: [string, string, RegExp][] = [
    ['an empty line', '', /must look like/],
    ['a type alone', 'ssh-ed25519', /must look like/],
    ['bad base64', 'ssh-ed25519 AAAA!!!!', /not valid base64/],
    ['non-canonical base64', `ssh-ed25519 ${ed.blob.toString('base64').slice(0, -2)}B=`, /base64/],
    ['an unsupported type', line('ssh-dss', sshString('ssh-dss'), sshString(Buffer.alloc(20))), /unsupported key type 'ssh-dss'/],
    ['an outer type that differs from the blob', `ssh-rsa ${ed.blob.toString('base64')}`, /does not match the type inside/],
    ['trailing bytes in the blob', line('ssh-ed25519', ed.blob, Buffer.from([0])), /trailing bytes/],
    ['a truncated blob', line('ssh-ed25519', ed.blob.subarray(0, 40)), /truncated/],
    ['a huge length field', line('ssh-ed25519', sshString('ssh-ed25519'), Buffer.from([0xff, 0xff, 0xff, 0xff])), /truncated/],
    ['a short ed25519 key', line('ssh-ed25519', sshString('ssh-ed25519'), sshString(edPoint.subarray(1))), /32 bytes/],
    ['two lines', `${generateEd25519Key().publicKey}\n${generateEd25519Key().publicKey}`, /single line/],
    ['a line over 16 KiB', `ssh-ed25519 ${'A'.repeat(16 * 1024)}`, /longer than/],
    [
      'a curve that differs from the type',
      line('ecdsa-sha2-nistp256', sshString('ecdsa-sha2-nistp256'), sshString('nistp384'), sshString(Buffer.alloc(97, 4))),
      /does not match key type/,
    ],
    [
      'a compressed EC point',
      line('ecdsa-sha2-nistp256', sshString('ecdsa-sha2-nistp256'), sshString('nistp256'), sshString(Buffer.alloc(33, 2))),
      /uncompressed/,
    ],
  ];
  it.each(rejects)('rejects %s', (_, text, reason) => {
    expect(() => parsePublicKey(text)).toThrow(SshKeyError);
    expect(() => parsePublicKey(text)).toThrow(reason);
  });

  it('rejects RSA keys under 2048 bits', () => {
    expect(() => parsePublicKey(pubLine(keygen('rsa', 1024)))).toThrow(/at least 2048 bits, this one has 1024/);
  });

  it('rejects an EC point that is not on the curve when building the key', () => {
    const point = Buffer.concat([Buffer.from([4]), Buffer.alloc(64, 1)]);
    const key = parsePublicKey(line('ecdsa-sha2-nistp256', sshString('ecdsa-sha2-nistp256'), sshString('nistp256'), sshString(point)));
    expect(() => publicKeyObject(key)).toThrow(SshKeyError);
  });
});

describe('ed25519 private keys', () => {
  it('generates a key that ssh-keygen reads and signs with', () => {
    const { privateKey, publicKey } = generateEd25519Key('cli@crossfork');
    expect(privateKey).toMatch(/^-----BEGIN OPENSSH PRIVATE KEY-----\n/);
    const path = join(dir, `gen${n++}`);
    writeFileSync(path, privateKey, { mode: 0o600 });
    expect(execFileSync('ssh-keygen', ['-y', '-f', path], { encoding: 'utf8' }).trim()).toBe(publicKey);

    const msg = join(dir, `msg${n++}`);
    writeFileSync(msg, 'hello crossfork');
    execFileSync('ssh-keygen', ['-q', '-Y', 'sign', '-n', 'crossfork', '-f', path, msg], { stdio: 'pipe' });
    const key = verifySshsig(Buffer.from('hello crossfork'), readFileSync(`${msg}.sig`, 'utf8'), publicKey);
    expect(key.comment).toBe('cli@crossfork');
  });

  it('parses its own output', () => {
    const { privateKey, publicKey } = generateEd25519Key();
    const parsed = parsePrivateKey(privateKey);
    expect(parsed.publicKey).toBe(publicKey);
    expect(parsed.keyObject.asymmetricKeyType).toBe('ed25519');
  });

  it('parses a key written by ssh-keygen', () => {
    const path = keygen('ed25519');
    const parsed = parsePrivateKey(readFileSync(path, 'utf8'));
    expect(parsed.type).toBe('ssh-ed25519');
    expect(parsed.publicKey).toBe(pubLine(path));
  });

  it('refuses encrypted keys', () => {
    const path = keygen('ed25519', undefined, [], 'secret passphrase');
    expect(() => parsePrivateKey(readFileSync(path, 'utf8'))).toThrow('encrypted keys must be used through ssh-keygen/ssh-agent');
  });

  it('refuses other key types and formats', () => {
    expect(() => parsePrivateKey(readFileSync(keygen('ecdsa', 256), 'utf8'))).toThrow(/only ssh-ed25519 .* 'ecdsa-sha2-nistp256'/);
    expect(() => parsePrivateKey(readFileSync(keygen('rsa', 2048, ['-m', 'PEM']), 'utf8'))).toThrow(/not an OpenSSH private key/);
  });

  it('refuses damaged key files', () => {
    const { privateKey } = generateEd25519Key();
    const lines = privateKey.split('\n');
    const cut = [...lines.slice(0, 2), ...lines.slice(3)].join('\n');
    expect(() => parsePrivateKey(cut)).toThrow(SshKeyError);
    expect(() => parsePrivateKey(privateKey.replace('-----END OPENSSH PRIVATE KEY-----', ''))).toThrow(/bad armor/);
  });
});
