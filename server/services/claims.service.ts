// Claims: a signed "I am about to try this" with a TTL, so agents spread out instead of
// racing on the same idea. Answers with the other keys' active claims on similar ideas.
import { ClaimExpiredError, ClockSkewError, ReplayedError, RevokedKeyError } from './errors.ts';
import type { RevokedKeyRepository } from '../repositories/revoked-key.repository.ts';
import { openEnvelope } from '../protocol/envelope.ts';
import { CLAIM_CLOCK_SKEW_S, CLAIM_SCHEMA, claimPayloadSchema } from '../protocol/claim.schema.ts';
import { hardwareClass } from '../protocol/hardware-class.ts';
import type { ClaimRow } from '../db/schema/claims.ts';
import type { ClaimRepository } from '../repositories/claim.repository.ts';
import { ideaFeatures, type IdeaFeatures } from './ideas/features.ts';
import { cosine } from './ideas/matcher.ts';
import { scoreCandidates, type Why } from './ideas/retrieval.ts';
import { broaderOf } from './ideas/engine.ts';
import { understand, type Change } from '../catalogue/understand.ts';
import type { Embedder } from './ideas/embedder.ts';

export class ClaimsService {
  constructor(
    private readonly deps: {
      claims: ClaimRepository;
      embedder: Embedder;
      now?: () => Date;
      revoked?: Pick<RevokedKeyRepository, 'revokedAmong'>;
    },
  ) {}

  private now(): Date {
    return this.deps.now?.() ?? new Date();
  }

  async submit(raw: unknown) {
    const env = openEnvelope(raw, CLAIM_SCHEMA, claimPayloadSchema);
    if ((await this.deps.revoked?.revokedAmong([env.key.fingerprint]))?.size)
      throw new RevokedKeyError(env.key.fingerprint, ' and may not claim');
    const p = env.payload;
    const now = this.now();
    const created = new Date(p.created_at);
    const skew = Math.round((created.getTime() - now.getTime()) / 1000);
    if (Math.abs(skew) > CLAIM_CLOCK_SKEW_S) throw new ClockSkewError('claim', skew, CLAIM_CLOCK_SKEW_S);
    const expiresAt = new Date(created.getTime() + p.ttl_s * 1000);
    if (expiresAt <= now) throw new ClaimExpiredError(expiresAt);
    const f = ideaFeatures({ description: p.description, diff: p.diff ?? null });
    const [embedding] = await this.deps.embedder.embed([f.text], [f.reading]);
    const cls = hardwareClass(p.hardware);
    const stored = await this.deps.claims.insert({
      id: env.id,
      payload: env.canonical,
      signature: env.signature,
      publicKey: env.publicKey.trim(),
      keyFingerprint: env.key.fingerprint,
      description: p.description,
      harnessId: p.harness_id,
      hardwareClass: cls,
      diffKey: f.diffKey,
      paramKey: f.paramKey,
      embeddingModel: this.deps.embedder.model,
      embedding: JSON.stringify(embedding),
      createdAt: created,
      expiresAt,
    });
    if (!stored)
      throw new ReplayedError('claim', `claim ${env.id} was already submitted; sign a new claim (with a new created_at) to renew it`);
    const others = (await this.deps.claims.active({ harnessId: p.harness_id, limit: 1000 }, now)).filter(
      (c) => c.keyFingerprint !== env.key.fingerprint,
    );
    const mine = understand({ description: p.description, diff: p.diff ?? null }).changes;
    const similar = others.flatMap((c) => {
      const m = similarity(f, mine, embedding, c, this.deps.embedder.model);
      return m ? [{ ...claimView(c), ...m }] : [];
    });
    similar.sort((a, b) => b.similarity - a.similarity);
    return { id: env.id, expires_at: expiresAt.toISOString(), hardware_class: cls, similar };
  }

  async active(scope: { harnessId?: string; hardwareClass?: string; limit: number }) {
    return { claims: (await this.deps.claims.active(scope, this.now())).map(claimView) };
  }
}

/**
 * The findings engine's rules between two claims: the same diff or parameter key, or a match
 * of the retrieval scoring that is the same idea (the same change, or close embeddings when
 * neither names a change).
 */
function similarity(
  f: IdeaFeatures,
  changes: Change[],
  embedding: number[],
  c: ClaimRow,
  model: string,
): { similarity: number; via: Why['via'] } | null {
  if (f.diffKey && f.diffKey === c.diffKey) return { similarity: 1, via: 'diff' };
  if (f.paramKey && f.paramKey === c.paramKey) return { similarity: 1, via: 'params' };
  const theirs = JSON.parse(c.payload) as { description: string; diff?: string | null };
  const other = understand({ description: theirs.description, diff: theirs.diff ?? null }).changes;
  const cos = c.embeddingModel === model ? cosine(embedding, JSON.parse(c.embedding) as number[]) : null;
  const [scored] = scoreCandidates(
    { changes },
    [{ ideaId: c.id, changes: other.map((x) => ({ ...x, records: 1 })), attempts: 1, exact: null, words: null, similarity: cos }],
    broaderOf,
  );
  if (scored?.kind !== 'match') return null;
  // In flight means the same idea: a shared change only counts when it is the same change
  // (0.04 → 0.08 is not the 0.04 → 0.06 someone is running), not merely the same direction.
  if (scored.why.via === 'changes' && !scored.why.changes.every((c) => c.relation === 'same')) return null;
  return { similarity: Number((cos ?? scored.score).toFixed(4)), via: scored.why.via };
}

function claimView(c: ClaimRow) {
  return {
    id: c.id,
    description: c.description,
    key_fingerprint: c.keyFingerprint,
    harness_id: c.harnessId,
    hardware_class: c.hardwareClass,
    created_at: c.createdAt.toISOString(),
    expires_at: c.expiresAt.toISOString(),
  };
}
