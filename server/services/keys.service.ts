// Key linking: a signed `crossfork.key/v1` links its key to a GitHub login when GitHub lists that
// key among the user's public keys; links are re-checked and dropped once GitHub stops listing it.
import type { Logger } from 'pino';
import {
  ClockSkewError,
  GithubDisabledError,
  GithubUnreachableError,
  GithubUserNotFoundError,
  KeyNotOnGithubError,
  ReplayedError,
  RevokedKeyError,
} from './errors.ts';
import { openEnvelope } from '../protocol/envelope.ts';
import { KEY_CLOCK_SKEW_S, KEY_SCHEMA, keyPayloadSchema } from '../protocol/key.schema.ts';
import type { KeyLinkRow } from '../db/schema/keys.ts';
import type { KeyLinkRepository } from '../repositories/key-link.repository.ts';
import type { RevokedKeyRepository } from '../repositories/revoked-key.repository.ts';
import { GithubRequestError, GithubUnavailableError, type GithubClient } from '../github/client.ts';
import { userPublicKeys } from '../github/api.ts';

export interface KeyLinkView {
  key_fingerprint: string;
  github_login: string;
  linked_at: string;
  checked_at: string;
}

export class KeysService {
  constructor(
    private readonly deps: {
      links: KeyLinkRepository;
      github: GithubClient | null;
      revoked?: Pick<RevokedKeyRepository, 'revokedAmong'>;
      now?: () => Date;
      logger?: Logger;
    },
  ) {}

  private now(): Date {
    return this.deps.now?.() ?? new Date();
  }

  /** Verifies the statement, asks GitHub, stores the link. `created` is false when it replaced a link. */
  async link(raw: unknown): Promise<{ created: boolean; link: KeyLinkView }> {
    const env = openEnvelope(raw, KEY_SCHEMA, keyPayloadSchema);
    const fp = env.key.fingerprint;
    if ((await this.deps.revoked?.revokedAmong([fp]))?.size) throw new RevokedKeyError(fp, ' and may not be linked');
    const now = this.now();
    const created = new Date(env.payload.created_at);
    const skew = Math.round((created.getTime() - now.getTime()) / 1000);
    if (Math.abs(skew) > KEY_CLOCK_SKEW_S) throw new ClockSkewError('key', skew, KEY_CLOCK_SKEW_S);
    const existing = await this.deps.links.find(fp);
    if (existing && (existing.linkId === env.id || existing.linkedAt >= created)) {
      throw new ReplayedError(
        'key-link',
        'this statement (or a newer one for this key) was already submitted; sign a new one with a fresh created_at',
      );
    }
    const login = env.payload.github_login;
    const listed = await this.githubKeys(login);
    if (listed === null) throw new GithubUserNotFoundError(login);
    if (!listed.has(keyBody(env.publicKey))) throw new KeyNotOnGithubError(fp, login);
    const stored = await this.deps.links.upsert({
      keyFingerprint: fp,
      publicKey: env.publicKey.trim(),
      githubLogin: login,
      linkId: env.id,
      payload: env.canonical,
      signature: env.signature,
      linkedAt: created,
      checkedAt: now,
    });
    this.deps.logger?.info({ key: fp, login }, 'key linked to GitHub');
    return { created: !existing || existing.unlinkedAt !== null, link: linkView(stored) };
  }

  async list(filter: { login?: string; key?: string; limit: number }) {
    return { keys: (await this.deps.links.list(filter)).map(linkView) };
  }

  /** Logins of active links, by key fingerprint (for record and leaderboard views). */
  loginsOf(fingerprints: string[]): Promise<Map<string, string>> {
    return this.deps.links.loginsOf(fingerprints);
  }

  /**
   * Job handler: re-checks links last checked before `olderThanMs` ago (one GitHub call per
   * login); a key GitHub no longer lists, or a user that is gone, loses its link.
   */
  async recheck(olderThanMs: number, limit = 500): Promise<{ checked: number; unlinked: number }> {
    const now = this.now();
    const due = await this.deps.links.dueForCheck(new Date(now.getTime() - olderThanMs), limit);
    const byLogin = new Map<string, KeyLinkRow[]>();
    for (const l of due) byLogin.set(l.githubLogin.toLowerCase(), [...(byLogin.get(l.githubLogin.toLowerCase()) ?? []), l]);
    let unlinked = 0;
    for (const links of byLogin.values()) {
      const listed = await this.githubKeys(links[0].githubLogin);
      const still: string[] = [];
      for (const l of links) {
        if (listed !== null && listed.has(keyBody(l.publicKey))) {
          still.push(l.keyFingerprint);
          continue;
        }
        const reason =
          listed === null ? `GitHub user ${l.githubLogin} no longer exists` : `GitHub no longer lists this key for ${l.githubLogin}`;
        await this.deps.links.unlink(l.keyFingerprint, reason, now);
        this.deps.logger?.warn({ key: l.keyFingerprint, login: l.githubLogin, reason }, 'key link removed');
        unlinked++;
      }
      await this.deps.links.markChecked(still, now);
    }
    return { checked: due.length, unlinked };
  }

  private async githubKeys(login: string): Promise<Set<string> | null> {
    if (!this.deps.github) throw new GithubDisabledError('check keys against GitHub');
    try {
      const keys = await userPublicKeys(this.deps.github, login);
      return keys === null ? null : new Set(keys.map(keyBody));
    } catch (err) {
      if (err instanceof GithubUnavailableError || err instanceof GithubRequestError) {
        this.deps.logger?.warn({ err: err.message }, 'GitHub key look-up failed');
        const retryS = err instanceof GithubUnavailableError && err.retryAfterMs ? Math.ceil(err.retryAfterMs / 1000) : 60;
        throw new GithubUnreachableError('GitHub could not be asked for the user’s keys; retry later', retryS);
      }
      throw err;
    }
  }
}

/** `TYPE BASE64` of an OpenSSH public key line (the comment dropped): how GitHub lists keys. */
function keyBody(line: string): string {
  const [type, blob] = line.trim().split(/\s+/);
  return `${type} ${blob}`;
}

function linkView(l: KeyLinkRow): KeyLinkView {
  return {
    key_fingerprint: l.keyFingerprint,
    github_login: l.githubLogin,
    linked_at: l.linkedAt.toISOString(),
    checked_at: l.checkedAt.toISOString(),
  };
}
