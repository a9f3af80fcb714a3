import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { HostRoot } from './host-root.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** A temp directory holding `root/` (the host root) and `outside/` (what must never be read). */
function sandbox(): { root: string; outside: string } {
  const base = mkdtempSync(path.join(tmpdir(), 'sekisho-host-root-'));
  dirs.push(base);
  const root = path.join(base, 'root');
  const outside = path.join(base, 'outside');
  mkdirSync(path.join(root, 'etc'), { recursive: true });
  mkdirSync(path.join(root, 'usr/lib'), { recursive: true });
  mkdirSync(outside);
  writeFileSync(path.join(outside, 'secret'), 'OUTSIDE');
  return { root, outside };
}

describe('HostRoot', () => {
  it('follows links inside the root chroot-style: absolute targets start at the root', async () => {
    const { root } = sandbox();
    writeFileSync(path.join(root, 'usr/lib/os-release'), 'ID=debian\n');
    symlinkSync('../usr/lib/os-release', path.join(root, 'etc/os-release'));
    symlinkSync('/usr/lib/os-release', path.join(root, 'etc/abs-release'));
    const host = await HostRoot.open(root);
    expect(await host.readText('/etc/os-release', 1024)).toMatchObject({ kind: 'ok', text: 'ID=debian\n' });
    expect(await host.readText('/etc/abs-release', 1024)).toMatchObject({ kind: 'ok', text: 'ID=debian\n' });
  });

  it('never leaves the root through a link: absolute, relative with .., or a linked directory', async () => {
    const { root, outside } = sandbox();
    symlinkSync(path.join(outside, 'secret'), path.join(root, 'etc/absolute'));
    symlinkSync('../../../../../../../../outside/secret', path.join(root, 'etc/relative'));
    symlinkSync(outside, path.join(root, 'linked-dir'));
    const host = await HostRoot.open(root);
    for (const p of ['/etc/absolute', '/etc/relative', '/linked-dir/secret']) {
      const r = await host.read(p, 1024);
      expect(r.kind, p).toBe('missing');
    }
    expect(await host.list('/linked-dir')).toBeNull();
    expect(await host.stat('/linked-dir/secret')).toBeNull();
  });

  it('never reads the outside file through any of 300 random link layouts (seeded)', async () => {
    const { root, outside } = sandbox();
    let seed = 0x5eed;
    const rand = (n: number): number => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed % n;
    };
    const dirsInRoot = ['etc', 'usr/lib', 'a/b/c', 'a/d'];
    for (const d of dirsInRoot) mkdirSync(path.join(root, d), { recursive: true });
    const targets = (): string => {
      const ups = '../'.repeat(rand(12));
      switch (rand(5)) {
        case 0:
          return path.join(outside, 'secret');
        case 1:
          return `${ups}outside/secret`;
        case 2:
          return `/${ups}outside/secret`;
        case 3:
          return `${ups}${dirsInRoot[rand(dirsInRoot.length)]}/l${rand(300)}`;
        default:
          return outside;
      }
    };
    const links: string[] = [];
    for (let i = 0; i < 300; i++) {
      const at = `${dirsInRoot[rand(dirsInRoot.length)]}/l${i}`;
      symlinkSync(targets(), path.join(root, at));
      links.push(`/${at}`, `/${at}/secret`);
    }
    const host = await HostRoot.open(root);
    for (const p of links) {
      const r = await host.read(p, 1024);
      expect(r.kind === 'ok' ? r.body.toString() : '', p).not.toBe('OUTSIDE');
    }
  });

  it('stops at a link loop', async () => {
    const { root } = sandbox();
    symlinkSync('b', path.join(root, 'etc/a'));
    symlinkSync('a', path.join(root, 'etc/b'));
    const host = await HostRoot.open(root);
    const r = await host.read('/etc/a', 1024);
    expect(r).toMatchObject({ kind: 'unreadable', reason: expect.stringContaining('symbolic links') });
  });

  it('refuses a file above the limit without reading it (a sparse 4 GiB file)', async () => {
    const { root } = sandbox();
    const big = path.join(root, 'etc/huge');
    const fh = await open(big, 'w');
    await fh.truncate(4 * 1024 * 1024 * 1024);
    await fh.close();
    const host = await HostRoot.open(root);
    const before = process.memoryUsage().rss;
    const r = await host.read('/etc/huge', 1024 * 1024);
    expect(r).toMatchObject({ kind: 'unreadable', reason: expect.stringContaining('larger than 1048576 bytes') });
    expect(process.memoryUsage().rss - before).toBeLessThan(64 * 1024 * 1024);
  });

  it('does not block on a FIFO and does not read devices', async () => {
    const { root } = sandbox();
    execFileSync('mkfifo', [path.join(root, 'etc/fifo')]);
    symlinkSync('/dev/zero', path.join(root, 'etc/zero'));
    const host = await HostRoot.open(root);
    expect(await host.read('/etc/fifo', 1024)).toMatchObject({ kind: 'unreadable', reason: expect.stringContaining('not a regular file') });
    // /dev/zero inside the root does not exist: the link resolves to <root>/dev/zero.
    expect((await host.read('/etc/zero', 1024)).kind).toBe('missing');
  });

  it.skipIf(!existsSync('/proc/kallsyms'))('reads pseudo-files that report size 0 whole, and bounds them', async () => {
    const host = await HostRoot.open('/');
    // /proc/kallsyms: megabytes behind a size of 0.
    const expected = readFileSync('/proc/kallsyms');
    expect(expected.length).toBeGreaterThan(64 * 1024);
    const r = await host.read('/proc/kallsyms', 64 * 1024 * 1024);
    expect(r.kind === 'ok' ? r.body.length : -1).toBe(expected.length);
    expect(await host.read('/proc/kallsyms', 1024)).toMatchObject({ kind: 'unreadable', reason: 'larger than 1024 bytes; not read' });
  });

  it('reads a link target itself without following it, and stats links and files', async () => {
    const { root, outside } = sandbox();
    symlinkSync(outside, path.join(root, 'etc/ns-like'));
    writeFileSync(path.join(root, 'etc/file'), 'x', { mode: 0o640 });
    const host = await HostRoot.open(root);
    expect(await host.readLink('/etc/ns-like')).toBe(outside);
    expect(await host.stat('/etc/ns-like', false)).toMatchObject({ kind: 'symlink' });
    expect(await host.stat('/etc/file')).toMatchObject({ kind: 'file', mode: 0o640, size: 1 });
    symlinkSync('file', path.join(root, 'etc/alias'));
    expect(await host.stat('/etc/alias')).toMatchObject({ id: ((await host.stat('/etc/file')) as { id: string }).id });
  });
});
