// Response shapes of trust: the noise model, a result's replications and confirmation, effects
// with their interval, and the replication queue (GET /v1/noise, GET /v1/replication-queue).
import { z } from 'zod';

export const noiseSourceSchema = z
  .enum(['class', 'family', 'prior'])
  .describe("where most of σ's weight comes from: the class's own replications, its family's, or the prior (README, \"The noise model\")");

export const noiseEstimateSchema = z.object({
  sigma: z.number().describe('σ of val_bpb between runs of one train.py on this harness and hardware'),
  source: noiseSourceSchema,
  replications: z.number().describe('replications it rests on: Σ (n − 1) over groups of n measurements of one train.py'),
  groups: z.number().describe('train.py versions measured more than once'),
  records: z.number().describe('measurements in those groups'),
  sample_sigma: z.number().nullable().describe('the pooled within-group σ of this scope alone, before shrinkage toward the fallback'),
});

export const noiseSchema = z
  .object({
    harness: z.string().nullable().describe('the harness key'),
    prior: z.number().describe('σ assumed where nothing was replicated'),
    pseudo_replications: z.number().describe("k: a class's σ² is (SS + k·σ²_family) / (df + k); a family's (SS + k·prior²) / (df + k)"),
    classes: z.array(noiseEstimateSchema.extend({ hardware_class: z.string(), hardware_family: z.string() })),
    families: z.array(noiseEstimateSchema.extend({ hardware_family: z.string() })),
  })
  .meta({ id: 'Noise' });

export const noiseQuerySchema = z.strictObject({
  harness: z
    .string()
    .regex(/^[0-9a-f]{64}$/, 'must be a harness id (lowercase hex SHA-256)')
    .optional(),
});

export const confirmationSchema = z
  .object({
    confirmed: z
      .boolean()
      .describe(
        'replicated within the noise (|median of the replications − val_bpb| ≤ 2·√2·σ); never for a record without a parent val_bpb',
      ),
    confirmed_by: z
      .enum(['other_key', 'same_key'])
      .nullable()
      .describe("other_key: another key's runs agree; same_key: only the same key's other runs do"),
    replications: z.number().describe('other measurements of the same train.py on this harness and hardware class'),
    mean: z.number().describe('mean val_bpb of the record and its replications'),
    low: z.number().describe('mean − 2σ/√n'),
    high: z.number().describe('mean + 2σ/√n'),
    noise: z.number().describe("the class's σ used"),
  })
  .meta({ id: 'Confirmation' });

export const effectSchema = z
  .object({
    n: z.number().describe('records with a delta against their parent'),
    median: z.number().describe('median delta val_bpb (negative: better)'),
    noise: z.number().describe("σ used: the noise model's, for this harness and class"),
    low: z.number().describe('median − 2σ/√n'),
    high: z.number().describe('median + 2σ/√n'),
    within_noise: z.boolean().describe('the interval covers 0: the effect is not told apart from run-to-run noise'),
  })
  .meta({ id: 'Effect' });

export const replicationQueueSchema = z
  .object({
    harness_id: z.string().nullable(),
    hardware_class: z.string().nullable(),
    items: z.array(
      z.object({
        id: z.string(),
        hardware_class: z.string(),
        val_bpb: z.number(),
        delta_val_bpb: z.number().nullable(),
        description: z.string(),
        key_fingerprint: z.string(),
        flagged: z.boolean().describe('implausible until another key replicates it'),
        replications: z.number(),
        confirmed_by: z.enum(['same_key']).nullable().describe("same_key: only its own key's runs agree so far"),
        reason: z
          .enum(['unconfirmed_best', 'unconfirmed'])
          .describe("unconfirmed_best: it would lead its class once confirmed; unconfirmed: among its class's best"),
        class_confirmed_best: z.number().nullable().describe("the class's best confirmed val_bpb, null when none"),
      }),
    ),
  })
  .meta({ id: 'ReplicationQueue' });

export const replicationQueueQuerySchema = z.strictObject({
  harness: z
    .string()
    .regex(/^[0-9a-f]{64}$/, 'must be a harness id (lowercase hex SHA-256)')
    .optional(),
  hardware_class: z.string().min(1).max(200).optional(),
  key: z.string().min(1).max(200).optional().describe('a key fingerprint: leave out its own results and those it already measured'),
  limit: z.coerce.number().int('must be an integer').min(1, 'must be ≥ 1').max(200, 'must be ≤ 200').default(20),
});

export type NoiseReport = z.infer<typeof noiseSchema>;
export type ReplicationQueue = z.infer<typeof replicationQueueSchema>;
export type EffectView = z.infer<typeof effectSchema>;
