import { SekishoError } from '../../errors.js';
import type { Credentials } from './credentials.js';
import type { RegistryOptions } from './options.js';
import type { HttpResponse, Transport } from './transport.js';
import { describe, failure, headerList, readBounded } from './transport.js';
import { parseChallenges } from './www-authenticate.js';
import type { Challenge } from './www-authenticate.js';

const MAX_TOKEN_RESPONSE = 1024 * 1024;
const MAX_TOKEN_LENGTH = 64 * 1024;
/** Tokens without `expires_in` live 60 s (token spec). */
const DEFAULT_TOKEN_SECONDS = 60;
const HEADER_SAFE = /^[\x21-\x7e]+$/;

interface CachedToken {
  readonly header: string;
  readonly expires: number;
}

/**
 * Authorization for one registry origin (Docker token authentication spec,
 * distribution/docs/spec/auth/token.md and oauth.md). Rules that keep credentials home:
 * - the Authorization header goes only to the registry's own origin, recomputed at every
 *   redirect hop (a blob-storage redirect target never sees it);
 * - only a challenge from the registry's own origin is answered; a 401 from anywhere else fails;
 * - credentials go to the token realm that the registry named: over HTTPS, or over plain HTTP
 *   only when the realm is on the registry's own host (host and port) and the registry itself is
 *   plain HTTP, or when the user named the realm's host with `insecureTokenRealms` (a warning,
 *   once per realm). Otherwise the realm gets an anonymous request at most, and a refusal says
 *   why the credentials were kept back;
 * - a redirect from the realm loses the credentials too.
 */
export class Authenticator {
  readonly #transport: Transport;
  readonly #origin: string;
  readonly #lookup: () => Promise<Credentials | null>;
  #credentials: Credentials | null | undefined;
  #basic: string | null = null;
  readonly #tokens = new Map<string, CachedToken>();
  /** Why credentials that exist were not sent to a token realm (for the error that may follow). */
  #withheld: string | null = null;

  constructor(transport: Transport, origin: URL, lookup: () => Promise<Credentials | null>) {
    this.#transport = transport;
    this.#origin = origin.origin;
    this.#lookup = lookup;
  }

  /** The header for a request to `url` with `scope`, or null (other origins always get null). */
  authorization(url: URL, scope: string): string | null {
    if (url.origin !== this.#origin) return null;
    const token = this.#tokens.get(scope);
    if (token !== undefined && token.expires > Date.now()) return token.header;
    return this.#basic;
  }

  /** Why credentials were kept from a token realm, or null: appended to a final refusal. */
  get withheld(): string | null {
    return this.#withheld;
  }

  /**
   * Why credentials must not go to `realm`, or null when they may. A plain-HTTP realm on another
   * host would let anyone who can answer the registry's plain-HTTP traffic collect the password.
   */
  #refuseRealm(realm: URL): string | null {
    if (realm.protocol === 'https:') return null;
    const origin = new URL(this.#origin);
    if (insecureRealm(this.#transport.options.insecureTokenRealms, realm)) {
      warnOnce(this.#transport.options, realm, `sending credentials for ${origin.host} over plain HTTP to the token realm ${realm.origin} (--insecure-token-realm)`);
      return null;
    }
    if (origin.protocol === 'https:') return `the token realm ${realm.origin} is plain HTTP while ${this.#origin} is HTTPS`;
    if (realm.host !== origin.host) {
      return `the token realm ${realm.origin} is plain HTTP and on another host than ${this.#origin} (allow it with --insecure-token-realm ${realm.host})`;
    }
    return null;
  }

  async #creds(): Promise<Credentials | null> {
    if (this.#credentials === undefined) this.#credentials = await this.#lookup();
    return this.#credentials;
  }

  /**
   * Answer a 401: obtain a token (or switch to basic) for `scope`. Returns normally when the
   * request is worth retrying; throws REGISTRY_AUTH otherwise. Dumps the response body.
   */
  async answer(response: HttpResponse, scope: string): Promise<void> {
    const from = response.url;
    const challenges = headerList(response, 'www-authenticate').flatMap(parseChallenges);
    await response.body.dump({ limit: 4096 }).catch(() => undefined);
    if (from.origin !== this.#origin) {
      throw new SekishoError('REGISTRY_AUTH', `${describe(from)} (reached by a redirect from ${this.#origin}) asks for authentication; credentials for ${this.#origin} are never sent to another host`);
    }
    const bearer = challenges.find((c) => c.scheme === 'bearer');
    const basic = challenges.find((c) => c.scheme === 'basic');
    if (bearer !== undefined) {
      this.#tokens.set(scope, await this.#fetchToken(bearer, scope));
      return;
    }
    if (basic !== undefined) {
      const creds = await this.#creds();
      if (creds === null || creds.kind !== 'basic') {
        throw new SekishoError('REGISTRY_AUTH', `${this.#origin} requires a user name and password (--username/--password-stdin, SEKISHO_REGISTRY_USERNAME/PASSWORD or docker login)`);
      }
      const header = basicHeader(creds.username, creds.password);
      if (this.#basic === header) throw new SekishoError('REGISTRY_AUTH', `${this.#origin} refused the credentials from ${creds.from}`);
      this.#basic = header;
      return;
    }
    throw new SekishoError('REGISTRY_AUTH', `${describe(from)} answered 401 without a usable WWW-Authenticate challenge`);
  }

  async #fetchToken(challenge: Challenge, scope: string): Promise<CachedToken> {
    const realmText = challenge.params['realm'];
    if (realmText === undefined) throw new SekishoError('REGISTRY_AUTH', `${this.#origin}: Bearer challenge without a realm`);
    let realm: URL;
    try {
      realm = new URL(realmText);
    } catch (error) {
      throw new SekishoError('REGISTRY_AUTH', `${this.#origin}: invalid token realm ${JSON.stringify(realmText.slice(0, 200))}`, { cause: error });
    }
    if (realm.protocol !== 'https:' && realm.protocol !== 'http:') throw new SekishoError('REGISTRY_AUTH', `${this.#origin}: token realm is not an HTTP(S) URL`);
    const refused = this.#refuseRealm(realm);
    const found = await this.#creds();
    const creds = refused === null ? found : null;
    if (found !== null && refused !== null) this.#withheld = `credentials from ${found.from} were not sent: ${refused}`;
    const scopes = [...new Set([scope, ...(challenge.params['scope'] ?? '').split(' ').filter((s) => s !== '')])];
    const service = challenge.params['service'];
    const realmOrigin = realm.origin;
    let response: HttpResponse;
    if (creds?.kind === 'identity-token') {
      // OAuth2 refresh-token grant (oauth.md).
      const form = new URLSearchParams({ grant_type: 'refresh_token', client_id: 'sekisho', refresh_token: creds.token });
      if (service !== undefined) form.set('service', service);
      form.set('scope', scopes.join(' '));
      response = await this.#transport.send({
        method: 'POST',
        url: realm,
        kind: 'token',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: form.toString(),
      });
    } else {
      const url = new URL(realm);
      if (service !== undefined) url.searchParams.set('service', service);
      for (const s of scopes) url.searchParams.append('scope', s);
      if (creds?.kind === 'basic') url.searchParams.set('account', creds.username);
      const header = creds?.kind === 'basic' ? basicHeader(creds.username, creds.password) : null;
      response = await this.#transport.send({
        method: 'GET',
        url,
        kind: 'token',
        authorization: (target) => (target.origin === realmOrigin ? header : null),
      });
    }
    if (response.status === 401 || response.status === 403) {
      await response.body.dump({ limit: 4096 }).catch(() => undefined);
      throw new SekishoError(
        'REGISTRY_AUTH',
        creds === null
          ? `${this.#origin}: anonymous access refused by the token service ${realm.origin}${this.#withheld === null ? '' : `; ${this.#withheld}`}`
          : `${this.#origin}: the token service ${realm.origin} refused the credentials from ${creds.from}`,
      );
    }
    if (response.status !== 200) throw await failure(response);
    const body = await readBounded(response, MAX_TOKEN_RESPONSE, 'token response', { deadlineMs: 60_000, transport: this.#transport });
    let parsed: { token?: unknown; access_token?: unknown; expires_in?: unknown };
    try {
      parsed = JSON.parse(body.toString('utf8')) as typeof parsed;
    } catch (error) {
      throw new SekishoError('REGISTRY_AUTH', `${realm.origin}: the token response is not JSON`, { cause: error });
    }
    const token = typeof parsed.token === 'string' && parsed.token !== '' ? parsed.token : parsed.access_token;
    if (typeof token !== 'string' || token.length === 0 || token.length > MAX_TOKEN_LENGTH || !HEADER_SAFE.test(token)) {
      throw new SekishoError('REGISTRY_AUTH', `${realm.origin}: the token response holds no usable token`);
    }
    const seconds = typeof parsed.expires_in === 'number' && parsed.expires_in > 0 ? Math.min(parsed.expires_in, 86_400) : DEFAULT_TOKEN_SECONDS;
    // Renew a little early: a long blob read may start just before expiry.
    return { header: `Bearer ${token}`, expires: Date.now() + Math.max(1, seconds - 10) * 1000 };
  }
}

/** Whether `realm`'s host (with or without its port) was named in `insecureTokenRealms`. */
function insecureRealm(hosts: readonly string[] | undefined, realm: URL): boolean {
  if (hosts === undefined) return false;
  const named = new Set(
    hosts.map((h) =>
      h
        .toLowerCase()
        .replace(/^[a-z]+:\/\//, '')
        .replace(/\/.*$/, ''),
    ),
  );
  return named.has(realm.host.toLowerCase()) || named.has(realm.hostname.toLowerCase());
}

const warned = new WeakMap<(message: string) => void, Set<string>>();

/** One warning per realm per warning sink (a registry scan shares its sink across images). */
function warnOnce(options: RegistryOptions, realm: URL, message: string): void {
  const sink = options.onWarning;
  if (sink === undefined) return;
  let seen = warned.get(sink);
  if (seen === undefined) warned.set(sink, (seen = new Set()));
  if (seen.has(realm.origin)) return;
  seen.add(realm.origin);
  sink(message);
}

function basicHeader(username: string, password: string): string {
  return `Basic ${Buffer.from(`${username}:${password}`, 'utf8').toString('base64')}`;
}
