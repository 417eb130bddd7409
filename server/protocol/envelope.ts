// Opening (validate + verify) and sealing (canonicalise + sign) signed envelopes.
import type { z } from 'zod';
import { createHash } from 'node:crypto';
import { canonicalBytes, canonicalJson } from './canonical.ts';
import { envelopeSchema, PAYLOAD_SCHEMAS } from './envelope.schema.ts';
import { describeIssues, fieldIssues, type FieldIssue } from './issues.ts';
import { SignatureError, verifySshsig } from './sshsig.ts';
import { SshKeyError } from './ssh-keys.ts';

export type EnvelopeErrorCode = 'invalid-envelope' | 'unknown-schema' | 'invalid-payload' | 'bad-signature';

/** An envelope that cannot be accepted; `code` says which check refused it. */
export class EnvelopeError extends Error {
  constructor(
    readonly code: EnvelopeErrorCode,
    message: string,
    readonly issues: FieldIssue[] = [],
  ) {
    super(message);
    this.name = 'EnvelopeError';
  }
}

/** An envelope whose shape and payload are valid, but whose signature is not yet checked. */
export interface ParsedEnvelope<P> {
  id: string;
  payload: P;
  /** The canonical JSON text of the payload: what was signed and what the id hashes. */
  canonical: string;
  signature: string;
  publicKey: string;
}

/** The parts of the signing key that callers keep once a signature verified. */
export interface SigningKey {
  type: string;
  fingerprint: string;
}

export interface OpenedEnvelope<P> extends ParsedEnvelope<P> {
  key: SigningKey;
}

/**
 * Validates the envelope and its payload against `schema`, then verifies the SSHSIG over the
 * payload's canonical bytes. Throws EnvelopeError; never returns unverified data.
 */
export function openEnvelope<S extends z.ZodType>(raw: unknown, expectedSchema: string, schema: S): OpenedEnvelope<z.infer<S>> {
  const parsed = parseEnvelope(raw, expectedSchema, schema);
  return { ...parsed, key: verifyEnvelope(parsed) };
}

/** Step one of openEnvelope: shape, schema and canonical form. Throws EnvelopeError. */
export function parseEnvelope<S extends z.ZodType>(raw: unknown, expectedSchema: string, schema: S): ParsedEnvelope<z.infer<S>> {
  const env = envelopeSchema.safeParse(raw);
  if (!env.success) {
    const issues = fieldIssues(env.error);
    throw new EnvelopeError('invalid-envelope', `invalid envelope: ${describeIssues(issues)}`, issues);
  }
  const declared = env.data.payload.schema;
  if (declared !== expectedSchema) {
    const known = (PAYLOAD_SCHEMAS as readonly unknown[]).includes(declared);
    const what = typeof declared === 'string' ? `"${declared.slice(0, 80)}"` : 'missing';
    throw new EnvelopeError(
      'unknown-schema',
      known
        ? `payload.schema is ${what}, this endpoint takes "${expectedSchema}"`
        : `payload.schema is ${what}: unknown schema, expected "${expectedSchema}"`,
    );
  }
  const parsed = schema.safeParse(env.data.payload);
  if (!parsed.success) {
    const issues = fieldIssues(parsed.error, 'payload');
    throw new EnvelopeError('invalid-payload', `invalid ${expectedSchema} payload: ${describeIssues(issues)}`, issues);
  }
  // Sign and hash what was sent (schema validation is strict, so nothing was dropped).
  const canonical = canonicalJson(env.data.payload);
  const id = createHash('sha256').update(canonical, 'utf8').digest('hex');
  return { id, payload: parsed.data, canonical, signature: env.data.signature, publicKey: env.data.public_key };
}

/** Step two of openEnvelope (safe to run in a worker thread): the signature. Throws EnvelopeError. */
export function verifyEnvelope(env: Pick<ParsedEnvelope<unknown>, 'canonical' | 'signature' | 'publicKey'>): SigningKey {
  try {
    const key = verifySshsig(Buffer.from(env.canonical, 'utf8'), env.signature, env.publicKey);
    return { type: key.type, fingerprint: key.fingerprint };
  } catch (err) {
    if (err instanceof SignatureError || err instanceof SshKeyError) {
      throw new EnvelopeError('bad-signature', `signature rejected: ${err.message}`);
    }
    throw err;
  }
}

/** A signer: returns the armored SSHSIG over the given bytes (in-process or via ssh-keygen). */
export type Signer = (message: Uint8Array) => string | Promise<string>;

/** Builds a signed envelope for `payload` (the CLI's side of openEnvelope). */
export async function sealEnvelope<P extends object>(payload: P, sign: Signer, publicKey: string) {
  const signature = await sign(canonicalBytes(payload));
  return { payload, signature, public_key: publicKey.trim() };
}
