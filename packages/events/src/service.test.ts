import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { defaultSpoolDir, openEventBus } from './service.js';
import { testEvent } from './testing/events.js';

describe('event bus of a service', () => {
  it('spool folder: SEKISHO_SPOOL_DIR, then XDG_STATE_HOME, then ~/.local/state', () => {
    expect(defaultSpoolDir({ SEKISHO_SPOOL_DIR: '/var/spool/s', XDG_STATE_HOME: '/x' })).toBe('/var/spool/s');
    expect(defaultSpoolDir({ XDG_STATE_HOME: '/x' })).toBe('/x/sekisho/spool');
    expect(defaultSpoolDir({})).toBe(join(homedir(), '.local/state/sekisho/spool'));
  });

  it('delivers to the enabled outputs of sekisho.yaml, spooled under the given folder', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sekisho-service-'));
    const bodies: string[] = [];
    const server = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString('utf8')));
      req.on('end', () => (bodies.push(body), res.writeHead(200).end()));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as { port: number }).port;
    writeFileSync(join(dir, 'sekisho.yaml'), `outputs:\n  on: { type: webhook, url: "http://127.0.0.1:${port}/" }\n  off: { type: webhook, url: "http://127.0.0.1:1/", enabled: false }\n`);
    try {
      const bus = openEventBus({ configFile: join(dir, 'sekisho.yaml'), spoolDir: join(dir, 'spool') });
      const event = testEvent(1);
      await bus.emit(event);
      expect(await bus.drain(5000)).toBe(true);
      expect(Object.keys(bus.stats())).toEqual(['on']);
      await bus.close();
      expect(bodies.map((b) => (JSON.parse(b) as { id: string }).id)).toEqual([event.id]);
    } finally {
      await new Promise((resolve) => server.close(resolve));
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
