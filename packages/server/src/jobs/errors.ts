/**
 * Failures a job handler can signal. Any other error is transient: the job is retried with
 * exponential backoff and dead-lettered (`dead`) once its attempts are used up. A
 * `PermanentJobError` (a malformed reference, a payload of the wrong shape) cannot succeed on a
 * retry, so the job goes to `failed` at once.
 */
export class PermanentJobError extends Error {
  override readonly name = 'PermanentJobError';
}

export function isPermanentJobError(error: unknown): error is PermanentJobError {
  return error instanceof PermanentJobError;
}

/** A job's error text: the message only (never a stack), bounded, redacted by the caller. */
export function errorText(error: unknown): string {
  const text = error instanceof Error ? `${error.name === 'Error' ? '' : `${error.name}: `}${error.message}` : String(error);
  return text.length > 2000 ? `${text.slice(0, 1999)}…` : text;
}
