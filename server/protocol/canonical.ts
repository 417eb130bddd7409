// RFC 8785 (JCS) canonical JSON and content ids: the exact bytes that are signed and hashed.
import { createHash } from 'node:crypto';
import canonicalize from 'canonicalize';

/** The canonical JSON text of a value (RFC 8785). Throws on values JSON cannot represent. */
export function canonicalJson(value: unknown): string {
  const text = canonicalize(value);
  if (text === undefined) throw new TypeError('value has no JSON representation');
  return text;
}

/** The UTF-8 bytes that a signature covers. */
export function canonicalBytes(value: unknown): Buffer {
  return Buffer.from(canonicalJson(value), 'utf8');
}

/** A record's id: lowercase hex SHA-256 of its canonical payload bytes. */
export function contentId(value: unknown): string {
  return createHash('sha256').update(canonicalBytes(value)).digest('hex');
}
