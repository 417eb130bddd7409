// SQL for `claims`: insert once (a replay collides on the id), list the active ones.
import { and, desc, eq, gt, type SQL } from 'drizzle-orm';
import type { Db } from '../db/client.ts';
import { claims, type ClaimRow } from '../db/schema/claims.ts';

export type NewClaimRow = typeof claims.$inferInsert;

export class ClaimRepository {
  constructor(private readonly db: Db) {}

  /** False when a claim with this id was already stored (a replay). */
  async insert(row: NewClaimRow): Promise<boolean> {
    const inserted = await this.db.insert(claims).values(row).onConflictDoNothing({ target: claims.id }).returning({ id: claims.id });
    return inserted.length === 1;
  }

  async active(scope: { harnessId?: string; hardwareClass?: string; limit: number }, now: Date): Promise<ClaimRow[]> {
    const where: SQL[] = [gt(claims.expiresAt, now)];
    if (scope.harnessId) where.push(eq(claims.harnessId, scope.harnessId));
    if (scope.hardwareClass) where.push(eq(claims.hardwareClass, scope.hardwareClass));
    return this.db
      .select()
      .from(claims)
      .where(and(...where))
      .orderBy(desc(claims.createdAt))
      .limit(scope.limit);
  }

  async count(): Promise<number> {
    return (await this.db.select({ id: claims.id }).from(claims)).length;
  }
}
