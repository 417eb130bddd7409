// Reusable zod field types for the wire contract: strings that Postgres and JCS can hold,
// finite numbers, hex digests, RFC 3339 times.
import { z } from 'zod';

const NUL = /\u0000/;

/** A string that is well-formed UTF-16 (no lone surrogates) and has no NUL characters. */
export function text(max: number, min = 0) {
  return z
    .string()
    .min(min, min === 1 ? 'must not be empty' : `must be at least ${min} characters`)
    .max(max, `must be at most ${max} characters`)
    .refine((s) => !NUL.test(s), 'must not contain NUL characters')
    .refine((s) => s.isWellFormed(), 'must be well-formed Unicode (no lone surrogates)');
}

/** Like `text`, but bounded by UTF-8 byte length (diffs are measured in bytes). */
export function textBytes(maxBytes: number) {
  return z
    .string()
    .refine((s) => Buffer.byteLength(s, 'utf8') <= maxBytes, `must be at most ${maxBytes} bytes`)
    .refine((s) => !NUL.test(s), 'must not contain NUL characters')
    .refine((s) => s.isWellFormed(), 'must be well-formed Unicode (no lone surrogates)');
}

/** A finite number (zod 4 already refuses Infinity and NaN; JSON cannot carry NaN anyway). */
export const finite = z.number();
export const nonNegative = finite.nonnegative('must be ≥ 0');

export const sha256Hex = z.string().regex(/^[0-9a-f]{64}$/, 'must be a lowercase hex SHA-256');
export const gitCommit = z.string().regex(/^[0-9a-f]{4,64}$/, 'must be a lowercase hex git object id (4–64 digits)');
export const rfc3339 = z.iso.datetime({ offset: true, message: 'must be an RFC 3339 date-time, e.g. 2026-03-08T21:15:00Z' });
