/** Any value but null and undefined. */
type Present = string | number | bigint | boolean | symbol | object;

/**
 * A fixed-capacity queue between a producer that must not block (an HTTP handler, a sampler)
 * and the rules engine. A full queue refuses the item and counts it: memory stays bounded and
 * every drop is visible (Falco's own complaint is silent drops). Items are never null or
 * undefined: a taken slot is `undefined` until the taken prefix is cut off.
 */
export class BoundedQueue<T extends Present> implements AsyncIterable<T> {
  private readonly items: (T | undefined)[] = [];
  private head = 0;
  private waiter: (() => void) | undefined;
  private closed = false;
  /** Items refused because the queue was full. */
  dropped = 0;

  constructor(readonly capacity: number) {
    if (!(capacity > 0)) throw new RangeError('queue capacity must be positive');
  }

  get size(): number {
    return this.items.length - this.head;
  }

  /** False (and counted) when full or closed. */
  push(item: T): boolean {
    if (this.closed || this.size >= this.capacity) {
      this.dropped++;
      return false;
    }
    this.items.push(item);
    this.wake();
    return true;
  }

  /** Room for `n` more items. */
  hasRoom(n: number): boolean {
    return !this.closed && this.size + n <= this.capacity;
  }

  close(): void {
    this.closed = true;
    this.wake();
  }

  private wake(): void {
    const w = this.waiter;
    this.waiter = undefined;
    w?.();
  }

  async *[Symbol.asyncIterator](): AsyncIterator<T> {
    for (;;) {
      while (this.head < this.items.length) {
        const item = this.items[this.head];
        if (item === undefined) throw new Error(`bounded queue: slot ${this.head} was taken twice`);
        this.items[this.head] = undefined;
        this.head++;
        if (this.head > 1024 && this.head * 2 > this.items.length) {
          this.items.splice(0, this.head);
          this.head = 0;
        }
        yield item;
      }
      if (this.closed) return;
      await new Promise<void>((resolve) => (this.waiter = resolve));
    }
  }
}
