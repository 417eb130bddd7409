// Upkeep of the churned tables: a vacuum each interval in which background work wrote to them,
// never two at once, none when idle or with the interval at 0, and a failed one tried again.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { scheduleUpkeep } from '../../../server/jobs/upkeep.ts';

describe('scheduleUpkeep', () => {
  afterEach(() => vi.useRealTimers());

  it('vacuums once per interval after work, not while idle', async () => {
    vi.useFakeTimers();
    const vacuum = vi.fn(async () => {});
    const u = scheduleUpkeep({ vacuum, intervalMs: 1000 });
    u.start();
    await vi.advanceTimersByTimeAsync(3000);
    expect(vacuum).not.toHaveBeenCalled();
    u.touched();
    u.touched();
    await vi.advanceTimersByTimeAsync(1000);
    expect(vacuum).toHaveBeenCalledTimes(1);
    await vi.advanceTimersByTimeAsync(3000);
    expect(vacuum).toHaveBeenCalledTimes(1);
    u.touched();
    await vi.advanceTimersByTimeAsync(1000);
    expect(vacuum).toHaveBeenCalledTimes(2);
    await u.stop();
  });

  it('never runs two at once, and tries again after a failure', async () => {
    vi.useFakeTimers();
    let release!: () => void;
    const calls: string[] = [];
    const vacuum = vi.fn(async () => {
      calls.push('start');
      if (calls.length === 1) await new Promise<void>((r) => (release = r));
      if (calls.length === 2) throw new Error('database away');
    });
    const warn = vi.fn();
    const u = scheduleUpkeep({ vacuum, intervalMs: 1000, logger: { warn } as never });
    u.start();
    u.touched();
    await vi.advanceTimersByTimeAsync(1000);
    u.touched();
    await vi.advanceTimersByTimeAsync(3000);
    expect(vacuum).toHaveBeenCalledTimes(1); // the first still runs
    release();
    await vi.advanceTimersByTimeAsync(1000);
    expect(vacuum).toHaveBeenCalledTimes(2); // the work since, vacuumed; it fails
    expect(warn).toHaveBeenCalledTimes(1);
    u.touched();
    await vi.advanceTimersByTimeAsync(1000);
    expect(vacuum).toHaveBeenCalledTimes(3);
    await u.stop();
  });

  it('does nothing with the interval at 0', async () => {
    vi.useFakeTimers();
    const vacuum = vi.fn(async () => {});
    const u = scheduleUpkeep({ vacuum, intervalMs: 0 });
    u.start();
    u.touched();
    await vi.advanceTimersByTimeAsync(60_000);
    expect(vacuum).not.toHaveBeenCalled();
    await u.stop();
  });
});
