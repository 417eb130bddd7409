// OpenSSH keys: parsing public key lines (ed25519, RSA, ECDSA) into node:crypto keys with ssh-keygen
// fingerprints, and generating/reading unencrypted OpenSSH-format ed25519 private keys for the CLI.
import {
  createHash,
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  randomBytes,
  type JsonWebKey,
  type KeyObject,
} from 'node:crypto';
import { LIMITS } from './limits.ts';
import { SshReader, armor, dearmor, decodeBase64, quote, sshString, sshUint32 } from './ssh-wire.ts';

/** A public key line or key file that cannot be used; the message says why. */
export class SshKeyError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'SshKeyError';
  }
}

export interface SshPublicKey {
  type: string;
  blob: Buffer;
  comment: string;
  fingerprint: string;
}

const MIN_RSA_BITS = 2048;
const MAX_RSA_BITS = 16384;
const EC_CURVES: Record<string, { crv: string; coordBytes: number }> = {
  'ecdsa-sha2-nistp256': { crv: 'P-256', coordBytes: 32 },
  'ecdsa-sha2-nistp384': { crv: 'P-384', coordBytes: 48 },
  'ecdsa-sha2-nistp521': { crv: 'P-521', coordBytes: 66 },
};
const fail = (message: string) => new SshKeyError(message);

/** Parses `<type> <base64 blob> [comment]`, validating the blob fully. Throws SshKeyError. */
export function parsePublicKey(line: string): SshPublicKey {
  if (typeof line !== 'string') throw fail('public key must be a string');
  if (line.length > LIMITS.publicKeyChars) throw fail(`public key line is longer than ${LIMITS.publicKeyChars} characters`);
  const text = line.trim();
  if (/[\r\n\0]/.test(text)) throw fail('public key must be a single line');
  const match = /^(\S+)[ \t]+(\S+)(?:[ \t]+(.*))?$/.exec(text);
  if (!match) throw fail("public key line must look like '<type> <base64> [comment]'");
  const [, type, b64, comment = ''] = match;
  const blob = decodeBase64(b64, 'public key blob', fail);
  blobJwk(type, blob);
  return { type, blob, comment, fingerprint: fingerprint(blob) };
}

/** `SHA256:` + unpadded base64 of sha256(blob), exactly as `ssh-keygen -lf` prints it. */
export function fingerprint(blob: Buffer): string {
  return `SHA256:${createHash('sha256').update(blob).digest('base64').replace(/=+$/, '')}`;
}

const KEY_CACHE_SIZE = 10_000;
const keyCache = new Map<string, KeyObject>();

/** The node:crypto public key for a parsed key; cached (bounded) because verification is hot. */
export function publicKeyObject(key: SshPublicKey): KeyObject {
  const id = key.blob.toString('base64');
  let obj = keyCache.get(id);
  if (obj) return obj;
  try {
    obj = createPublicKey({ key: blobJwk(key.type, key.blob), format: 'jwk' });
  } catch (err) {
    if (err instanceof SshKeyError) throw err;
    throw new SshKeyError(`public key is not a valid ${key.type} key`, { cause: err });
  }
  if (keyCache.size >= KEY_CACHE_SIZE) keyCache.delete(keyCache.keys().next().value!);
  keyCache.set(id, obj);
  return obj;
}

/** Checks a public key blob against its declared type and returns it as a JWK. */
function blobJwk(type: string, blob: Buffer): JsonWebKey {
  const r = new SshReader(blob, (m) => fail(`malformed ${type} public key: ${m}`));
  const inner = r.text('key type');
  if (inner !== type) throw fail(`public key type ${quote(type)} does not match the type inside the key, ${quote(inner)}`);
  let jwk: JsonWebKey;
  if (type === 'ssh-ed25519') {
    const x = r.string('ed25519 key');
    if (x.length !== 32) throw fail(`ed25519 public key must be 32 bytes, got ${x.length}`);
    jwk = { kty: 'OKP', crv: 'Ed25519', x: x.toString('base64url') };
  } else if (type === 'ssh-rsa') {
    const e = r.mpint('RSA exponent');
    const n = r.mpint('RSA modulus');
    const bits = n.length === 0 ? 0 : n.length * 8 - Math.clz32(n[0]) + 24;
    if (bits < MIN_RSA_BITS) throw fail(`RSA keys must have at least ${MIN_RSA_BITS} bits, this one has ${bits}`);
    if (bits > MAX_RSA_BITS) throw fail(`RSA keys may have at most ${MAX_RSA_BITS} bits, this one has ${bits}`);
    if (e.length === 0 || e.length > 8 || !(e[e.length - 1] & 1) || (e.length === 1 && e[0] < 3))
      throw fail('RSA public exponent is invalid');
    jwk = { kty: 'RSA', n: n.toString('base64url'), e: e.toString('base64url') };
  } else if (EC_CURVES[type]) {
    const { crv, coordBytes } = EC_CURVES[type];
    const curveName = r.text('curve name');
    if (`ecdsa-sha2-${curveName}` !== type) throw fail(`curve ${quote(curveName)} does not match key type ${type}`);
    const q = r.string('EC point');
    if (q.length !== 1 + 2 * coordBytes || q[0] !== 0x04) throw fail(`${type} key must be an uncompressed ${crv} point`);
    jwk = {
      kty: 'EC',
      crv,
      x: q.subarray(1, 1 + coordBytes).toString('base64url'),
      y: q.subarray(1 + coordBytes).toString('base64url'),
    };
  } else {
    throw fail(`unsupported key type ${quote(type)} (supported: ssh-ed25519, ssh-rsa, ${Object.keys(EC_CURVES).join(', ')})`);
  }
  r.end('the key');
  return jwk;
}

const PRIVATE_LABEL = 'OPENSSH PRIVATE KEY';
const PRIVATE_MAGIC = Buffer.from('openssh-key-v1\0', 'latin1');

/** A new ed25519 key pair as ssh-keygen would write it (unencrypted private key file, public line). */
export function generateEd25519Key(comment = ''): { privateKey: string; publicKey: string } {
  const jwk = generateKeyPairSync('ed25519').privateKey.export({ format: 'jwk' });
  const seed = Buffer.from(jwk.d!, 'base64url');
  const pub = Buffer.from(jwk.x!, 'base64url');
  const blob = Buffer.concat([sshString('ssh-ed25519'), sshString(pub)]);
  const check = randomBytes(4);
  const section = Buffer.concat([
    check,
    check,
    sshString('ssh-ed25519'),
    sshString(pub),
    sshString(Buffer.concat([seed, pub])),
    sshString(comment),
  ]);
  const padding = Buffer.from(Array.from({ length: (8 - (section.length % 8)) % 8 }, (_, i) => i + 1));
  const file = Buffer.concat([
    PRIVATE_MAGIC,
    sshString('none'),
    sshString('none'),
    sshString(''),
    sshUint32(1),
    sshString(blob),
    sshString(Buffer.concat([section, padding])),
  ]);
  return { privateKey: armor(PRIVATE_LABEL, file), publicKey: publicKeyLine(blob, comment) };
}

/** Reads an unencrypted OpenSSH-format ed25519 private key file. Throws SshKeyError. */
export function parsePrivateKey(text: string): { type: 'ssh-ed25519'; keyObject: KeyObject; publicKey: string } {
  if (!text.includes(`-----BEGIN ${PRIVATE_LABEL}-----`)) {
    throw fail('not an OpenSSH private key (expected "-----BEGIN OPENSSH PRIVATE KEY-----"; PEM/PKCS#8 keys are not supported)');
  }
  const file = new SshReader(dearmor(text, PRIVATE_LABEL, fail), (m) => fail(`malformed private key: ${m}`));
  if (!file.bytes(PRIVATE_MAGIC.length, 'magic').equals(PRIVATE_MAGIC)) throw fail('malformed private key: bad magic');
  const cipher = file.text('cipher name');
  const kdf = file.text('kdf name');
  file.string('kdf options');
  if (cipher !== 'none' || kdf !== 'none') throw fail('encrypted keys must be used through ssh-keygen/ssh-agent');
  if (file.uint32('key count') !== 1) throw fail('private key file must hold exactly one key');
  const blob = file.string('public key');
  const section = new SshReader(file.string('private section'), (m) => fail(`malformed private key: ${m}`));
  file.end('the private section');
  if (section.uint32('check') !== section.uint32('check')) throw fail('malformed private key: check bytes differ');
  const type = section.text('key type');
  if (type !== 'ssh-ed25519')
    throw fail(`only ssh-ed25519 private keys can be used directly; use ssh-keygen -Y sign for ${quote(type)} keys`);
  const pub = section.string('ed25519 public key');
  const priv = section.string('ed25519 private key');
  const comment = section.string('comment').toString('utf8');
  const padding = section.bytes(section.remaining(), 'padding');
  if (pub.length !== 32 || priv.length !== 64 || !priv.subarray(32).equals(pub))
    throw fail('malformed private key: bad ed25519 key lengths');
  if (!blob.equals(Buffer.concat([sshString('ssh-ed25519'), sshString(pub)])))
    throw fail('malformed private key: public and private halves differ');
  if (padding.length >= 8 || padding.some((b, i) => b !== i + 1)) throw fail('malformed private key: bad padding');
  const keyObject = createPrivateKey({
    key: { kty: 'OKP', crv: 'Ed25519', d: priv.subarray(0, 32).toString('base64url'), x: pub.toString('base64url') },
    format: 'jwk',
  });
  if (createPublicKey(keyObject).export({ format: 'jwk' }).x !== pub.toString('base64url')) {
    throw fail('malformed private key: public key does not belong to the private key');
  }
  return { type: 'ssh-ed25519', keyObject, publicKey: publicKeyLine(blob, comment) };
}

function publicKeyLine(blob: Buffer, comment: string): string {
  return `ssh-ed25519 ${blob.toString('base64')}${comment ? ` ${comment}` : ''}`;
}
