// What `crossfork run` reports when it stops: experiments and their rows, how busy the accelerator
// was, what was published, withheld or queued, and why it stopped.
import type { Hardware } from '../../server/protocol/record.schema.ts';

export interface RunSummary {
  baseline: { commit: string; val_bpb: number | null } | null;
  experiments: number;
  kept: number;
  discarded: number;
  crashed: number;
  refused_proposals: number;
  best_val_bpb: number | null;
  training_seconds: number;
  wall_seconds: number;
  /** Training time over wall time: how busy the accelerator was. */
  duty_cycle: number;
  /** The device the duty cycle is of. */
  device: { accelerator: string; device_name: string; device_count: number };
  published: number;
  /** Rows kept off the server: runs shorter than the harness's budget (see publishShortRuns). */
  withheld: number;
  queued: number;
  stopped: 'max-experiments' | 'hours' | 'interrupted' | 'proposals-exhausted';
  rows: { commit: string; status: string; val_bpb: number | null; description: string; suggestion?: string | null }[];
  /** Experiments whose proposal was one of the server's suggestions (the check's same idea was among them). */
  from_suggestions: number;
  /** Replications run (`--replicate-every`): of which record, with what outcome. */
  replications: { id: string | null; replicates: string; status: string; val_bpb: number | null; published: boolean }[];
}

/** The summary before the first experiment. */
export function emptySummary(hardware: Hardware): RunSummary {
  return {
    baseline: null,
    experiments: 0,
    kept: 0,
    discarded: 0,
    crashed: 0,
    refused_proposals: 0,
    best_val_bpb: null,
    training_seconds: 0,
    wall_seconds: 0,
    duty_cycle: 0,
    device: { accelerator: hardware.accelerator, device_name: hardware.device_name, device_count: hardware.device_count },
    published: 0,
    withheld: 0,
    queued: 0,
    stopped: 'max-experiments',
    rows: [],
    replications: [],
    from_suggestions: 0,
  };
}
