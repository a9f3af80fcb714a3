/**
 * One error type for everything Sekisho refuses to do. The `code` is stable API (tests assert
 * codes, never messages); the CLI maps each code family to a documented exit code
 * (docs/dev/errors.md). `where` names the image, layer and path involved.
 */
export type SourceErrorCode = 'SOURCE_NOT_FOUND' | 'SOURCE_UNSUPPORTED' | 'SOURCE_INVALID' | 'SOURCE_SCHEMA1' | 'SOURCE_NO_MATCHING_PLATFORM' | 'SOURCE_MISSING_BLOB' | 'SOURCE_EMPTY';

export type IntegrityErrorCode = 'INTEGRITY_DIGEST_MISMATCH' | 'INTEGRITY_DIFFID_MISMATCH' | 'INTEGRITY_SIZE_MISMATCH';

export type LayerErrorCode = 'LAYER_CORRUPT' | 'LAYER_TRUNCATED' | 'LAYER_PATH_ESCAPE' | 'LAYER_LINK_ESCAPE';

export type LimitErrorCode = 'LIMIT_LAYER_SIZE' | 'LIMIT_IMAGE_SIZE' | 'LIMIT_ENTRY_SIZE' | 'LIMIT_ENTRY_COUNT' | 'LIMIT_JSON_SIZE' | 'LIMIT_SBOM_COMPONENTS' | 'LIMIT_SBOM_DEPTH' | 'LIMIT_TIMEOUT';

export type DbErrorCode = 'DB_NOT_FOUND' | 'DB_CORRUPT' | 'DB_SCHEMA' | 'DB_BUILD' | 'DB_DOWNLOAD';

export type ConfigErrorCode = 'CONFIG_INVALID' | 'CONFIG_UNSUPPORTED';

export type RegistryErrorCode = 'REGISTRY_AUTH' | 'REGISTRY_HTTP' | 'REGISTRY_PROTOCOL' | 'REGISTRY_UNTRUSTED_REDIRECT' | 'REGISTRY_REDIRECT_LOOP';

export type VerifyErrorCode = 'VERIFY_FAILED' | 'VERIFY_INPUT';

export type UsageErrorCode = 'USAGE_INVALID';

export type InternalErrorCode = 'INTERNAL';

export type SekishoErrorCode =
  SourceErrorCode | IntegrityErrorCode | LayerErrorCode | LimitErrorCode | DbErrorCode | ConfigErrorCode | RegistryErrorCode | VerifyErrorCode | UsageErrorCode | InternalErrorCode;

export interface ErrorWhere {
  readonly image?: string;
  readonly layer?: string;
  readonly path?: string;
  readonly file?: string;
}

export class SekishoError extends Error {
  readonly code: SekishoErrorCode;
  readonly where: ErrorWhere;

  constructor(code: SekishoErrorCode, message: string, options: { where?: ErrorWhere; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'SekishoError';
    this.code = code;
    this.where = options.where ?? {};
  }

  /** The message with its location appended, for people. */
  describe(): string {
    const parts: string[] = [];
    if (this.where.image !== undefined) parts.push(`image ${this.where.image}`);
    if (this.where.layer !== undefined) parts.push(`layer ${this.where.layer}`);
    if (this.where.path !== undefined) parts.push(`path ${this.where.path}`);
    if (this.where.file !== undefined) parts.push(`file ${this.where.file}`);
    return parts.length === 0 ? this.message : `${this.message} (${parts.join(', ')})`;
  }

  /** A copy with more location facts; existing ones win. */
  withWhere(where: ErrorWhere): SekishoError {
    const copy = new SekishoError(this.code, this.message, { where: { ...where, ...this.where }, cause: this.cause });
    copy.stack = this.stack;
    return copy;
  }
}

export function isSekishoError(error: unknown): error is SekishoError {
  return error instanceof SekishoError;
}

export type ErrorFamily = 'source' | 'integrity' | 'layer' | 'limit' | 'db' | 'config' | 'registry' | 'verify' | 'usage' | 'internal';

export function errorFamily(code: SekishoErrorCode): ErrorFamily {
  const prefix = code.slice(0, code.indexOf('_'));
  switch (prefix) {
    case 'SOURCE':
      return 'source';
    case 'INTEGRITY':
      return 'integrity';
    case 'LAYER':
      return 'layer';
    case 'LIMIT':
      return 'limit';
    case 'DB':
      return 'db';
    case 'CONFIG':
      return 'config';
    case 'REGISTRY':
      return 'registry';
    case 'VERIFY':
      return 'verify';
    case 'USAGE':
      return 'usage';
    default:
      return 'internal';
  }
}

/**
 * Exit codes, documented in docs/dev/errors.md. 0 = success, 1 = a policy gate failed
 * (e.g. `--fail-on`), everything else names the family of what went wrong.
 */
export const EXIT_CODES = {
  ok: 0,
  policy: 1,
  usage: 2,
  source: 3,
  integrity: 4,
  layer: 5,
  limit: 6,
  db: 7,
  config: 8,
  registry: 9,
  verify: 10,
  internal: 70,
} as const satisfies Record<ErrorFamily | 'ok' | 'policy', number>;

export function exitCodeFor(error: unknown): number {
  if (isSekishoError(error)) return EXIT_CODES[errorFamily(error.code)];
  return EXIT_CODES.internal;
}
