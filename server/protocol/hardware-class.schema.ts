// `POST /v1/hardware/class`: a hardware description in, the class the server derives out.
import { z } from 'zod';
import { callerHardwareSchema } from './claim.schema.ts';

export const hardwareClassRequestSchema = z.strictObject({ hardware: callerHardwareSchema }).meta({ id: 'HardwareClassRequest' });

export const hardwareClassResponseSchema = z
  .object({
    hardware_class: z.string().describe('the class records with this hardware rank under'),
    model: z.string().describe('the device model without count or memory'),
    vendor: z.string(),
    memory_gb: z.number().nullable().describe('marketed memory of one device, GB'),
  })
  .meta({ id: 'HardwareClass' });

export type HardwareClassResponse = z.infer<typeof hardwareClassResponseSchema>;
