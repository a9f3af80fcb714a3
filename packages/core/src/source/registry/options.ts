/** One HTTP exchange, reported to `onRequest` (request counting in tests, `--debug` logs). */
export interface RegistryRequestEvent {
  readonly method: string;
  /** The URL without query string (signed blob-storage URLs carry secrets in queries). */
  readonly url: string;
  readonly status: number | null;
  /** What was asked for: a manifest, a blob, a token, a listing… */
  readonly kind: RegistryRequestKind;
  readonly attempt: number;
}

export type RegistryRequestKind = 'ping' | 'manifest' | 'blob' | 'token' | 'catalog' | 'tags' | 'referrers' | 'upload';

/** How to reach registries: credentials, TLS, retries. Everything is optional. */
export interface RegistryOptions {
  /** Credentials for the registry being addressed (`--username` / `--password-stdin`). */
  readonly username?: string;
  readonly password?: string;
  /** An OAuth2 refresh token (Docker's `identitytoken`), exchanged at the token realm. */
  readonly identityToken?: string;
  /** PEM files of extra certificate authorities, trusted besides the system and bundled ones (`--ca-cert`). */
  readonly caCertFiles?: readonly string[];
  /** PEM client certificate and key for mutual TLS. */
  readonly clientCertFile?: string;
  readonly clientKeyFile?: string;
  /** `host[:port]` values reached over plain HTTP or TLS without verification — only these (`--insecure-registry`). */
  readonly insecureRegistries?: readonly string[];
  /**
   * `host[:port]` of token realms that may receive credentials over plain HTTP although they are
   * not the registry's own host (`--insecure-token-realm`). Without it a plain-HTTP realm on
   * another host gets an anonymous token request at most.
   */
  readonly insecureTokenRealms?: readonly string[];
  /** Docker's config.json; default `$DOCKER_CONFIG/config.json` or `~/.docker/config.json`; null ignores it. */
  readonly dockerConfig?: string | null;
  /** Environment for proxies, `SEKISHO_REGISTRY_USERNAME/PASSWORD` and `DOCKER_CONFIG` (default `process.env`). */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Attempts per request on 429, 5xx and dropped connections (default 4). */
  readonly retries?: number;
  /** Longest wait between attempts, also the most a `Retry-After` may ask for (default 30 s). */
  readonly maxRetryDelayMs?: number;
  /** Connect / response-headers / idle-body timeout (default 30 s). */
  readonly timeoutMs?: number;
  /**
   * Minimum transfer rate: a response body (a blob, a manifest, a listing) that delivers fewer than
   * `minTransferBytes` within any `minTransferWindowMs` before it ends is aborted (LIMIT_TIMEOUT).
   * Defaults: 1 MiB per 60 s (about 17 KiB/s); 0 bytes disables the check. The idle timeout alone
   * lets a server that sends one byte every 20 s hold a scan forever.
   */
  readonly minTransferBytes?: number;
  readonly minTransferWindowMs?: number;
  /**
   * The scan's deadline (`--timeout`): every request, retry wait and body read stops when it fires,
   * with its reason (a LIMIT_TIMEOUT SekishoError from `scanDeadline`) naming what was being read.
   */
  readonly signal?: AbortSignal;
  readonly onRequest?: (event: RegistryRequestEvent) => void;
  /** Things the user should know but that do not stop the scan (credentials sent over plain HTTP). */
  readonly onWarning?: (message: string) => void;
}
