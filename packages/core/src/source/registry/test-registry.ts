import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { copyFile, mkdir, mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import { readFile } from 'node:fs/promises';
import { promisify } from 'node:util';
import { requiredTool } from '@sekisho/testkit';

/* Test helpers (excluded from the build): a real registry started by scripts/start-registry.sh,
   images pushed with skopeo, and an in-process fake registry for the lying cases. */

const run = promisify(execFile);

export function repoRoot(): string {
  let dir = import.meta.dirname;
  while (!existsSync(join(dir, 'tsconfig.base.json'))) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error('repository root not found');
    dir = parent;
  }
  return dir;
}

function onPath(program: string): boolean {
  return (process.env['PATH'] ?? '').split(delimiter).some((dir) => dir !== '' && existsSync(join(dir, program)));
}

/** Why the real-registry tests cannot run here, or null. */
export function missingRegistryTools(flags: readonly string[] = []): string | null {
  // CI installs these (.ci/run): absent there, the suite fails instead of skipping.
  const fromCi = ['docker-registry', 'skopeo', ...(flags.includes('--htpasswd') ? ['htpasswd'] : [])];
  for (const tool of fromCi) requiredTool(onPath(tool), tool, 'apt-get install -y docker-registry skopeo apache2-utils');
  // openssl is the machine's own, not installed by CI.
  const needed = [...fromCi, ...(flags.some((f) => f.includes('tls')) ? ['openssl'] : [])];
  const missing = needed.filter((p) => !onPath(p));
  return missing.length === 0 ? null : `missing ${missing.join(', ')} (apt-get install -y docker-registry skopeo apache2-utils openssl)`;
}

export interface RunningRegistry {
  readonly host: string;
  readonly pid: number;
  readonly scheme: 'http' | 'https';
  readonly ca: string | null;
  readonly clientCert: string | null;
  readonly clientKey: string | null;
  readonly username: string | null;
  readonly password: string | null;
  readonly dir: string;
  stop(): Promise<void>;
}

export async function startRegistry(flags: readonly string[] = []): Promise<RunningRegistry> {
  const dir = await mkdtemp(join(tmpdir(), 'sekisho-registry-'));
  const { stdout } = await run(join(repoRoot(), 'scripts', 'start-registry.sh'), [dir, ...flags], { timeout: 60_000 });
  const info = JSON.parse(stdout.trim().split('\n').pop() ?? '{}') as Omit<RunningRegistry, 'dir' | 'stop'>;
  return {
    ...info,
    dir,
    async stop() {
      try {
        process.kill(info.pid);
      } catch {
        // already gone
      }
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** `skopeo copy` an OCI layout (all platforms) to `host/repo:tag`, digests preserved. */
export async function pushLayout(registry: RunningRegistry, layout: string, layoutTag: string, destination: string): Promise<void> {
  const args = ['--insecure-policy', 'copy', '--all', '--preserve-digests', '--quiet', '--dest-tls-verify=false'];
  if (registry.username !== null && registry.password !== null) args.push('--dest-creds', `${registry.username}:${registry.password}`);
  if (registry.clientCert !== null && registry.clientKey !== null) {
    const certs = join(registry.dir, 'skopeo-certs');
    await mkdir(certs, { recursive: true });
    await copyFile(registry.clientCert, join(certs, 'client.cert'));
    await copyFile(registry.clientKey, join(certs, 'client.key'));
    args.push('--dest-cert-dir', certs);
  }
  args.push(`oci:${layout}:${layoutTag}`, `docker://${registry.host}/${destination}`);
  await run('skopeo', args, { timeout: 120_000 });
}

export interface Recorded {
  readonly method: string;
  readonly url: string;
  readonly headers: IncomingMessage['headers'];
}

export interface FakeServer {
  readonly origin: string;
  readonly host: string;
  readonly requests: Recorded[];
  handle: (req: IncomingMessage, res: ServerResponse) => void;
  close(): Promise<void>;
}

/** An in-process HTTP(S) server whose behaviour each test sets through `handle`. */
export async function fakeServer(tls?: { key: string; cert: string }): Promise<FakeServer> {
  const requests: Recorded[] = [];
  const fake: { handle: FakeServer['handle'] } = { handle: (_req, res) => res.writeHead(404).end() };
  const listener = (req: IncomingMessage, res: ServerResponse) => {
    requests.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers });
    fake.handle(req, res);
  };
  const server: Server = tls === undefined ? createServer(listener) : createHttpsServer(tls, listener);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  const host = `127.0.0.1:${port}`;
  return {
    origin: `${tls === undefined ? 'http' : 'https'}://${host}`,
    host,
    requests,
    get handle() {
      return fake.handle;
    },
    set handle(h) {
      fake.handle = h;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A self-signed certificate for 127.0.0.1 (openssl), for HTTPS fakes. */
export async function selfSigned(dir: string): Promise<{ key: string; cert: string; certFile: string }> {
  const keyFile = join(dir, 'key.pem');
  const certFile = join(dir, 'cert.pem');
  await run('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1', '-keyout', keyFile, '-out', certFile]);
  return { key: await readFile(keyFile, 'utf8'), cert: await readFile(certFile, 'utf8'), certFile };
}
