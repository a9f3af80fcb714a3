/**
 * Test helpers: free loopback ports, whether a tool a test needs is installed (skip with the
 * reason, or fail when SEKISHO_REQUIRE_FIXTURES=1), waiting for a condition with a deadline.
 */
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { createSocket } from 'node:dgram';
import { testDataRequired } from '@sekisho/testkit';

export async function freeTcpPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}

export async function freeUdpPort(): Promise<number> {
  const socket = createSocket('udp4');
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  const port = socket.address().port;
  await new Promise<void>((resolve) => socket.close(() => resolve()));
  return port;
}

/** null when every file exists; otherwise why the test cannot run (thrown instead under SEKISHO_REQUIRE_FIXTURES=1). */
export function missingTools(files: readonly string[], install: string): string | null {
  const missing = files.filter((f) => !existsSync(f));
  if (missing.length === 0) return null;
  const reason = `${missing.join(', ')} not installed (apt-get install ${install})`;
  if (testDataRequired()) throw new Error(`${reason}; SEKISHO_REQUIRE_FIXTURES=1 makes it an error, not a skip`);
  console.warn(`skipped: ${reason}`);
  return reason;
}

/** Polls `check` every 20 ms until it returns a value other than undefined, or throws after `ms`. */
export async function waitFor<T>(check: () => T | undefined | Promise<T | undefined>, ms: number, what: string): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
