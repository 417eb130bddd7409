// Counts writes in flight in this process, so background work (idea assignment) can step aside
// for them: on PGlite, and on a busy 2-core machine, an assignment batch otherwise delays the
// acknowledgement of every record that arrives while it runs.
export class WriteActivity {
  private inFlight = 0;

  get busy(): boolean {
    return this.inFlight > 0;
  }

  async track<T>(work: () => Promise<T>): Promise<T> {
    this.inFlight += 1;
    try {
      return await work();
    } finally {
      this.inFlight -= 1;
    }
  }
}
