/** Errors of the storage layer; the API maps codes to HTTP statuses (NOT_FOUND 404, CONFLICT 409, INVALID 400, UNAVAILABLE 503). */
export type RepositoryErrorCode = 'STORE_NOT_FOUND' | 'STORE_CONFLICT' | 'STORE_INVALID' | 'STORE_SCHEMA' | 'STORE_UNAVAILABLE';

export class RepositoryError extends Error {
  override readonly name = 'RepositoryError';
  readonly code: RepositoryErrorCode;

  constructor(code: RepositoryErrorCode, message: string, options: { cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
  }
}
