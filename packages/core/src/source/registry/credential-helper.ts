import { SekishoError } from '../../errors.js';

/*
 * The one place in core that starts a process, and why it is allowed: the program run is a
 * Docker credential helper (`docker-credential-<name>`) that the USER configured in their own
 * ~/.docker/config.json (`credsStore` / `credHelpers`), exactly as `docker pull` runs it. Nothing
 * from an image or a registry response chooses the program or its arguments: the helper name is
 * checked to be a plain word, the only argument is `get`, and stdin carries the registry host the
 * user asked for. Output is bounded and the process is killed after a timeout.
 * Protocol: github.com/docker/docker-credential-helpers (client/client.go).
 */

export interface HelperCredentials {
  readonly username: string;
  readonly secret: string;
}

const HELPER_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
const MAX_OUTPUT = 64 * 1024;
const TIMEOUT_MS = 30_000;

/** Run `docker-credential-<helper> get` for `serverUrl`; null when the helper has no credentials for it. */
export async function runCredentialHelper(helper: string, serverUrl: string, env: Readonly<Record<string, string | undefined>>): Promise<HelperCredentials | null> {
  if (!HELPER_NAME.test(helper)) {
    throw new SekishoError('REGISTRY_AUTH', `invalid credential helper name ${JSON.stringify(helper.slice(0, 80))} in the Docker config`);
  }
  const program = `docker-credential-${helper}`;
  // Loaded here, not with the module: node:child_process costs ~15 ms of every scan's start-up otherwise.
  const { spawn } = await import('node:child_process');
  const { code, stdout, stderr } = await new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve, reject) => {
    const child = spawn(program, ['get'], { stdio: ['pipe', 'pipe', 'pipe'], env: { ...env }, timeout: TIMEOUT_MS, shell: false });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    let size = 0;
    const collect = (into: Buffer[]) => (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_OUTPUT) child.kill('SIGKILL');
      else into.push(chunk);
    };
    child.stdout.on('data', collect(out));
    child.stderr.on('data', collect(err));
    child.on('error', (error) => reject(new SekishoError('REGISTRY_AUTH', `cannot run credential helper ${program}: ${error.message}`, { cause: error })));
    child.on('close', (exit) => resolve({ code: exit, stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8') }));
    child.stdin.on('error', () => undefined);
    child.stdin.end(serverUrl);
  });
  if (code !== 0) {
    // The helpers' "not found" message (credentials.NewErrCredentialsNotFound).
    if (/credentials not found/i.test(stdout.slice(0, 500)) || /credentials not found/i.test(stderr.slice(0, 500))) return null;
    throw new SekishoError('REGISTRY_AUTH', `credential helper ${program} failed (exit ${code ?? 'killed'}): ${(stderr || stdout).slice(0, 300).trim()}`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(stdout);
  } catch (error) {
    throw new SekishoError('REGISTRY_AUTH', `credential helper ${program} printed something that is not JSON`, { cause: error });
  }
  const record = parsed as { Username?: unknown; Secret?: unknown };
  if (typeof record.Secret !== 'string' || (record.Username !== undefined && typeof record.Username !== 'string')) {
    throw new SekishoError('REGISTRY_AUTH', `credential helper ${program} returned no Secret`);
  }
  return { username: typeof record.Username === 'string' ? record.Username : '', secret: record.Secret };
}
