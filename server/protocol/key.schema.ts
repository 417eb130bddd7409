// `crossfork.key/v1`: a signed statement "this key belongs to GitHub user LOGIN". The server
// links the key only when GitHub lists it among the user's public keys (possession is the signature).
import { z } from 'zod';
import { rfc3339 } from './fields.ts';
import { CLAIM_CLOCK_SKEW_S } from './claim.schema.ts';

export const KEY_SCHEMA = 'crossfork.key/v1';
/** How far a key link's created_at may be from the server's clock (the same rule as claims). */
export const KEY_CLOCK_SKEW_S = CLAIM_CLOCK_SKEW_S;

/** A GitHub login: 1–39 alphanumerics or single hyphens, not starting or ending with one. */
export const githubLoginSchema = z
  .string()
  .regex(/^[A-Za-z0-9](?:[A-Za-z0-9]|-(?=[A-Za-z0-9])){0,38}$/, 'must be a GitHub login (1–39 letters, digits or single inner hyphens)');

export const keyPayloadSchema = z.strictObject({
  schema: z.literal(KEY_SCHEMA),
  github_login: githubLoginSchema,
  created_at: rfc3339,
});

export type KeyPayload = z.infer<typeof keyPayloadSchema>;
