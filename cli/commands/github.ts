// `crossfork github link LOGIN`: show your GitHub login on your records instead of a key
// fingerprint (the key must be among https://github.com/LOGIN.keys).
import type { Context } from '../lib/context.ts';
import { linkGithub } from '../lib/github-link.ts';
import { result } from '../lib/result.ts';

export default async function github(ctx: Context, [login]: [string]) {
  const link = await linkGithub(ctx, login);
  return result(link, `linked ${link.key_fingerprint} to github.com/${link.github_login}`);
}
