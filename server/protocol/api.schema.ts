// Response shapes of the HTTP API (v1): what the CLI, the web site and outside clients read.
import { z } from 'zod';
import { ACCELERATORS, recordPayloadSchema } from './record.schema.ts';
import { confirmationSchema, effectSchema, noiseEstimateSchema } from './trust.schema.ts';

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
    github_login: z
      .string()
      .nullable()
      .describe('the GitHub login linked to the signing key; for an unsigned record, the owner of the fork it was read from'),
    hardware_class: z.string().describe('derived by the server from payload.hardware'),
    harness_id: z.string(),
    delta_val_bpb: z.number().nullable().describe('metrics.val_bpb − parent.val_bpb'),
    received_at: z.string(),
    idea_id: z.string().nullable(),
    flagged: z
      .boolean()
      .describe(
        "implausible (against its class's results on its harness, its own fork's history or its own evidence: see flag_reason), not yet replicated by another key: it never leads, not even as a claim",
      ),
    flag_reason: z.string().nullable().optional().describe('why it was flagged (null when it is not)'),
    evidence_excluded: z
      .enum(['invalid', 'baseline', 'no_parent'])
      .nullable()
      .optional()
      .describe(
        'why it is shown but not counted as evidence: its log marks it invalid, a baseline, or no parent val_bpb to compare with (null: counted)',
      ),
    replicates: z
      .string()
      .nullable()
      .describe('the original this record replicates (payload.replicates, resolved to the original when it named a replication)'),
    replication: confirmationSchema
      .nullable()
      .describe('its replications on its harness and hardware class, and whether they confirm it; null for crashes and unsigned records'),
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
  time_unknown: z.boolean().describe("the record says its time is unknown: created_at only orders it among its fork's records"),
  key_fingerprint: z.string(),
  github_login: z.string().nullable().describe('GitHub login linked to the key, when linked'),
  commit: z.string().nullable(),
  fork_id: z.string(),
  device_name: z.string(),
  parent_val_bpb: z.number().nullable().describe('null for a first row: such a result is never confirmed'),
  confirmed: z
    .boolean()
    .describe("replicated within the class's noise (by another key, or by the same key on another run: see confirmed_by)"),
  confirmed_by: z.enum(['other_key', 'same_key']).nullable(),
  replications: z.number().describe('other measurements of the same train.py on this harness and class'),
  interval: z
    .object({ mean: z.number(), low: z.number(), high: z.number() })
    .describe('mean val_bpb of the result and its replications, ± 2σ/√n'),
});

export const leaderboardSchema = z
  .object({
    harness: z
      .object({
        id: z
          .string()
          .describe('the harness key: equivalent upstream prepare.py versions rank as one; `<key>@<s>s` for another time budget'),
        name: z.string().describe('its display name, the same everywhere (harnessDisplayName)'),
        ranked: z
          .boolean()
          .optional()
          .describe('false for an unknown harness (a results.tsv imported without prepare.py): its records inform ideas, never a ranking'),
        versions: z.array(z.string()).describe('prepare.py ids seen under this key'),
      })
      .nullable(),
    harnesses: z.array(
      z.object({ id: z.string(), name: z.string(), records: z.number(), contributors: z.number(), versions: z.array(z.string()) }),
    ),
    classes: z.array(
      z.object({
        hardware_class: z.string(),
        best: bestSchema
          .nullable()
          .describe("the class's headline: its best confirmed result (null while nothing is confirmed: see best_claim)"),
        confirmed: z.boolean().describe('the class has a confirmed result (best is not null)'),
        best_claim: bestSchema
          .nullable()
          .describe(
            'a better result than `best` (or, with nothing confirmed, the best result) awaiting replication: a claim, never the class number (`crossfork replicate <id>`); flagged results are never claims',
          ),
        unconfirmed_best: bestSchema.nullable().describe('the same as best_claim (kept for older clients)'),
        flagged: z
          .array(
            z.object({
              id: z.string(),
              val_bpb: z.number(),
              description: z.string(),
              reason: z.string().nullable(),
              key_fingerprint: z.string(),
              created_at: z.string(),
            }),
          )
          .describe('implausible keeps of the class (best first, at most 3), with why: they lead only once another key replicates them'),
        noise: noiseEstimateSchema.describe("the class's run-to-run noise (GET /v1/noise)"),
        records: z.number(),
        keeps: z.number(),
        contributors: z.number(),
        history: z.array(
          z.object({
            id: z.string(),
            val_bpb: z.number(),
            created_at: z.string(),
            time_unknown: z.boolean().describe('plot by order, not time'),
            confirmed: z.boolean(),
          }),
        ),
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
  harness: z
    .string()
    .regex(/^[0-9a-f]{64}$/, 'must be a harness id (lowercase hex SHA-256)')
    .optional(),
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
  harness: z
    .string()
    .regex(/^[0-9a-f]{64}(@\d+(\.\d+)?s)?$/, 'must be a harness id (lowercase hex SHA-256), or a harness key ID@SECONDSs')
    .optional(),
});

const outcomeSchema = z.object({
  attempts: z.number(),
  keeps: z.number(),
  discards: z.number(),
  crashes: z.number(),
  oom_crashes: z.number(),
  excluded: z
    .number()
    .describe('records shown but not counted above: marked invalid by their log, baselines, or no parent val_bpb to compare with'),
  contributors: z.number(),
  delta_val_bpb: z.object({ median: z.number().nullable(), min: z.number().nullable(), max: z.number().nullable() }),
  effect: effectSchema.nullable().describe('the median delta with its interval from the noise model (null without deltas)'),
});

const classOutcomeSchema = outcomeSchema.extend({ harness_id: z.string(), hardware_class: z.string() });

export const verdictSchema = z
  .enum(['novel', 'crashes_here', 'known_bad', 'failed_nearby', 'inconclusive', 'mixed', 'promising', 'kept_elsewhere', 'failed_elsewhere'])
  .describe(
    'novel: nothing similar tried; crashes_here: crashed (or ran out of memory with at least your memory) on your class, never kept there; ' +
      'known_bad: failed ≥ 2 times on your class, never kept there; failed_nearby: failed on hardware like yours (your class or family), never kept there; ' +
      'inconclusive: kept on hardware like yours but the effect is within noise; mixed: kept and failed on hardware like yours; ' +
      'promising: kept on hardware like yours; kept_elsewhere / failed_elsewhere: tried only on very different hardware',
  );

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

const changeSchema = z.object({
  concept: z.string().describe('catalogue concept id (MATRIX_LR, TIED_EMBEDDINGS, ACTIVATION, …)'),
  action: z.string().describe('raise | lower | set | enable | disable | replace | mention'),
  from: z.string().nullable(),
  to: z.string().nullable(),
});

export const whySchema = z
  .object({
    via: z
      .enum(['diff', 'params', 'changes', 'words', 'meaning'])
      .describe('the strongest reason: same diff, same parameter key, a shared change, shared words, or embedding nearness'),
    changes: z.array(
      changeSchema.extend({ relation: z.enum(['same', 'compatible', 'unknown_direction', 'broader', 'other_value', 'opposite', 'none']) }),
    ),
    words: z.array(z.string()).describe('stemmed words the query shares with the idea'),
    similarity: z.number().nullable().describe('cosine similarity of the nearest record, when among the nearest'),
    text: z.string().describe('the reason in one line'),
  })
  .meta({ id: 'MatchReason' });

const countsSchema = z.object({
  attempts: z.number(),
  keeps: z.number(),
  discards: z.number(),
  crashes: z.number(),
  oom_crashes: z.number(),
});

/** Counts of one value of a change ("2^19 → 2^18"). */
const otherValueSchema = countsSchema.extend({ values: z.string().describe('"2^19 → 2^18", "to 0.1"; empty when unknown') });

export const verdictEvidenceSchema = z
  .object({
    harness: z
      .enum(['caller', 'other', 'any'])
      .describe('caller: evidence on your harness; other: none there, so every harness; any: no harness given'),
    hardware_class: z.string().nullable(),
    hardware_family: z.string().nullable(),
    tiers: z.object({
      class: countsSchema.extend({ classes: z.array(z.string()) }).describe('your hardware class (every class when no hardware was given)'),
      family: countsSchema.extend({ classes: z.array(z.string()) }).describe('other classes of your family'),
      kind: countsSchema.extend({ classes: z.array(z.string()) }).describe('other families of your accelerator kind'),
      elsewhere: countsSchema.extend({ classes: z.array(z.string()) }),
    }),
    oom_at_least_yours_gb: z.number().nullable(),
    effect: z
      .object({ n: z.number(), median: z.number(), noise: z.number(), low: z.number(), high: z.number() })
      .nullable()
      .describe('delta val_bpb on hardware like yours: attempt-weighted median, and median ± 2σ/√n with σ the run-to-run noise'),
    decided_by: z
      .enum(['exact', 'others', 'related', 'all', 'baseline'])
      .describe(
        'exact: your exact change (same diff, or same concept, action, from and to) was tried near you and alone decided; others: near you only other values or starting states of it, or it among other changes, were tried; related: you named a change no match makes, so only related ideas (words, meaning, a related concept) decided, each weighed as a loose match; all: every match, weighted; baseline: you asked about a baseline run, which changes nothing, so nothing was counted',
      ),
    other_values: countsSchema
      .extend({
        changes: z.array(otherValueSchema).describe('the same counts per other value or starting state, most attempts first'),
      })
      .nullable()
      .describe(
        'with decided_by exact: attempts near you that moved the same knob from another state or to another value (shown apart, not counted)',
      ),
    near_values: z
      .array(otherValueSchema)
      .nullable()
      .describe('with decided_by others: the evidence near you per value of the change each idea made, most attempts first'),
    not_counted: z
      .number()
      .describe(
        'records of the deciding evidence shown but not counted: marked invalid by their log, baselines, or without a comparable parent',
      ),
    failed_by: z
      .object({
        forks: z
          .number()
          .describe(
            'signing keys (forks) behind the strong failures, on any hardware, when one of them is near you (else 0): distinct per idea and class, summed',
          ),
        yours: z.boolean().describe('your own key (key_fingerprint in the request) is one of them'),
        here: z.boolean().describe('one of them ran on your hardware class'),
      })
      .describe(
        'who failed it: a failure on other hardware of your family warns only when two forks failed it or you did; one on your class, or yours, warns',
      ),
  })
  .meta({ id: 'VerdictEvidence' });

export const checkMatchSchema = ideaSummarySchema.extend({
  same_idea: z
    .boolean()
    .describe(
      'the idea this description would join (same diff or change key), or one that makes its exact change; never merely the closest',
    ),
  exact: z.boolean().describe('this idea makes the exact change asked about (same concept, action, from and to)'),
  via: z.enum(['diff', 'params', 'changes', 'words', 'meaning']),
  similarity: z.number().nullable(),
  score: z.number().describe('fused match score (higher is closer)'),
  why: whySchema,
  verdict: verdictSchema.describe('this idea’s own verdict'),
  here: outcomeSchema.nullable().describe('evidence on the caller’s harness and hardware class'),
});

export const checkResponseSchema = z
  .object({
    verdict: verdictSchema,
    warning: z.boolean().describe('true for crashes_here, known_bad and failed_nearby: do not spend the run'),
    reason: z.string().describe('one line citing the counts in `evidence`'),
    hardware_class: z.string().nullable(),
    hardware_family: z.string().nullable(),
    changes: z.array(changeSchema).describe('what the query changes, as the catalogue reads it'),
    embedding_degraded: z.boolean().describe('true when the embedding service failed and only changes and words were used'),
    evidence: verdictEvidenceSchema,
    matches: z.array(checkMatchSchema).describe('ideas that tried the same change, best first: the verdict is decided over all of them'),
    related: z
      .array(checkMatchSchema)
      .describe('ideas that moved the same concept another way (other direction or value): shown, not counted'),
  })
  .meta({ id: 'CheckResponse' });

export const knownBadSchema = z
  .object({ harness_id: z.string().nullable(), hardware_class: z.string().nullable(), ideas: z.array(ideaSummarySchema) })
  .meta({ id: 'KnownBad' });

/** One idea, with a page of its records, newest first (`next_cursor` pages on). */
export const ideaDetailSchema = ideaSummarySchema
  .extend({ records: z.array(recordViewSchema), next_cursor: z.string().nullable() })
  .meta({ id: 'Idea' });

/** Query of `GET /v1/ideas/{id}`: the page of records it carries. */
export const ideaDetailQuerySchema = z.strictObject({
  limit: limit(200, 50),
  cursor: z.string().max(100).optional(),
});

export const ideaListSchema = z
  .object({
    ideas: z.array(
      ideaSummarySchema.extend({ similarity: z.number().nullable(), score: z.number().nullable(), why: whySchema.nullable() }),
    ),
  })
  .meta({ id: 'IdeaList' });

export const knownBadQuerySchema = z.strictObject({
  harness: z
    .string()
    .regex(/^[0-9a-f]{64}$/, 'must be a harness id (lowercase hex SHA-256)')
    .optional(),
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
    similar: z.array(claimViewSchema.extend({ similarity: z.number(), via: z.enum(['diff', 'params', 'changes', 'words', 'meaning']) })),
  })
  .meta({ id: 'ClaimAck' });

export const claimListQuerySchema = z.strictObject({
  harness: z
    .string()
    .regex(/^[0-9a-f]{64}$/, 'must be a harness id (lowercase hex SHA-256)')
    .optional(),
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
  key: z.string().min(1).max(100).optional().describe('a key fingerprint (SHA256:…): only its link'),
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

/** Query of `GET /v1/suggestions`: the caller's harness, its hardware (a class, or the fields the class is derived from), its fork. */
export const suggestionsQuerySchema = z
  .strictObject({
    harness: z
      .string()
      .regex(/^[0-9a-f]{64}$/, 'must be a harness id (lowercase hex SHA-256)')
      .describe("the caller's harness id (required)"),
    hardware_class: z
      .string()
      .min(1)
      .max(200)
      .optional()
      .describe("the caller's hardware class; or give accelerator and device_name instead"),
    accelerator: z.enum(ACCELERATORS).optional(),
    device_name: z.string().min(1).max(200).optional(),
    memory_mb: z.coerce.number().int('must be an integer').min(1, 'must be ≥ 1').max(16_777_216, 'must be ≤ 16777216').optional(),
    device_count: z.coerce.number().int('must be an integer').min(1, 'must be ≥ 1').max(4096, 'must be ≤ 4096').optional(),
    fork: z
      .string()
      .min(1)
      .max(200)
      .optional()
      .describe(
        "the caller's fork id (payload.fork.id): ideas its records tried, and changes it failed with at the same or a nearby value, are left out",
      ),
    limit: limit(50, 10),
  })
  .superRefine((q, ctx) => {
    const fields = q.accelerator !== undefined || q.device_name !== undefined || q.memory_mb !== undefined || q.device_count !== undefined;
    if (q.hardware_class !== undefined && fields)
      ctx.addIssue({
        code: 'custom',
        path: ['hardware_class'],
        message: 'give hardware_class or the hardware fields (accelerator, device_name, memory_mb, device_count), not both',
      });
    else if (fields && q.accelerator === undefined)
      ctx.addIssue({ code: 'custom', path: ['accelerator'], message: 'required with device_name, memory_mb or device_count' });
    else if (fields && q.device_name === undefined)
      ctx.addIssue({ code: 'custom', path: ['device_name'], message: 'required with accelerator, memory_mb or device_count' });
  });

const tierCountsSchema = z.object({
  attempts: z.number(),
  keeps: z.number(),
  discards: z.number(),
  crashes: z.number(),
  classes: z.array(z.string()),
});

export const suggestionSchema = z
  .object({
    idea_id: z.string(),
    description: z.string().describe("the idea's founding description"),
    examples: z.array(z.string()).describe('up to 3 distinct descriptions of its first records'),
    score: z
      .number()
      .describe(
        'ranking score (higher first): smoothed keep rate × log(1 + proximity-weighted keeps), more for ideas kept on several families, moved by the effect on the nearest hardware (up when better beyond noise)',
      ),
    basis: z
      .enum(['kept_near', 'untried_near', 'kept_elsewhere'])
      .describe(
        'kept_near: kept on your class or family; untried_near: kept elsewhere and never tried on your family; kept_elsewhere: kept elsewhere, tried near without a keep',
      ),
    transfers: z.boolean().describe('kept on two or more hardware families'),
    reason: z.string().describe('one line citing the counts in `evidence`'),
    evidence: z.object({
      tiers: z
        .object({ class: tierCountsSchema, family: tierCountsSchema, kind: tierCountsSchema, elsewhere: tierCountsSchema })
        .describe(
          'counts by proximity to your hardware: your class, other classes of your family, other families of your accelerator kind, elsewhere',
        ),
      families: z
        .array(
          z.object({
            hardware_family: z.string(),
            proximity: z.enum(['class', 'family', 'kind', 'elsewhere']),
            attempts: z.number(),
            keeps: z.number(),
            discards: z.number(),
            crashes: z.number(),
          }),
        )
        .describe('keeps and tries per hardware family, nearest first'),
      effect: effectSchema
        .nullable()
        .describe(
          'median Δval_bpb ± 2σ/√n (σ from the noise model) on the hardware nearest yours with deltas (`effect_proximity`), on your harness when it was tried there, else on all; an idea worse beyond noise there is never suggested',
        ),
      effect_proximity: z
        .enum(['class', 'family', 'kind', 'elsewhere'])
        .nullable()
        .describe(
          "the farthest hardware the effect's records are from: class (your class only), family (your class and family), kind, elsewhere (all)",
        ),
    }),
  })
  .meta({ id: 'Suggestion' });

export const suggestionsSchema = z
  .object({
    harness_id: z.string(),
    hardware_class: z.string().nullable(),
    hardware_family: z.string().nullable(),
    fork: z.string().nullable(),
    tried_by_fork: z.number().describe("ideas the fork's records tried (left out of the suggestions)"),
    suggestions: z.array(suggestionSchema),
    avoid: z
      .array(
        z.object({
          idea_id: z.string(),
          description: z.string(),
          attempts: z.number(),
          keeps: z.number(),
          discards: z.number(),
          crashes: z.number(),
        }),
      )
      .describe('the known-bad ideas of this harness and class (GET /v1/known-bad), at most 20'),
  })
  .meta({ id: 'Suggestions' });

export type SuggestionsQuery = z.infer<typeof suggestionsQuerySchema>;
export type Suggestions = z.infer<typeof suggestionsSchema>;
