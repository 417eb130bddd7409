// Key revocation by an administrator: the key's records disappear from every list, aggregate and
// look-up (kept in the database, so a restore brings them back), and its writes are refused.
import type { Logger } from 'pino';
import type { Db } from '../db/client.ts';
import type { RevokedKeyRepository } from '../repositories/revoked-key.repository.ts';
import type { EvidenceRepository } from '../repositories/evidence.repository.ts';

export class RevocationService {
  constructor(
    private readonly deps: {
      db: Db;
      revoked: RevokedKeyRepository;
      evidence: EvidenceRepository;
      /** Recomputes ideas' evidence and retrieval documents (IdeasService.refreshIdeas). */
      refreshIdeas: (ideaIds: string[], tx: Db) => Promise<void>;
      logger?: Logger;
      onChanged?: () => void;
    },
  ) {}

  async revoke(keyFingerprint: string, reason: string) {
    const n = await this.change(keyFingerprint, (tx) => this.deps.revoked.revoke(keyFingerprint, reason, tx));
    this.deps.logger?.warn({ key: keyFingerprint, records: n }, 'key revoked');
    return { key_fingerprint: keyFingerprint, revoked: true, records_affected: n };
  }

  async restore(keyFingerprint: string) {
    const n = await this.change(keyFingerprint, (tx) => this.deps.revoked.restore(keyFingerprint, tx));
    this.deps.logger?.warn({ key: keyFingerprint, records: n }, 'key restored');
    return { key_fingerprint: keyFingerprint, revoked: false, records_affected: n };
  }

  async list() {
    return (await this.deps.revoked.list()).map((r) => ({
      key_fingerprint: r.keyFingerprint,
      reason: r.reason,
      revoked_at: r.revokedAt.toISOString(),
    }));
  }

  /** Hides or shows the key's records and recomputes their ideas' evidence and documents, atomically. */
  private async change(keyFingerprint: string, apply: (tx: Db) => Promise<number>): Promise<number> {
    const n = await this.deps.db.transaction(async (txRaw) => {
      const tx = txRaw as unknown as Db;
      const changed = await apply(tx);
      await this.deps.refreshIdeas(await this.deps.evidence.ideasOfKey(keyFingerprint, tx), tx);
      return changed;
    });
    this.deps.onChanged?.();
    return n;
  }
}
