// Remote data as reactive state: loading, loaded or failed; reloads whenever the reactive
// values the loader reads change, and aborts the stale request.
import { untrack } from 'svelte';
import { ApiError } from './api.ts';

/** `stale`: a reload is under way; the previous data stays on screen (and keeps focus where it was). */
export type Loadable<T> = { status: 'loading' } | { status: 'ok'; data: T; stale?: boolean } | { status: 'error'; error: ApiError };

export class Remote<T> {
  current: Loadable<T> = $state({ status: 'loading' });

  /** Must be constructed while a component initialises (it owns an effect). */
  constructor(load: (signal: AbortSignal) => Promise<T>) {
    $effect(() => {
      const ctrl = new AbortController();
      const prev = untrack(() => this.current);
      this.current = prev.status === 'ok' ? { ...prev, stale: true } : { status: 'loading' };
      load(ctrl.signal).then(
        (data) => {
          if (!ctrl.signal.aborted) this.current = { status: 'ok', data };
        },
        (err: unknown) => {
          if (ctrl.signal.aborted) return;
          this.current = { status: 'error', error: err instanceof ApiError ? err : new ApiError(0, 'Error', String(err)) };
        },
      );
      return () => ctrl.abort();
    });
  }
}
