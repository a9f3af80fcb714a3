import { SekishoError } from '../../errors.js';

/**
 * A parsed image reference, normalized as Docker does
 * (github.com/distribution/reference: reference.go grammar, normalize.go for Docker Hub).
 */
export interface ImageReference {
  /** Registry as users name it: `docker.io`, `ghcr.io`, `localhost:5000`, `[::1]:5000`. */
  readonly registry: string;
  /** Host (and port) the Distribution API is served on: `registry-1.docker.io` for Docker Hub. */
  readonly apiHost: string;
  /** Repository path: `library/nginx`, `team/app`. */
  readonly repository: string;
  readonly tag: string | null;
  readonly digest: string | null;
  /** Tag or digest to ask the registry for (the digest when both are given). */
  readonly selector: string;
}

export const DOCKER_HUB = 'docker.io';
export const DOCKER_HUB_API = 'registry-1.docker.io';
/** The key Docker clients use for Docker Hub in config.json and with credential helpers. */
export const DOCKER_HUB_AUTH_KEY = 'https://index.docker.io/v1/';

const MAX_REFERENCE = 4096;
const MAX_NAME = 255;
// Path component: lower-case alphanumerics separated by `.`, `_`, `__` or dashes (reference.go).
const COMPONENT = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/;
const TAG = /^\w[\w.-]{0,127}$/;
const DIGEST = /^[a-z0-9]+(?:[+._-][a-z0-9]+)*:[0-9a-fA-F]{32,}$/;
const HOST_LABEL = /^[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?$/;

function invalid(text: string, why: string): SekishoError {
  return new SekishoError('USAGE_INVALID', `invalid image reference ${JSON.stringify(text.slice(0, 200))}: ${why}`);
}

/** `host[:port]` or `[v6]:port`, as the reference grammar allows for a domain. */
export function isValidHost(host: string): boolean {
  let rest = host;
  if (rest.startsWith('[')) {
    const end = rest.indexOf(']');
    if (end < 0 || !/^[0-9a-fA-F:.]+$/.test(rest.slice(1, end))) return false;
    rest = rest.slice(end + 1);
    return rest === '' || /^:\d{1,5}$/.test(rest);
  }
  const colon = rest.indexOf(':');
  if (colon >= 0) {
    if (!/^\d{1,5}$/.test(rest.slice(colon + 1))) return false;
    rest = rest.slice(0, colon);
  }
  return rest.length > 0 && rest.length <= 253 && rest.split('.').every((label) => HOST_LABEL.test(label));
}

/** The first path component names a registry when it has a `.` or `:`, is `localhost`, or has upper case (normalize.go splitDockerDomain). */
function looksLikeDomain(component: string): boolean {
  return component.includes('.') || component.includes(':') || component.startsWith('[') || component === 'localhost' || component !== component.toLowerCase();
}

/** Parse `[REGISTRY/]REPO[:TAG][@DIGEST]` (without any `docker://` prefix). Throws USAGE_INVALID. */
export function parseImageReference(text: string): ImageReference {
  if (text.length === 0 || text.length > MAX_REFERENCE) throw invalid(text, 'empty or too long');
  let rest = text;
  let digest: string | null = null;
  const at = rest.indexOf('@');
  if (at >= 0) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
    if (!DIGEST.test(digest)) throw invalid(text, 'malformed digest');
  }
  let tag: string | null = null;
  const lastSlash = rest.lastIndexOf('/');
  const tagColon = rest.indexOf(':', lastSlash + 1);
  if (tagColon >= 0) {
    tag = rest.slice(tagColon + 1);
    rest = rest.slice(0, tagColon);
    if (!TAG.test(tag)) throw invalid(text, 'malformed tag');
  }
  const components = rest.split('/');
  let registry = DOCKER_HUB;
  const first = components[0] ?? '';
  if (components.length > 1 && looksLikeDomain(first)) {
    if (!isValidHost(first)) throw invalid(text, `malformed registry host ${JSON.stringify(first)}`);
    registry = first;
    components.shift();
  }
  if (registry === 'index.docker.io' || registry === DOCKER_HUB_API) registry = DOCKER_HUB;
  if (registry === DOCKER_HUB && components.length === 1) components.unshift('library');
  for (const component of components) {
    if (!COMPONENT.test(component)) throw invalid(text, `malformed repository component ${JSON.stringify(component)}`);
  }
  const repository = components.join('/');
  if (repository.length === 0 || repository.length > MAX_NAME) throw invalid(text, 'repository name empty or longer than 255 characters');
  if (tag === null && digest === null) tag = 'latest';
  return {
    registry,
    apiHost: registry === DOCKER_HUB ? DOCKER_HUB_API : registry,
    repository,
    tag,
    digest,
    selector: digest ?? tag ?? 'latest',
  };
}

/** `registry/repo:tag@digest`, fully qualified (Docker's familiar form is not used: it hides the registry). */
export function formatImageReference(ref: Pick<ImageReference, 'registry' | 'repository' | 'tag' | 'digest'>): string {
  return `${ref.registry}/${ref.repository}${ref.tag === null ? '' : `:${ref.tag}`}${ref.digest === null ? '' : `@${ref.digest}`}`;
}

/** Parse `REGISTRY[/REPO]` for catalog listings: a registry host alone, or a repository. */
export function parseRegistryTarget(text: string): { registry: string; apiHost: string; repository: string | null } {
  const trimmed = text.replace(/^(?:docker|registry):\/\//, '').replace(/\/+$/, '');
  const slash = trimmed.indexOf('/');
  const host = slash < 0 ? trimmed : trimmed.slice(0, slash);
  if (slash < 0 && looksLikeDomain(host)) {
    if (!isValidHost(host)) throw invalid(text, 'malformed registry host');
    const registry = host === 'index.docker.io' ? DOCKER_HUB : host;
    return { registry, apiHost: registry === DOCKER_HUB ? DOCKER_HUB_API : registry, repository: null };
  }
  const ref = parseImageReference(trimmed);
  if (ref.digest !== null || trimmed.slice(trimmed.lastIndexOf('/') + 1).includes(':')) throw invalid(text, 'name a registry or a repository, without a tag or digest');
  return { registry: ref.registry, apiHost: ref.apiHost, repository: ref.repository };
}

const LOCAL_SCHEMES = ['oci:', 'oci-archive:', 'docker-archive:', 'dir:'];
const REMOTE_PREFIXES = ['registry:', 'docker://', 'registry://'];
const ARCHIVE_SUFFIX = /\.(?:tar|tgz|tar\.gz|tar\.zst|tzst|oci|zip)$/i;

/**
 * The registry reference `text` names, or null when it names a local image. An explicit
 * `registry:` / `docker://` prefix always means the registry; a path that exists, a local scheme
 * (`oci:`…), or something path-like (`./x`, `/x`, `~/x`, `x.tar`) stays local; otherwise any
 * valid image reference (`nginx`, `ghcr.io/o/r:1`, `localhost:5000/x@sha256:…`) is remote.
 */
export function registryReferenceOf(text: string, exists: (path: string) => boolean): ImageReference | null {
  for (const prefix of REMOTE_PREFIXES) {
    if (text.startsWith(prefix)) return parseImageReference(text.slice(prefix.length));
  }
  if (LOCAL_SCHEMES.some((s) => text.startsWith(s)) || exists(text)) return null;
  if (/^(?:\.{1,2}(?:\/|$)|\/|~)/.test(text) || text.includes('\\')) return null;
  const at = text.indexOf('@');
  const name = at < 0 ? text : text.slice(0, at);
  const lastSlash = name.lastIndexOf('/');
  const colon = name.indexOf(':', lastSlash + 1);
  const repoPart = colon < 0 ? name : name.slice(0, colon);
  const firstSlash = name.indexOf('/');
  const hasRegistry = firstSlash > 0 && looksLikeDomain(name.slice(0, firstSlash));
  if (!hasRegistry && ARCHIVE_SUFFIX.test(repoPart)) return null;
  // `archive.tar:repo:tag` with an existing archive is a docker-archive selector, handled locally.
  if ((colon >= 0 && exists(name.slice(0, colon))) || (at >= 0 && exists(name))) return null;
  try {
    return parseImageReference(text);
  } catch {
    return null;
  }
}
