/**
 * Real applications (Express, Fastify) with deliberately vulnerable routes, started with
 * `node --import @sekisho/rasp` and attacked over HTTP on loopback with published payloads: report
 * mode lets the request through and records it, block mode answers 403 before the sink runs (a
 * command injection's marker file is never created), and honest traffic raises nothing.
 */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const RASP = resolve(import.meta.dirname, '..');
const REGISTER = join(RASP, 'dist', 'register.js');
const PUBLIC = join(import.meta.dirname, 'apps', 'public');
const payloads = JSON.parse(readFileSync(join(import.meta.dirname, 'payloads.json'), 'utf8')) as {
  commandInjection: string[];
  pathTraversal: string[];
  ssrf: string[];
  sqlInjection: string[];
  honest: Record<string, string[]>;
};

interface RaspEvent {
  kind: string;
  result: string;
  action: string;
  sourceIp: string;
  subject: { name: string };
  details: { rule: string; sink: string; method: string; path: string; parameter: { source: string; name: string }; stack: string[] };
}

class App {
  readonly events: RaspEvent[] = [];
  private constructor(
    private readonly child: ChildProcess,
    readonly port: number,
  ) {}

  static async start(script: string, mode: 'report' | 'block'): Promise<App> {
    if (!existsSync(REGISTER)) throw new Error(`${REGISTER} is missing: run npm run build first`);
    const child = spawn(process.execPath, ['--import', pathToFileURL(REGISTER).href, join(import.meta.dirname, 'apps', script)], {
      cwd: RASP,
      env: { ...process.env, SEKISHO_RASP_MODE: mode, PORT: '0' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const port = await new Promise<number>((ok, fail) => {
      let err = '';
      const timer = setTimeout(() => fail(new Error(`${script} did not start: ${err}`)), 20_000);
      child.stderr?.on('data', (chunk: Buffer) => {
        err += chunk.toString();
        const m = /listening (\d+)/.exec(err);
        if (m) {
          clearTimeout(timer);
          ok(Number(m[1]));
        }
      });
      child.on('exit', (code) => fail(new Error(`${script} exited ${code}: ${err}`)));
    });
    const app = new App(child, port);
    let buffered = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      buffered += chunk.toString();
      let nl: number;
      while ((nl = buffered.indexOf('\n')) >= 0) {
        const line = buffered.slice(0, nl);
        buffered = buffered.slice(nl + 1);
        if (line.startsWith('{')) app.events.push(JSON.parse(line) as RaspEvent);
      }
    });
    return app;
  }

  async get(path: string, query: Record<string, string>): Promise<number> {
    const url = new URL(`http://127.0.0.1:${this.port}${path}`);
    for (const [k, v] of Object.entries(query)) url.searchParams.set(k, v);
    const res = await fetch(url, { signal: AbortSignal.timeout(10_000) });
    await res.text();
    // A blocked request's connection is closed after the answer, and the answer says so.
    if (res.status === 403) expect(res.headers.get('connection')).toBe('close');
    return res.status;
  }

  async post(path: string, body: string): Promise<number> {
    const res = await fetch(`http://127.0.0.1:${this.port}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body, signal: AbortSignal.timeout(10_000) });
    await res.text();
    if (res.status === 403) expect(res.headers.get('connection')).toBe('close');
    return res.status;
  }

  /** Events arrive on the child's stdout: wait until `count` are in. */
  async settled(count: number): Promise<RaspEvent[]> {
    const until = Date.now() + 5000;
    while (this.events.length < count && Date.now() < until) await new Promise((r) => setTimeout(r, 20));
    await new Promise((r) => setTimeout(r, 50));
    return this.events;
  }

  async stop(): Promise<void> {
    this.child.kill('SIGTERM');
    await new Promise((r) => this.child.once('exit', r));
  }
}

let markers = '';
beforeAll(async () => {
  markers = await mkdtemp(join(tmpdir(), 'sekisho-rasp-'));
});
afterAll(async () => rm(markers, { recursive: true, force: true }));

const marker = (name: string) => join(markers, name);

for (const script of ['express-app.mjs', 'fastify-app.mjs']) {
  describe(`in-app protection in ${script}`, () => {
    it('block mode: every attack is answered 403 before its sink runs, with one blocked event naming the request, the parameter and the sink', async () => {
      const app = await App.start(script, 'block');
      try {
        let expected = 0;
        for (const [i, p] of payloads.commandInjection.entries()) {
          const file = marker(`${script}-block-${i}`);
          expect(await app.get('/ping', { host: `x${p.replace('{marker}', file)}` }), p).toBe(403);
          expect(existsSync(file), `the command ran for ${p}`).toBe(false);
          expected++;
        }
        for (const p of payloads.pathTraversal) {
          // the list holds them as they go on the wire: decode once, the client encodes again
          const name = decodeURIComponent(p);
          // the apps use path.join: `/etc/passwd` stays inside public/ (a 404, and no event); the rest climb out
          const escapes = !join(PUBLIC, name).startsWith(`${PUBLIC}/`);
          expect(await app.get('/file', { name }), p).toBe(escapes ? 403 : 404);
          if (escapes) expected++;
        }
        for (const p of payloads.ssrf) {
          expect(await app.get('/fetch', { url: p }), p).toBe(403);
          expected++;
        }
        expect(await app.post('/settings', '{"theme":"dark","__proto__":{"isAdmin":true}}')).toBe(403);
        expected++;
        if (script === 'express-app.mjs') {
          for (const p of payloads.sqlInjection) {
            expect(await app.get('/user', { name: p }), p).toBe(403);
            expected++;
          }
          expect(await app.get('/calc', { expr: "7*7;require('child_process')" })).toBe(403);
          expected++;
          expect(await app.get('/fetch-host', { host: '169.254.169.254' })).toBe(403);
          expected++;
        }
        const events = await app.settled(expected);
        expect(events).toHaveLength(expected);
        expect(events.every((e) => e.kind === 'rasp' && e.result === 'blocked' && e.sourceIp === '127.0.0.1')).toBe(true);
        const ping = events.find((e) => e.details.rule === 'command-injection');
        expect(ping?.details).toMatchObject({ method: 'GET', path: '/ping', parameter: { source: 'query', name: 'host' } });
        expect(ping?.details.sink).toMatch(/^child_process\.exec/);
        expect(ping?.details.stack.some((l) => l.includes(script))).toBe(true);
        expect(new Set(events.map((e) => e.details.rule))).toEqual(
          new Set(['command-injection', 'path-traversal', 'ssrf', 'prototype-pollution', ...(script === 'express-app.mjs' ? ['sql-injection', 'code-injection'] : [])]),
        );
      } finally {
        await app.stop();
      }
    }, 60_000);

    it('block mode: blocked and honest requests in turn, several at once, all get their answer', async () => {
      const app = await App.start(script, 'block');
      try {
        const round = () => Promise.all([app.get('/file', { name: '../../../../etc/passwd' }), app.get('/file', { name: 'readme.txt' }), app.get('/file', { name: 'readme.txt' })]);
        for (let i = 0; i < 25; i++) expect(await round()).toEqual([403, 200, 200]);
      } finally {
        await app.stop();
      }
    }, 60_000);

    it('report mode: the attack goes through (the marker file appears) and is recorded; honest traffic raises nothing', async () => {
      const app = await App.start(script, 'report');
      try {
        for (const [name, values] of Object.entries(payloads.honest)) {
          if (name === 'user' && script !== 'express-app.mjs') continue;
          const route = name === 'ping' ? '/ping' : name === 'file' ? '/file' : name === 'fetch' ? '/fetch' : '/user';
          const param = name === 'ping' ? 'host' : name === 'file' ? 'name' : name === 'fetch' ? 'url' : 'name';
          for (const value of values) expect(await app.get(route, { [param]: value }), `${route} ${value}`).toBeLessThan(500);
        }
        if (script === 'express-app.mjs') expect(await app.get('/user-safe', { name: "' OR '1'='1" })).toBe(200);
        expect(await app.post('/settings', '{"theme":"dark","lang":"en"}')).toBe(200);
        expect(await app.settled(0)).toEqual([]);

        const file = marker(`${script}-report`);
        await app.get('/ping', { host: `x;touch ${file}` });
        const events = await app.settled(1);
        expect(existsSync(file)).toBe(true);
        expect(events).toHaveLength(1);
        expect(events[0]).toMatchObject({ result: 'detected', details: { rule: 'command-injection', parameter: { name: 'host' } } });
      } finally {
        await app.stop();
      }
    }, 60_000);
  });
}
