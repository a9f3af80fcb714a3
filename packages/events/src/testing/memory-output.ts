import type { SekishoEvent } from '@sekisho/model';
import type { Output } from '../output.js';
import { PermanentDeliveryError } from '../output.js';

/** An output that keeps what it receives; it can fail its first N sends, or reject content. */
export class MemoryOutput implements Output {
  readonly received: SekishoEvent[] = [];
  sends = 0;
  constructor(
    readonly name: string,
    private failFirst = 0,
    readonly maxBatch = 50,
    private readonly reject: (event: SekishoEvent) => boolean = () => false,
  ) {}

  send(events: readonly SekishoEvent[]): Promise<void> {
    this.sends += 1;
    if (this.failFirst > 0) {
      this.failFirst -= 1;
      return Promise.reject(new Error('receiver unavailable'));
    }
    if (events.some(this.reject)) return Promise.reject(new PermanentDeliveryError('receiver rejected the batch (400)'));
    this.received.push(...events);
    return Promise.resolve();
  }

  async close(): Promise<void> {}
}
