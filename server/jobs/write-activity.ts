// Counts writes in flight, so background work (idea assignment) can step aside for them: on
// PGlite, and on a busy 2-core machine, an assignment batch otherwise delays the acknowledgement
// of every record that arrives while it runs. Backed by shared memory, so a worker thread of the
// same server (the background work on PostgreSQL) sees the API thread's writes.
export class WriteActivity {
  private readonly count: Int32Array;

  /** `shared`: another thread's counter (its `buffer`), to see the same writes. */
  constructor(shared?: SharedArrayBuffer) {
    this.count = new Int32Array(shared ?? new SharedArrayBuffer(4));
  }

  /** The memory to hand to another thread (`new WriteActivity(buffer)` there). */
  get buffer(): SharedArrayBuffer {
    return this.count.buffer as SharedArrayBuffer;
  }

  get busy(): boolean {
    return Atomics.load(this.count, 0) > 0;
  }

  async track<T>(work: () => Promise<T>): Promise<T> {
    Atomics.add(this.count, 0, 1);
    try {
      return await work();
    } finally {
      Atomics.sub(this.count, 0, 1);
    }
  }
}
