import type { SekishoEvent } from '@sekisho/model';

/**
 * One destination. `send` resolves only once the batch is delivered as far as the protocol can
 * tell (a Forward ack, a JetStream publish ack, a 2xx, an SMTP 250, a TCP/TLS write flushed to the
 * kernel for syslog) and throws otherwise; the bus keeps the batch spooled and retries.
 */
export interface Output {
  readonly name: string;
  /** Largest batch `send` takes. */
  readonly maxBatch: number;
  send(events: readonly SekishoEvent[], signal: AbortSignal): Promise<void>;
  close(): Promise<void>;
}

/** Thrown by `send` when retrying cannot help (the receiver rejected the content): the batch is counted as rejected and skipped. */
export class PermanentDeliveryError extends Error {
  override readonly name = 'PermanentDeliveryError';
}

/** Rejects after `ms` (or when `signal` aborts) unless `work` settles first. */
export async function withTimeout<T>(work: Promise<T>, ms: number, what: string, signal?: AbortSignal): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  let onAbort: (() => void) | undefined;
  const limit = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: no answer within ${ms} ms`)), ms);
    if (signal !== undefined) {
      onAbort = () => reject(new Error(`${what}: aborted`));
      if (signal.aborted) onAbort();
      else signal.addEventListener('abort', onAbort, { once: true });
    }
  });
  try {
    return await Promise.race([work, limit]);
  } finally {
    clearTimeout(timer);
    if (onAbort !== undefined) signal?.removeEventListener('abort', onAbort);
  }
}
