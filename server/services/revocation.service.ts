// Key revocation by an administrator: the key's records disappear from every list, aggregate and
// look-up (kept in the database, so a restore brings them back), and its writes are refused.
import type { Logger } from 'pino';
import type { RevokedKeyRepository } from '../repositories/revoked-key.repository.ts';

export class RevocationService {
  constructor(private readonly deps: { revoked: RevokedKeyRepository; logger?: Logger }) {}

  async revoke(keyFingerprint: string, reason: string) {
    const n = await this.deps.revoked.revoke(keyFingerprint, reason);
    this.deps.logger?.warn({ key: keyFingerprint, records: n }, 'key revoked');
    return { key_fingerprint: keyFingerprint, revoked: true, records_affected: n };
  }

  async restore(keyFingerprint: string) {
    const n = await this.deps.revoked.restore(keyFingerprint);
    this.deps.logger?.warn({ key: keyFingerprint, records: n }, 'key restored');
    return { key_fingerprint: keyFingerprint, revoked: false, records_affected: n };
  }

  async list() {
    return (await this.deps.revoked.list()).map((r) => ({ key_fingerprint: r.keyFingerprint, reason: r.reason, revoked_at: r.revokedAt.toISOString() }));
  }
}
