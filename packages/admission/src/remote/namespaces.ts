import { readFile } from 'node:fs/promises';
import { Agent, request } from 'undici';
import type { NamespaceLabelSource } from '../controller.js';

const SERVICE_ACCOUNT = '/var/run/secrets/kubernetes.io/serviceaccount';
const MAX_BYTES = 1024 * 1024;

export interface InClusterOptions {
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Directory with `token` and `ca.crt` (default the mounted service account). */
  readonly serviceAccountDir?: string;
}

/**
 * Namespace labels from the API server, with the pod's service account (`get namespaces`). The
 * token is read again on every call: projected tokens rotate.
 */
export class InClusterNamespaceLabels implements NamespaceLabelSource {
  readonly #base: URL;
  readonly #dir: string;
  #agent: Agent | null = null;

  constructor(options: InClusterOptions = {}) {
    const env = options.env ?? process.env;
    const host = env['KUBERNETES_SERVICE_HOST'];
    const port = env['KUBERNETES_SERVICE_PORT'] ?? '443';
    if (host === undefined || host === '') throw new Error('--in-cluster: KUBERNETES_SERVICE_HOST is not set (not running in a pod?)');
    this.#base = new URL(`https://${host.includes(':') ? `[${host}]` : host}:${port}/`);
    this.#dir = options.serviceAccountDir ?? SERVICE_ACCOUNT;
  }

  async labels(namespace: string, signal: AbortSignal): Promise<Readonly<Record<string, string>> | null> {
    if (!/^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/.test(namespace)) return null;
    this.#agent ??= new Agent({ connect: { ca: await readFile(`${this.#dir}/ca.crt`) } });
    const token = (await readFile(`${this.#dir}/token`, 'utf8')).trim();
    const res = await request(new URL(`api/v1/namespaces/${namespace}`, this.#base), { headers: { authorization: `Bearer ${token}`, accept: 'application/json' }, dispatcher: this.#agent, signal });
    const text = await res.body.text();
    if (text.length > MAX_BYTES) throw new Error('namespace object larger than 1 MiB');
    if (res.statusCode === 404) return null;
    if (res.statusCode !== 200) throw new Error(`API server answered ${res.statusCode} for namespace ${namespace}`);
    const parsed = JSON.parse(text) as { metadata?: { labels?: unknown } };
    const labels = parsed.metadata?.labels;
    const out: Record<string, string> = {};
    if (typeof labels === 'object' && labels !== null) for (const [k, v] of Object.entries(labels)) if (typeof v === 'string') out[k] = v;
    return out;
  }
}
