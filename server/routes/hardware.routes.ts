// `POST /v1/hardware/class`: the hardware class the server derives from a hardware description,
// so a client (`crossfork whoami`) can show what its records will be ranked under.
import { OpenAPIHono } from '@hono/zod-openapi';
import { describeHardware } from '../protocol/hardware-class.ts';
import { hardwareClassRequestSchema, hardwareClassResponseSchema } from '../protocol/hardware-class.schema.ts';
import { json, problems } from './docs.ts';
import { parseBody, readJson } from './request.ts';

export function hardwareRoutes(maxBodyBytes: number) {
  const app = new OpenAPIHono();
  app.post('/v1/hardware/class', async (c) => {
    const { hardware } = parseBody(await readJson(c, maxBodyBytes), hardwareClassRequestSchema);
    const info = describeHardware(hardware);
    return c.json({ hardware_class: info.class, model: info.family, vendor: info.vendor, memory_gb: info.memory_gb });
  });
  app.openAPIRegistry.registerPath({
    method: 'post', path: '/v1/hardware/class', tags: ['hardware'], summary: 'The hardware class the server derives from a hardware description',
    request: { body: json(hardwareClassRequestSchema) },
    responses: { 200: { description: 'the derived class', ...json(hardwareClassResponseSchema) }, ...problems(400, 413, 415, 422) },
  });
  return app;
}
