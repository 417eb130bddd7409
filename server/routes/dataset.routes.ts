// HTTP routes of the open dataset: the NDJSON export, the Parquet snapshots (list, files, the admin
// trigger) and the GPU time that warnings saved.
import { createReadStream } from 'node:fs';
import { Readable } from 'node:stream';
import { OpenAPIHono, createRoute } from '@hono/zod-openapi';
import { z } from 'zod';
import type { ExportQuery, ExportService } from '../services/export.service.ts';
import type { SnapshotService } from '../services/dataset/snapshot.service.ts';
import type { GpuTimeService } from '../services/gpu-time.service.ts';
import {
  DATASET_LICENCE,
  exportLineSchema,
  exportQuerySchema,
  savedTimeSchema,
  snapshotListSchema,
  snapshotManifestSchema,
  snapshotParamsSchema,
} from '../protocol/dataset.schema.ts';
import { json, problems } from '../http/openapi.ts';
import { NotFoundError } from '../services/errors.ts';

// Each NDJSON line is an ExportLine, documented as a component (registered by datasetRoutes); the
// body itself is a byte stream.
const ndjsonLine = { $ref: '#/components/schemas/ExportLine' } as unknown as z.ZodString;

const exportRoute = createRoute({
  method: 'get',
  path: '/v1/export',
  tags: ['dataset'],
  summary:
    'Every visible record as NDJSON, oldest first: the signed envelope unchanged plus what the server derived; resume with ?cursor=<last line’s cursor>',
  request: { query: exportQuerySchema },
  responses: {
    200: {
      description: 'one ExportLine per line; X-Total-Count: the lines to expect',
      content: { 'application/x-ndjson': { schema: ndjsonLine } },
    },
    ...problems(400),
  },
});

const snapshotListRoute = createRoute({
  method: 'get',
  path: '/v1/snapshots',
  tags: ['dataset'],
  summary: 'The Parquet snapshots of the dataset, newest first, each with its files’ SHA-256',
  responses: { 200: { description: 'snapshot manifests', ...json(snapshotListSchema) } },
});

const snapshotFileRoute = createRoute({
  method: 'get',
  path: '/v1/snapshots/{id}/{file}',
  tags: ['dataset'],
  summary: 'One file of a snapshot (id `latest`: the newest): records, ideas or evidence as Parquet, manifest.json or SHA256SUMS',
  request: { params: snapshotParamsSchema },
  responses: {
    200: { description: 'the file', content: { 'application/octet-stream': { schema: z.string() } } },
    ...problems(400, 404, 503),
  },
});

const takeSnapshotRoute = createRoute({
  method: 'post',
  path: '/v1/admin/snapshots',
  tags: ['admin'],
  summary: 'Write a dataset snapshot now (the periodic job does the same)',
  security: [{ bearer: [] }],
  responses: { 201: { description: 'the new snapshot', ...json(snapshotManifestSchema) }, ...problems(401, 503) },
});

const savedTimeRoute = createRoute({
  method: 'get',
  path: '/v1/saved-time',
  tags: ['dataset'],
  summary: 'The GPU time warnings saved (avoided runs × time budget) and their observed precision, per harness, with the rule',
  responses: { 200: { description: 'saved time', ...json(savedTimeSchema) } },
});

export function datasetRoutes(exporter: ExportService, snapshots: SnapshotService, gpuTime: GpuTimeService) {
  const app = new OpenAPIHono();
  // A clone, made now that @hono/zod-openapi has extended zod: the protocol's instance may have been
  // built before (zod 4 gives methods per instance), and registering it would then fail at start-up
  // in any process that loads the services before the routes.
  app.openAPIRegistry.register('ExportLine', exportLineSchema.clone());
  return app
    .openapi(exportRoute, async (c) => {
      const query = exportQuery(c.req.valid('query'));
      c.header('Content-Type', 'application/x-ndjson; charset=utf-8');
      c.header('X-Total-Count', String(await exporter.count(query)));
      c.header('X-Licence', DATASET_LICENCE.url);
      // Pulled: the next page is read only once the client has taken the last, so memory stays
      // one page deep however many records there are; a client that goes away stops the reads.
      // (`as never`: the declared types take application/x-ndjson for a JSON media type they refuse.)
      return c.body(pulled(exporter.ndjson(query)), 200) as never;
    })
    .openapi(snapshotListRoute, async (c) => c.json({ snapshots: snapshots.list() }, 200))
    .openapi(snapshotFileRoute, async (c) => {
      const { id, file } = c.req.valid('param');
      const path = snapshots.file(id, file);
      if (!path) throw new NotFoundError(`snapshot file ${id}/${file}`);
      c.header('Content-Type', snapshotFileType(file));
      c.header('Cache-Control', id === 'latest' ? 'no-cache' : 'public, max-age=31536000, immutable');
      return c.body(Readable.toWeb(createReadStream(path)) as ReadableStream, 200);
    })
    .openapi(takeSnapshotRoute, async (c) => c.json(await snapshots.take(), 201))
    .openapi(savedTimeRoute, async (c) => c.json(await gpuTime.savedTime(), 200));
}

/** The export's query string as the service takes it. */
function exportQuery(q: z.infer<typeof exportQuerySchema>): ExportQuery {
  return {
    harness: q.harness,
    hardwareClass: q.hardware_class,
    since: q.since ? new Date(q.since) : undefined,
    until: q.until ? new Date(q.until) : undefined,
    after: q.cursor ? Number(q.cursor) : undefined,
  };
}

/** The media type a snapshot file is served as. */
function snapshotFileType(file: string): string {
  if (file.endsWith('.json')) return 'application/json';
  return file.endsWith('.parquet') ? 'application/vnd.apache.parquet' : 'text/plain';
}

/** A byte stream over text chunks that reads the next chunk only when the consumer asks for it. */
function pulled(chunks: AsyncGenerator<string>): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  return new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        const next = await chunks.next();
        if (next.done) controller.close();
        else controller.enqueue(encoder.encode(next.value));
      },
      async cancel() {
        await chunks.return(undefined);
      },
    },
    { highWaterMark: 0 },
  );
}
