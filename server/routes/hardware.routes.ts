// `POST /v1/hardware/class`: the hardware class the server derives from a hardware description,
// so a client (`crossfork whoami`) can show what its records will be ranked under.
import { OpenAPIHono, createRoute } from '@hono/zod-openapi';
import { describeHardware } from '../protocol/hardware-class.ts';
import { hardwareClassRequestSchema, hardwareClassResponseSchema } from '../protocol/hardware-class.schema.ts';
import { json, problems } from '../http/openapi.ts';
import { jsonBody } from '../http/request.ts';

export function hardwareRoutes(maxBodyBytes: number) {
  return new OpenAPIHono().openapi(
    createRoute({
      method: 'post',
      path: '/v1/hardware/class',
      tags: ['hardware'],
      summary: 'The hardware class the server derives from a hardware description',
      middleware: jsonBody(maxBodyBytes),
      request: { body: json(hardwareClassRequestSchema) },
      responses: { 200: { description: 'the derived class', ...json(hardwareClassResponseSchema) }, ...problems(400, 413, 415, 422) },
    }),
    (c) => {
      const info = describeHardware(c.req.valid('json').hardware);
      return c.json({ hardware_class: info.class, model: info.family, vendor: info.vendor, memory_gb: info.memory_gb }, 200);
    },
  );
}
