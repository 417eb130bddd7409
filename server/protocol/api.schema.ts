// Response shapes of the HTTP API (v1): what the CLI, the web site and outside clients read.
import { z } from 'zod';
import { recordPayloadSchema } from './record.schema.ts';

export const problemSchema = z
  .object({
    type: z.string(),
    title: z.string(),
    status: z.number().int(),
    detail: z.string(),
    errors: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
  })
  .meta({ id: 'Problem', description: 'RFC 9457 problem document (application/problem+json)' });

export const recordViewSchema = z
  .object({
    id: z.string().describe('hex SHA-256 of the canonical payload'),
    payload: recordPayloadSchema,
    signature: z.string().nullable().describe('null for unsigned records (signed: false)'),
    public_key: z.string().nullable().describe('null for unsigned records'),
    key_fingerprint: z.string().nullable().describe('SHA256:… as ssh-keygen -lf prints it; null for unsigned records'),
    signed: z.boolean().describe('false for records read from a fork’s public results.tsv: nobody signed them'),
    provenance: z.string().nullable().describe('where an unsigned record was read: github:OWNER/REPO@COMMIT; null when signed'),
    github_login: z.string().nullable().describe('the GitHub login linked to the signing key; for an unsigned record, the owner of the fork it was read from'),
    hardware_class: z.string().describe('derived by the server from payload.hardware'),
    harness_id: z.string(),
    delta_val_bpb: z.number().nullable().describe('metrics.val_bpb − parent.val_bpb'),
    received_at: z.string(),
    idea_id: z.string().nullable(),
    flagged: z.boolean().describe('implausible improvement on its parent, not yet replicated by another key: kept off the leaderboard'),
  })
  .meta({ id: 'Record' });

export const createdSchema = z
  .object({ id: z.string(), duplicate: z.boolean(), record: recordViewSchema.optional() })
  .meta({ id: 'RecordAck' });

export const batchResultSchema = z
  .object({
    results: z.array(
      z.object({
        id: z.string().nullable(),
        status: z.enum(['created', 'duplicate', 'rejected']),
        error: problemSchema.optional(),
      }),
    ),
  })
  .meta({ id: 'BatchResult' });

export const recordPageSchema = z
  .object({ records: z.array(recordViewSchema), next_cursor: z.string().nullable() })
  .meta({ id: 'RecordPage' });

const bestSchema = z.object({
  id: z.string(),
  val_bpb: z.number(),
  delta_val_bpb: z.number().nullable(),
  description: z.string(),
  created_at: z.string(),
  key_fingerprint: z.string(),
  github_login: z.string().nullable().describe('GitHub login linked to the key, when linked'),
  commit: z.string().nullable(),
  fork_id: z.string(),
  device_name: z.string(),
});

export const leaderboardSchema = z
  .object({
    harness: z.object({ id: z.string(), name: z.string() }).nullable(),
    harnesses: z.array(z.object({ id: z.string(), name: z.string(), records: z.number(), contributors: z.number() })),
    classes: z.array(
      z.object({
        hardware_class: z.string(),
        best: bestSchema.nullable(),
        records: z.number(),
        keeps: z.number(),
        contributors: z.number(),
        history: z.array(z.object({ id: z.string(), val_bpb: z.number(), created_at: z.string() })),
      }),
    ),
  })
  .meta({ id: 'Leaderboard' });

export type RecordView = z.infer<typeof recordViewSchema>;
export type Leaderboard = z.infer<typeof leaderboardSchema>;
export type BatchResult = z.infer<typeof batchResultSchema>;
export type Problem = z.infer<typeof problemSchema>;

const limit = (max: number, fallback: number) =>
  z.coerce.number().int('must be an integer').min(1, 'must be ≥ 1').max(max, `must be ≤ ${max}`).default(fallback);

/** Query of `GET /v1/records`. */
export const recordListQuerySchema = z.strictObject({
  harness: z.string().regex(/^[0-9a-f]{64}$/, 'must be a harness id (lowercase hex SHA-256)').optional(),
  hardware_class: z.string().min(1).max(200).optional(),
  status: z.enum(['keep', 'discard', 'crash']).optional(),
  key: z.string().min(1).max(200).optional().describe('key fingerprint, SHA256:…'),
  signed: z.enum(['true', 'false']).optional().describe('true: signed records only; false: unsigned public-log records only'),
  idea: z.string().min(1).max(100).optional().describe('idea id: only the records of this idea'),
  limit: limit(200, 50),
  cursor: z.string().max(100).optional(),
});

/** Query of `GET /v1/leaderboard`. */
export const leaderboardQuerySchema = z.strictObject({
  harness: z.string().regex(/^[0-9a-f]{64}$/, 'must be a harness id (lowercase hex SHA-256)').optional(),
});

const outcomeSchema = z.object({
  attempts: z.number(),
  keeps: z.number(),
  discards: z.number(),
  crashes: z.number(),
  oom_crashes: z.number(),
  contributors: z.number(),
  delta_val_bpb: z.object({ median: z.number().nullable(), min: z.number().nullable(), max: z.number().nullable() }),
});

const classOutcomeSchema = outcomeSchema.extend({ harness_id: z.string(), hardware_class: z.string() });

export const verdictSchema = z.enum(['novel', 'crashes_here', 'known_bad', 'promising', 'mixed']);

export const ideaSummarySchema = z
  .object({
    id: z.string(),
    description: z.string().describe('the founding record’s description'),
    param_key: z.string().nullable(),
    examples: z.array(z.string()),
    overall: outcomeSchema,
    by_class: z.array(classOutcomeSchema),
  })
  .meta({ id: 'IdeaSummary' });

export const checkResponseSchema = z
  .object({
    verdict: verdictSchema,
    reason: z.string(),
    hardware_class: z.string().nullable(),
    embedding_degraded: z.boolean().describe('true when the embedding service failed and only exact diff / parameter matches were used'),
    matches: z.array(
      ideaSummarySchema.extend({
        same_idea: z.boolean(),
        via: z.enum(['diff', 'params', 'embedding']).nullable(),
        similarity: z.number().nullable(),
        verdict: verdictSchema,
        here: outcomeSchema.nullable().describe('evidence on the caller’s harness and hardware class'),
      }),
    ),
  })
  .meta({ id: 'CheckResponse' });

export const knownBadSchema = z
  .object({ harness_id: z.string().nullable(), hardware_class: z.string().nullable(), ideas: z.array(ideaSummarySchema) })
  .meta({ id: 'KnownBad' });

/** One idea, with a page of its records, newest first (`next_cursor` pages on). */
export const ideaDetailSchema = ideaSummarySchema.extend({ records: z.array(recordViewSchema), next_cursor: z.string().nullable() }).meta({ id: 'Idea' });

/** Query of `GET /v1/ideas/{id}`: the page of records it carries. */
export const ideaDetailQuerySchema = z.strictObject({
  limit: limit(200, 50),
  cursor: z.string().max(100).optional(),
});

export const ideaListSchema = z
  .object({ ideas: z.array(ideaSummarySchema.extend({ similarity: z.number().nullable() })) })
  .meta({ id: 'IdeaList' });

export const knownBadQuerySchema = z.strictObject({
  harness: z.string().regex(/^[0-9a-f]{64}$/, 'must be a harness id (lowercase hex SHA-256)').optional(),
  hardware_class: z.string().min(1).max(200).optional(),
  limit: limit(200, 50),
  format: z.enum(['json', 'md']).optional(),
});

export const ideaListQuerySchema = z.strictObject({
  q: z.string().min(1).max(2000).optional(),
  limit: limit(100, 20),
});

export const claimViewSchema = z.object({
  id: z.string(),
  description: z.string(),
  key_fingerprint: z.string(),
  harness_id: z.string(),
  hardware_class: z.string(),
  created_at: z.string(),
  expires_at: z.string(),
});

export const claimResponseSchema = z
  .object({
    id: z.string(),
    expires_at: z.string(),
    hardware_class: z.string(),
    similar: z.array(claimViewSchema.extend({ similarity: z.number(), via: z.enum(['diff', 'params', 'embedding']) })),
  })
  .meta({ id: 'ClaimAck' });

export const claimListQuerySchema = z.strictObject({
  harness: z.string().regex(/^[0-9a-f]{64}$/, 'must be a harness id (lowercase hex SHA-256)').optional(),
  hardware_class: z.string().min(1).max(200).optional(),
  limit: limit(500, 100),
});

export type CheckResponse = z.infer<typeof checkResponseSchema>;
export type IdeaSummary = z.infer<typeof ideaSummarySchema>;

export const keyLinkSchema = z
  .object({
    key_fingerprint: z.string(),
    github_login: z.string(),
    linked_at: z.string().describe('created_at of the signed crossfork.key/v1 statement'),
    checked_at: z.string().describe('when GitHub last listed the key for this login'),
  })
  .meta({ id: 'KeyLink' });

export const keyListQuerySchema = z.strictObject({
  login: z.string().min(1).max(39).optional(),
  limit: limit(500, 100),
});

export const forkViewSchema = z
  .object({
    id: z.string().describe('GitHub node id'),
    owner: z.string(),
    name: z.string(),
    name_with_owner: z.string(),
    url: z.string(),
    parent: z.string().describe('OWNER/NAME it was forked from'),
    depth: z.number().describe('1 for a direct fork of the upstream, 2 for a fork of one, …'),
    pushed_at: z.string().nullable(),
    stars: z.number(),
    fork_count: z.number(),
    default_branch: z.string().nullable(),
    head_oid: z.string().nullable().describe('the default branch head commit'),
    discovered_at: z.string(),
    public_log: z
      .object({
        status: z.enum(['ingested', 'no-log', 'no-harness', 'unreadable', 'gone']),
        commit: z.string().nullable(),
        crawled_at: z.string().nullable(),
        detail: z.string().nullable(),
        rows: z.number().nullable().describe('rows read as unsigned records'),
        skipped: z.array(z.object({ line: z.number(), reason: z.string() })).describe('malformed rows and why (at most 200)'),
      })
      .nullable()
      .describe('the fork’s results.tsv as of the last crawl; null before the first'),
  })
  .meta({ id: 'Fork' });

export const forkPageSchema = z
  .object({ forks: z.array(forkViewSchema), total: z.number(), next_cursor: z.string().nullable() })
  .meta({ id: 'ForkPage' });

export const forkListQuerySchema = z.strictObject({
  limit: limit(500, 100),
  cursor: z.string().max(400).optional(),
});

export const githubSyncSchema = z
  .object({ upstream: z.string(), queued: z.array(z.string()), already_queued: z.array(z.string()) })
  .meta({ id: 'GithubSync' });

export type ForkView = z.infer<typeof forkViewSchema>;
export type KeyLink = z.infer<typeof keyLinkSchema>;
