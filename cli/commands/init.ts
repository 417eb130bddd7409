// `crossfork init`: choose the signing key (an existing SSH key through ssh-keygen, or a new
// crossfork ed25519 key signed in-process) and the server; writes CROSSFORK_HOME/config.json.
import { existsSync, mkdirSync, readFileSync, readdirSync } from 'node:fs';
import { linkGithub } from '../lib/github-link.ts';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline/promises';
import { generateEd25519Key, parsePrivateKey, parsePublicKey, SshKeyError } from '../../server/protocol/ssh-keys.ts';
import { writeConfig, writeFileAtomic, serverUrl, type Config } from '../lib/config.ts';
import type { Context } from '../lib/context.ts';
import { CliError, usageError } from '../lib/errors.ts';
import { result } from '../lib/result.ts';

interface Opts { yes?: boolean; key?: string; github?: string }

export default async function init(ctx: Context, _args: unknown[], opts: Opts) {
  let key: NonNullable<Config['key']>;
  let created = false;
  if (opts.key) key = existingKey(opts.key);
  else if (opts.yes) ({ key, created } = crossforkKey(ctx.home));
  else if (process.stdin.isTTY && process.stderr.isTTY) ({ key, created } = await ask(ctx.home));
  else throw usageError('choose a key: `crossfork init --yes` makes a crossfork key, `crossfork init --key ~/.ssh/id_ed25519` uses yours');
  const config: Config = { ...ctx.config, key, server: ctx.server };
  writeConfig(ctx.home, config);
  const fp = parsePublicKey(key.public_key).fingerprint;
  // The key is saved first: a failed link leaves a usable setup, and `crossfork github link` retries.
  const github = opts.github ? await linkGithub({ ...ctx, config }, opts.github) : null;
  const data = { home: ctx.home, server: serverUrl(config), key: { ...key, fingerprint: fp }, created, github };
  return result(
    data,
    [
      created ? `made a new ed25519 key for crossfork: ${key.path}` : `signing with ${key.path} (${key.signer === 'ssh-keygen' ? 'through ssh-keygen -Y sign' : 'in-process'})`,
      `key ${fp}`,
      ...(github ? [`linked to github.com/${github.github_login}`] : []),
      `server ${data.server}`,
      `config ${join(ctx.home, 'config.json')}`,
      'next: `crossfork import` in your fork, then `crossfork program >> program.md`',
    ].join('\n'),
  );
}

function existingKey(path: string): NonNullable<Config['key']> {
  const priv = resolve(path.replace(/\.pub$/, '').replace(/^~(?=\/)/, homedir()));
  if (!existsSync(priv)) throw new CliError(`no key at ${priv}`);
  let publicKey: string;
  try {
    publicKey = readFileSync(`${priv}.pub`, 'utf8').trim();
  } catch {
    throw new CliError(`${priv}.pub is missing: crossfork needs the public half next to the private key`);
  }
  try {
    parsePublicKey(publicKey);
  } catch (err) {
    if (err instanceof SshKeyError) throw new CliError(`${priv}.pub cannot be used: ${err.message}`);
    throw err;
  }
  return { path: priv, public_key: publicKey, signer: 'ssh-keygen' };
}

function crossforkKey(home: string): { key: NonNullable<Config['key']>; created: boolean } {
  const path = join(home, 'keys', 'crossfork_ed25519');
  if (existsSync(path)) {
    try {
      const { publicKey } = parsePrivateKey(readFileSync(path, 'utf8'));
      return { key: { path, public_key: publicKey, signer: 'inprocess' }, created: false };
    } catch (err) {
      throw new CliError(`${path} exists but cannot be used (${(err as Error).message}); move it away and run init again`);
    }
  }
  mkdirSync(join(home, 'keys'), { recursive: true, mode: 0o700 });
  const { privateKey, publicKey } = generateEd25519Key(`crossfork@${process.env.USER || 'user'}`);
  writeFileAtomic(path, privateKey, 0o600);
  writeFileAtomic(`${path}.pub`, `${publicKey}\n`, 0o644);
  return { key: { path, public_key: publicKey, signer: 'inprocess' }, created: true };
}

async function ask(home: string) {
  const dir = join(homedir(), '.ssh');
  const found = existsSync(dir) ? readdirSync(dir).filter((f) => /^id_[a-z0-9_]+$/.test(f) && existsSync(join(dir, `${f}.pub`))) : [];
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  try {
    process.stderr.write('Which key should sign your records?\n  0) a new ed25519 key made for crossfork\n');
    found.forEach((f, i) => process.stderr.write(`  ${i + 1}) ${join(dir, f)} (through ssh-keygen; ssh-agent and passphrases work)\n`));
    const answer = (await rl.question('> ')).trim() || '0';
    const n = Number(answer);
    if (!Number.isInteger(n) || n < 0 || n > found.length) throw usageError(`no choice ${JSON.stringify(answer)}`);
    return n === 0 ? crossforkKey(home) : { key: existingKey(join(dir, found[n - 1])), created: false };
  } finally {
    rl.close();
  }
}
