/**
 * Runs async calls one after another. The matchmaking objects' calls await other objects (input
 * gates do not hold across those awaits), and two players must not both open a game, nor one
 * player take two seats.
 */
export class SerialQueue {
  private tail: Promise<unknown> = Promise.resolve();

  run<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.tail.then(fn, fn);
    this.tail = run.catch(() => undefined);
    return run;
  }
}
