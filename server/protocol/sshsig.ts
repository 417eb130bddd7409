// OpenSSH SSHSIG signatures (PROTOCOL.sshsig), as made by `ssh-keygen -Y sign -n crossfork`:
// verifying them against an envelope's public_key, and signing with an in-process ed25519 key.
import { createHash, createPublicKey, sign, verify, type KeyObject } from 'node:crypto';
import { LIMITS } from './limits.ts';
import { SshKeyError, fingerprint, parsePublicKey, publicKeyObject, type SshPublicKey } from './ssh-keys.ts';
import { SshReader, armor, dearmor, quote, sshString, sshUint32 } from './ssh-wire.ts';

export const SIGNATURE_NAMESPACE = 'crossfork';

/** A signature that cannot be accepted; the message says exactly what was wrong. */
export class SignatureError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'SignatureError';
  }
}

const LABEL = 'SSH SIGNATURE';
const MAGIC = Buffer.from('SSHSIG', 'latin1');
const VERSION = 1;
const HASHES = ['sha512', 'sha256'];
const ECDSA: Record<string, { hash: string; width: number }> = {
  'ecdsa-sha2-nistp256': { hash: 'sha256', width: 32 },
  'ecdsa-sha2-nistp384': { hash: 'sha384', width: 48 },
  'ecdsa-sha2-nistp521': { hash: 'sha512', width: 66 },
};
const fail = (message: string) => new SignatureError(message);

/**
 * Verifies an armored SSHSIG over `message`, made by `publicKeyLine` for `namespace`.
 * Returns the parsed key; throws SignatureError (and nothing else) on any problem.
 */
export function verifySshsig(
  message: Uint8Array,
  armoredSignature: string,
  publicKeyLine: string,
  namespace = SIGNATURE_NAMESPACE,
): SshPublicKey {
  if (typeof armoredSignature !== 'string') throw fail('signature must be a string');
  if (armoredSignature.length > LIMITS.signatureChars) throw fail(`signature is longer than ${LIMITS.signatureChars} characters`);
  let key: SshPublicKey;
  let keyObject: KeyObject;
  try {
    key = parsePublicKey(publicKeyLine);
    keyObject = publicKeyObject(key);
  } catch (err) {
    if (err instanceof SshKeyError) throw new SignatureError(`invalid public_key: ${err.message}`, { cause: err });
    throw err;
  }

  const r = new SshReader(dearmor(armoredSignature, LABEL, fail), (m) => fail(`malformed signature: ${m}`));
  if (!r.bytes(MAGIC.length, 'magic').equals(MAGIC)) throw fail('malformed signature: bad magic (not an SSHSIG signature)');
  const version = r.uint32('version');
  if (version !== VERSION) throw fail(`unsupported SSHSIG version ${version} (expected ${VERSION})`);
  const signer = r.string('public key');
  const sigNamespace = r.text('namespace');
  const reserved = r.string('reserved');
  const hash = r.text('hash algorithm');
  const sigBlob = r.string('signature');
  r.end('the signature');

  if (sigNamespace !== namespace) throw fail(`signature namespace is ${quote(sigNamespace)}, expected ${quote(namespace)}`);
  if (!signer.equals(key.blob)) {
    throw fail(`the key in the signature (${fingerprint(signer)}) differs from public_key (${key.fingerprint})`);
  }
  if (!HASHES.includes(hash)) throw fail(`unsupported hash algorithm ${quote(hash)} (expected sha512 or sha256)`);

  const s = new SshReader(sigBlob, (m) => fail(`malformed signature blob: ${m}`));
  const alg = s.text('signature algorithm');
  const raw = s.string('signature bytes');
  s.end('the signature blob');

  const signed = signedData(message, sigNamespace, reserved, hash);
  let ok: boolean;
  try {
    ok = verifyRaw(key.type, alg, signed, keyObject, raw);
  } catch (err) {
    if (err instanceof SignatureError) throw err;
    throw new SignatureError('signature does not verify (it could not be checked)', { cause: err });
  }
  if (!ok) throw fail('signature does not verify (the message or signature was altered, or it was made by another key)');
  return key;
}

/** Signs `message` with an ed25519 private key; returns the armored SSHSIG that ssh-keygen accepts. */
export function signSshsig(
  message: Uint8Array,
  privateKey: KeyObject,
  publicKeyLine: string,
  namespace = SIGNATURE_NAMESPACE,
  hash: 'sha512' | 'sha256' = 'sha512',
): string {
  if (privateKey.type !== 'private' || privateKey.asymmetricKeyType !== 'ed25519') throw fail('signSshsig needs an ed25519 private key');
  if (namespace === '') throw fail('namespace must not be empty');
  let key: SshPublicKey;
  try {
    key = parsePublicKey(publicKeyLine);
  } catch (err) {
    if (err instanceof SshKeyError) throw new SignatureError(`invalid public_key: ${err.message}`, { cause: err });
    throw err;
  }
  const x = createPublicKey(privateKey).export({ format: 'jwk' }).x!;
  if (key.type !== 'ssh-ed25519' || !key.blob.subarray(-32).equals(Buffer.from(x, 'base64url'))) {
    throw fail('the private key does not belong to public_key');
  }
  const sig = sign(null, signedData(message, namespace, Buffer.alloc(0), hash), privateKey);
  const blob = Buffer.concat([
    MAGIC,
    sshUint32(VERSION),
    sshString(key.blob),
    sshString(namespace),
    sshString(''),
    sshString(hash),
    sshString(Buffer.concat([sshString('ssh-ed25519'), sshString(sig)])),
  ]);
  return armor(LABEL, blob);
}

/** The bytes the signature covers: "SSHSIG" || namespace || reserved || hash_algorithm || H(message). */
function signedData(message: Uint8Array, namespace: string, reserved: Buffer, hash: string): Buffer {
  return Buffer.concat([
    MAGIC,
    sshString(namespace),
    sshString(reserved),
    sshString(hash),
    sshString(createHash(hash).update(message).digest()),
  ]);
}

function verifyRaw(keyType: string, alg: string, data: Buffer, keyObject: KeyObject, raw: Buffer): boolean {
  if (keyType === 'ssh-ed25519') {
    if (alg !== 'ssh-ed25519') throw wrongAlg(alg, keyType);
    if (raw.length !== 64) throw fail('malformed signature blob: ed25519 signature must be 64 bytes');
    return verify(null, data, keyObject, raw);
  }
  if (keyType === 'ssh-rsa') {
    if (alg === 'ssh-rsa') throw fail("unsupported signature algorithm 'ssh-rsa' (SHA-1); sign with rsa-sha2-512 or rsa-sha2-256");
    if (alg !== 'rsa-sha2-512' && alg !== 'rsa-sha2-256') throw wrongAlg(alg, keyType);
    const modBytes = Math.ceil(keyObject.asymmetricKeyDetails!.modulusLength! / 8);
    if (raw.length > modBytes) throw fail('malformed signature blob: RSA signature is longer than the modulus');
    const padded = Buffer.concat([Buffer.alloc(modBytes - raw.length), raw]);
    return verify(alg === 'rsa-sha2-512' ? 'sha512' : 'sha256', data, keyObject, padded);
  }
  // ECDSA: the signature is mpint r || mpint s; node takes them as fixed-width r || s (IEEE P1363).
  if (alg !== keyType) throw wrongAlg(alg, keyType);
  const ec = new SshReader(raw, (m) => fail(`malformed ECDSA signature: ${m}`));
  const rInt = ec.mpint('r');
  const sInt = ec.mpint('s');
  ec.end('s');
  const { hash, width } = ECDSA[keyType];
  if (rInt.length > width || sInt.length > width) throw fail('malformed ECDSA signature: r or s is too large');
  const p1363 = Buffer.concat([Buffer.alloc(width - rInt.length), rInt, Buffer.alloc(width - sInt.length), sInt]);
  return verify(hash, data, { key: keyObject, dsaEncoding: 'ieee-p1363' }, p1363);
}

function wrongAlg(alg: string, keyType: string): SignatureError {
  return fail(`unsupported signature algorithm ${quote(alg)} for a ${keyType} key`);
}
