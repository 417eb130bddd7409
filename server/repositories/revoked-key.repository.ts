// SQL for key revocation: the `revoked_keys` list and the `hidden` flag of their records.
import { eq, inArray } from 'drizzle-orm';
import type { Db } from '../db/client.ts';
import { records } from '../db/schema/records.ts';
import { revokedKeys, type RevokedKeyRow } from '../db/schema/revoked-keys.ts';

export class RevokedKeyRepository {
  constructor(private readonly db: Db) {}

  /** Revokes a key and hides its records, in one transaction. Returns the records hidden. */
  async revoke(keyFingerprint: string, reason: string, db: Db = this.db): Promise<number> {
    return db.transaction(async (tx) => {
      await tx
        .insert(revokedKeys)
        .values({ keyFingerprint, reason })
        .onConflictDoUpdate({ target: revokedKeys.keyFingerprint, set: { reason } });
      const hidden = await tx
        .update(records)
        .set({ hidden: true })
        .where(eq(records.keyFingerprint, keyFingerprint))
        .returning({ id: records.id });
      return hidden.length;
    });
  }

  /** Lifts a revocation and shows the key's records again. Returns the records shown. */
  async restore(keyFingerprint: string, db: Db = this.db): Promise<number> {
    return db.transaction(async (tx) => {
      await tx.delete(revokedKeys).where(eq(revokedKeys.keyFingerprint, keyFingerprint));
      const shown = await tx
        .update(records)
        .set({ hidden: false })
        .where(eq(records.keyFingerprint, keyFingerprint))
        .returning({ id: records.id });
      return shown.length;
    });
  }

  /** Which of these fingerprints are revoked. */
  async revokedAmong(fingerprints: string[], tx: Db = this.db): Promise<Set<string>> {
    if (fingerprints.length === 0) return new Set();
    const rows = await tx
      .select({ fp: revokedKeys.keyFingerprint })
      .from(revokedKeys)
      .where(inArray(revokedKeys.keyFingerprint, fingerprints));
    return new Set(rows.map((r) => r.fp));
  }

  async list(): Promise<RevokedKeyRow[]> {
    return this.db.select().from(revokedKeys);
  }
}
