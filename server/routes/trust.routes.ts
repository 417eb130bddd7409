// HTTP routes for trust: the noise model (σ per hardware class, and what it rests on) and the
// results most worth replicating.
import { OpenAPIHono, createRoute } from '@hono/zod-openapi';
import type { ReplicationService } from '../services/replication.service.ts';
import { noiseQuerySchema, noiseSchema, replicationQueueQuerySchema, replicationQueueSchema } from '../protocol/trust.schema.ts';
import { json, problems } from '../http/openapi.ts';

export function trustRoutes(replication: ReplicationService) {
  return new OpenAPIHono()
    .openapi(
      createRoute({
        method: 'get',
        path: '/v1/noise',
        tags: ['trust'],
        summary:
          'Run-to-run noise σ of val_bpb per hardware class (and family) of one harness (default: the busiest), with the replications it rests on',
        request: { query: noiseQuerySchema },
        responses: { 200: { description: 'the noise model', ...json(noiseSchema) }, ...problems(400) },
      }),
      async (c) => c.json(await replication.noise(c.req.valid('query').harness), 200),
    )
    .openapi(
      createRoute({
        method: 'get',
        path: '/v1/replication-queue',
        tags: ['trust'],
        summary:
          "Results most worth replicating: unconfirmed keeps that would lead their class first, then the class's other best unconfirmed keeps",
        request: { query: replicationQueueQuerySchema },
        responses: { 200: { description: 'the queue', ...json(replicationQueueSchema) }, ...problems(400) },
      }),
      async (c) => {
        const q = c.req.valid('query');
        return c.json(await replication.queue({ harnessId: q.harness, hardwareClass: q.hardware_class, key: q.key, limit: q.limit }), 200);
      },
    );
}
