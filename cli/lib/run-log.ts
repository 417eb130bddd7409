// Reading the summary autoresearch's train.py prints at the end of run.log (`val_bpb: 0.9979`, …).
import { NO_RUN_METRICS } from '../../server/protocol/record.schema.ts';

export interface RunLog {
  val_bpb: number | null;
  peak_vram_mb: number | null;
  training_seconds: number | null;
  total_seconds: number | null;
  mfu_percent: number | null;
  total_tokens_m: number | null;
  num_steps: number | null;
  num_params_m: number | null;
  /** The log shows a Python traceback or an out-of-memory error. */
  crashed: boolean;
}

const KEYS: Record<string, keyof RunLog> = {
  val_bpb: 'val_bpb',
  peak_vram_mb: 'peak_vram_mb',
  training_seconds: 'training_seconds',
  total_seconds: 'total_seconds',
  mfu_percent: 'mfu_percent',
  total_tokens_m: 'total_tokens_m',
  num_steps: 'num_steps',
  num_params_m: 'num_params_m',
};

export function parseRunLog(text: string): RunLog {
  const log: RunLog = { val_bpb: null, ...NO_RUN_METRICS, crashed: false };
  for (const line of text.split('\n')) {
    const m = /^\s*([A-Za-z_]+)\s*:\s*([-+]?\d+(?:\.\d+)?(?:e[-+]?\d+)?)\s*$/.exec(line);
    const key = m && KEYS[m[1].toLowerCase()];
    if (key && key !== 'crashed') (log[key] as number | null) = Number(m[2]);
  }
  log.crashed = /Traceback \(most recent call last\)|out of memory|OutOfMemoryError/i.test(text);
  if (log.val_bpb !== null && !(log.val_bpb > 0)) log.val_bpb = null;
  return log;
}
