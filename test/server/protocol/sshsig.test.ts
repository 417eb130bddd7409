// SSHSIG interop with the real ssh-keygen (-Y sign / check-novalidate / verify) and rejection of bad signatures.
import { execFileSync } from 'node:child_process';
import { createHash, createPrivateKey, randomBytes, sign } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { sshKeygenKey, type KeyType } from '../../helpers/ssh-keygen.ts';
import { generateEd25519Key, parsePrivateKey } from '../../../server/protocol/ssh-keys.ts';
import { SignatureError, signSshsig, verifySshsig } from '../../../server/protocol/sshsig.ts';
import { SshReader, armor, dearmor, sshString, sshUint32 } from '../../../server/protocol/ssh-wire.ts';

const dir = mkdtempSync(join(tmpdir(), 'crossfork-sshsig-'));
let n = 0;
const message = randomBytes(2048);

/** `ssh-keygen -Y sign` over `msg` with extra options (e.g. -O hashalg=sha256). */
function keygenSign(keyPath: string, msg: Uint8Array, opts: string[] = [], namespace = 'crossfork'): string {
  const file = join(dir, `msg${n++}`);
  writeFileSync(file, msg);
  execFileSync('ssh-keygen', ['-q', '-Y', 'sign', '-n', namespace, ...opts, '-f', keyPath, file], { stdio: 'pipe' });
  return readFileSync(`${file}.sig`, 'utf8');
}

/** Runs ssh-keygen -Y check-novalidate and -Y verify on our signature; throws if either refuses it. */
function keygenAccepts(sig: string, msg: Uint8Array, publicKey: string): void {
  const sigFile = join(dir, `sig${n++}`);
  const signers = join(dir, `allowed${n++}`);
  writeFileSync(sigFile, sig);
  writeFileSync(signers, `someone ${publicKey}\n`);
  execFileSync('ssh-keygen', ['-Y', 'check-novalidate', '-n', 'crossfork', '-s', sigFile], { input: msg, stdio: 'pipe' });
  execFileSync('ssh-keygen', ['-Y', 'verify', '-f', signers, '-I', 'someone', '-n', 'crossfork', '-s', sigFile], {
    input: msg,
    stdio: 'pipe',
  });
}

interface Fields {
  magic: Buffer;
  version: number;
  publicKey: Buffer;
  namespace: string;
  reserved: Buffer;
  hash: string;
  sigAlg: string;
  sig: Buffer;
}

const testFail = (m: string) => new Error(m);

function decode(armored: string): Fields {
  const r = new SshReader(dearmor(armored, 'SSH SIGNATURE', testFail), testFail);
  const f = {
    magic: r.bytes(6, 'magic'),
    version: r.uint32('v'),
    publicKey: r.string('k'),
    namespace: r.text('ns'),
    reserved: r.string('r'),
    hash: r.text('h'),
  };
  const s = new SshReader(r.string('sig'), testFail);
  return { ...f, sigAlg: s.text('alg'), sig: s.string('sig') };
}

function encode(f: Fields, trailing = Buffer.alloc(0)): string {
  const sigBlob = Buffer.concat([sshString(f.sigAlg), sshString(f.sig)]);
  const parts = [
    f.magic,
    sshUint32(f.version),
    sshString(f.publicKey),
    sshString(f.namespace),
    sshString(f.reserved),
    sshString(f.hash),
    sshString(sigBlob),
    trailing,
  ];
  return armor('SSH SIGNATURE', Buffer.concat(parts));
}

/** The data an SSHSIG signature covers (PROTOCOL.sshsig), computed independently of the code under test. */
function signedData(msg: Uint8Array, namespace: string, hash: string): Buffer {
  const h = createHash(hash).update(msg).digest();
  return Buffer.concat([Buffer.from('SSHSIG'), sshString(namespace), sshString(''), sshString(hash), sshString(h)]);
}

function rejects(fn: () => unknown, reason: RegExp): void {
  let error: unknown;
  try {
    fn();
  } catch (err) {
    error = err;
  }
  expect(error).toBeInstanceOf(SignatureError);
  expect((error as Error).message).toMatch(reason);
}

const keys = { ed25519: sshKeygenKey('ed25519'), rsa: sshKeygenKey('rsa'), ecdsa: sshKeygenKey('ecdsa') };
const types: KeyType[] = ['ed25519', 'rsa', 'ecdsa'];
const edSig = keys.ed25519.sign(message);

describe('verifySshsig with ssh-keygen signatures', () => {
  it.each(types)('accepts a %s signature (default sha512)', (type) => {
    const key = keys[type];
    const sig = key.sign(message);
    const f = decode(sig);
    expect(f.hash).toBe('sha512');
    if (type === 'rsa') expect(f.sigAlg).toBe('rsa-sha2-512');
    const fp = /SHA256:\S+/.exec(execFileSync('ssh-keygen', ['-lf', `${key.path}.pub`], { encoding: 'utf8' }))![0];
    expect(verifySshsig(message, sig, key.publicKey).fingerprint).toBe(fp);
  });

  it.each(types)('accepts a %s signature with hashalg=sha256', (type) => {
    const sig = keygenSign(keys[type].path, message, ['-O', 'hashalg=sha256']);
    expect(decode(sig).hash).toBe('sha256');
    expect(verifySshsig(message, sig, keys[type].publicKey).type).toMatch(/^(ssh-ed25519|ssh-rsa|ecdsa-sha2-nistp256)$/);
  });

  it.each([384, 521])('accepts an ecdsa-sha2-nistp%s signature', (bits) => {
    const path = join(dir, `ec${bits}`);
    execFileSync('ssh-keygen', ['-q', '-t', 'ecdsa', '-b', String(bits), '-N', '', '-f', path]);
    const publicKey = readFileSync(`${path}.pub`, 'utf8');
    expect(verifySshsig(message, keygenSign(path, message), publicKey).type).toBe(`ecdsa-sha2-nistp${bits}`);
  });

  it('accepts an empty message', () => {
    const empty = Buffer.alloc(0);
    expect(() => verifySshsig(empty, keys.ed25519.sign(empty), keys.ed25519.publicKey)).not.toThrow();
  });
});

describe('signSshsig', () => {
  it.each(['sha512', 'sha256'] as const)('is accepted by ssh-keygen check-novalidate and verify (%s)', (hash) => {
    const { privateKey, publicKey } = generateEd25519Key('me@crossfork');
    const sig = signSshsig(message, parsePrivateKey(privateKey).keyObject, publicKey, 'crossfork', hash);
    keygenAccepts(sig, message, publicKey);
    expect(verifySshsig(message, sig, publicKey).comment).toBe('me@crossfork');
  });

  it('produces byte-identical output to ssh-keygen for the same ed25519 key', () => {
    const { keyObject } = parsePrivateKey(readFileSync(keys.ed25519.path, 'utf8'));
    expect(signSshsig(message, keyObject, keys.ed25519.publicKey)).toBe(edSig);
  });

  it('refuses a private key that does not match public_key', () => {
    const other = parsePrivateKey(generateEd25519Key().privateKey).keyObject;
    rejects(() => signSshsig(message, other, keys.ed25519.publicKey), /does not belong to public_key/);
  });

  it('is refused by ssh-keygen under another namespace', () => {
    const { privateKey, publicKey } = generateEd25519Key();
    const sig = signSshsig(message, parsePrivateKey(privateKey).keyObject, publicKey, 'git');
    expect(() => keygenAccepts(sig, message, publicKey)).toThrow();
  });
});

describe('verifySshsig rejects', () => {
  const ed = keys.ed25519.publicKey;

  it('a message changed by one byte', () => {
    const changed = Buffer.from(message);
    changed[1000] ^= 1;
    rejects(() => verifySshsig(changed, edSig, ed), /does not verify/);
  });

  it.each(types)('a %s signature whose bytes were altered', (type) => {
    const f = decode(keys[type].sign(message));
    f.sig[f.sig.length - 3] ^= 0x40;
    rejects(() => verifySshsig(message, encode(f), keys[type].publicKey), /does not verify|malformed/);
  });

  it("another key's signature (with its own key embedded)", () => {
    const other = sshKeygenKey('ed25519');
    rejects(() => verifySshsig(message, other.sign(message), ed), /key in the signature \(SHA256:.+\) differs from public_key/);
  });

  it("another key's signature bytes under public_key's embedded key", () => {
    const f = decode(edSig);
    f.sig = decode(sshKeygenKey('ed25519').sign(message)).sig;
    rejects(() => verifySshsig(message, encode(f), ed), /does not verify/);
  });

  it.each(['git', 'file'])('namespace %s', (ns) => {
    rejects(
      () => verifySshsig(message, keys.ed25519.sign(message, ns), ed),
      new RegExp(`signature namespace is '${ns}', expected 'crossfork'`),
    );
  });

  it('a namespace that is only a prefix of crossfork', () => {
    rejects(() => verifySshsig(message, keygenSign(keys.ed25519.path, message, [], 'crossfor'), ed), /namespace is 'crossfor'/);
  });

  it('truncated or garbled armor', () => {
    rejects(() => verifySshsig(message, edSig.slice(0, -30), ed), /bad armor/);
    rejects(() => verifySshsig(message, edSig.slice(20), ed), /bad armor/);
    rejects(() => verifySshsig(message, edSig.replace('-----END SSH SIGNATURE-----', '-----END SSH SIGNATUR-----'), ed), /bad armor/);
    rejects(() => verifySshsig(message, edSig.replace(/\n(.)/, '\n!'), ed), /not valid base64/);
    const lines = edSig.trim().split('\n');
    rejects(() => verifySshsig(message, [...lines.slice(0, 2), ...lines.slice(3)].join('\n'), ed), /malformed signature|base64/);
    rejects(() => verifySshsig(message, '', ed), /bad armor/);
  });

  it('random base64, armored or not', () => {
    const junk = randomBytes(300);
    rejects(() => verifySshsig(message, junk.toString('base64'), ed), /bad armor/);
    rejects(() => verifySshsig(message, armor('SSH SIGNATURE', junk), ed), /bad magic/);
  });

  it('a wrong magic, a wrong version, trailing bytes', () => {
    rejects(() => verifySshsig(message, encode({ ...decode(edSig), magic: Buffer.from('SSHSIH') }), ed), /bad magic/);
    rejects(() => verifySshsig(message, encode({ ...decode(edSig), version: 2 }), ed), /unsupported SSHSIG version 2/);
    rejects(() => verifySshsig(message, encode(decode(edSig), Buffer.from([0])), ed), /trailing bytes/);
  });

  it('an unsupported hash algorithm or signature algorithm', () => {
    rejects(() => verifySshsig(message, encode({ ...decode(edSig), hash: 'md5' }), ed), /unsupported hash algorithm 'md5'/);
    rejects(
      () => verifySshsig(message, encode({ ...decode(edSig), sigAlg: 'ssh-ed448' }), ed),
      /unsupported signature algorithm 'ssh-ed448'/,
    );
  });

  it('a legacy ssh-rsa (SHA-1) signature, while rsa-sha2-256 over the same key is accepted', () => {
    const path = join(dir, 'rsa-pem');
    execFileSync('ssh-keygen', ['-q', '-t', 'rsa', '-b', '3072', '-m', 'PEM', '-N', '', '-f', path]);
    const pem = createPrivateKey(readFileSync(path, 'utf8'));
    const publicKey = readFileSync(`${path}.pub`, 'utf8');
    const base = decode(keygenSign(path, message));
    const data = signedData(message, 'crossfork', 'sha512');
    const sha256 = encode({ ...base, sigAlg: 'rsa-sha2-256', sig: sign('sha256', data, pem) });
    expect(verifySshsig(message, sha256, publicKey).type).toBe('ssh-rsa');
    const sha1 = encode({ ...base, sigAlg: 'ssh-rsa', sig: sign('sha1', data, pem) });
    rejects(() => verifySshsig(message, sha1, publicKey), /'ssh-rsa' \(SHA-1\)/);
  });

  it('a huge input', () => {
    rejects(() => verifySshsig(message, edSig + ' '.repeat(20_000), ed), /longer than 16384/);
    rejects(() => verifySshsig(message, edSig, `ssh-ed25519 ${'A'.repeat(20_000)}`), /invalid public_key: .*longer than/);
  });

  it('a malformed public_key, as a SignatureError', () => {
    rejects(() => verifySshsig(message, edSig, 'ssh-ed25519 nope'), /invalid public_key/);
    rejects(() => verifySshsig(message, edSig, undefined as unknown as string), /invalid public_key/);
  });

  it('random corruption of valid signatures, never with anything but SignatureError', () => {
    for (const type of types) {
      const sig = keys[type].sign(message);
      const bytes = dearmor(sig, 'SSH SIGNATURE', testFail);
      for (let i = 0; i < 400; i++) {
        const bad = Buffer.from(bytes);
        const at = (i * 7919) % bad.length;
        bad[at] ^= 1 << (i % 8);
        const cut = i % 5 === 0 ? bad.subarray(0, at) : bad;
        rejects(() => verifySshsig(message, armor('SSH SIGNATURE', cut), keys[type].publicKey), /./);
      }
    }
  });
});
