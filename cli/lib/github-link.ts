// Linking the signing key to a GitHub login: a signed `crossfork.key/v1`, which the server
// accepts only when GitHub lists this public key for that user.
import type { KeyLink } from '../../server/protocol/api.schema.ts';
import { githubLoginSchema, KEY_SCHEMA } from '../../server/protocol/key.schema.ts';
import { sealEnvelope } from '../../server/protocol/envelope.ts';
import { toCliError } from './api-errors.ts';
import type { Context } from './context.ts';
import { usageError } from './errors.ts';
import { loadSigner } from './signer.ts';

export async function linkGithub(ctx: Context, login: string): Promise<KeyLink> {
  const valid = githubLoginSchema.safeParse(login);
  if (!valid.success) throw usageError(`"${login.slice(0, 60)}" is not a GitHub login (1–39 letters, digits or single inner hyphens)`);
  const signer = loadSigner(ctx.config);
  const envelope = await sealEnvelope(
    { schema: KEY_SCHEMA, github_login: valid.data, created_at: new Date().toISOString() },
    signer.sign,
    signer.publicKey,
  );
  try {
    return await ctx.client.linkKey(envelope);
  } catch (err) {
    throw toCliError(err);
  }
}
