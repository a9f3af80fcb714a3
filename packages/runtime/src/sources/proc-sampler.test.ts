import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { ProcessEvent } from '../fields-syscall.js';
import { capabilityNames, containerOfCgroup, parseStat, ProcSampler } from './proc-sampler.js';

const children: ChildProcess[] = [];
const dirs: string[] = [];
afterEach(() => {
  for (const c of children.splice(0)) c.kill('SIGKILL');
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe('/proc parsing', () => {
  it('reads stat with a command name holding spaces and parentheses', () => {
    const stat = parseStat('4242 (my (odd) name) S 1 4242 4242 34816 4242 4194560 0 0 0 0 0 0 0 0 20 0 1 0 987654 0 0');
    expect(stat).toEqual({ comm: 'my (odd) name', ppid: 1, pgrp: 4242, sid: 4242, tty: 34816, starttime: '987654' });
  });

  it('finds container ids and pod uids in cgroup v1 and v2 paths', () => {
    const id = 'a'.repeat(64);
    expect(containerOfCgroup(`0::/system.slice/docker-${id}.scope\n`)).toEqual({ id: 'aaaaaaaaaaaa' });
    expect(containerOfCgroup(`0::/kubepods.slice/kubepods-besteffort.slice/kubepods-besteffort-pod0f1e2d3c_4b5a_6978_8a9b_0c1d2e3f4a5b.slice/cri-containerd-${id}.scope\n`)).toEqual({
      id: 'aaaaaaaaaaaa',
      podUid: '0f1e2d3c-4b5a-6978-8a9b-0c1d2e3f4a5b',
    });
    expect(containerOfCgroup(`12:memory:/kubepods/burstable/pod0f1e2d3c-4b5a-6978-8a9b-0c1d2e3f4a5b/${id}\n`)).toEqual({ id: 'aaaaaaaaaaaa', podUid: '0f1e2d3c-4b5a-6978-8a9b-0c1d2e3f4a5b' });
    expect(containerOfCgroup('0::/user.slice/user-1000.slice/session-3.scope\n')).toEqual({ id: 'host' });
  });

  it('names capabilities from a CapEff mask', () => {
    expect(capabilityNames('0000000000200001')).toEqual(['CAP_CHOWN', 'CAP_SYS_ADMIN']);
    expect(capabilityNames('zz')).toEqual([]);
  });
});

function fakeProc(root: string, pid: number, p: { comm: string; ppid: number; argv: string[]; exe: string; cgroup: string; uid: number; starttime: string; tty?: number }): void {
  const dir = join(root, String(pid));
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'stat'), `${pid} (${p.comm}) S ${p.ppid} ${pid} ${pid} ${p.tty ?? 0} -1 0 0 0 0 0 0 0 0 0 20 0 1 0 ${p.starttime} 0 0\n`);
  writeFileSync(join(dir, 'cmdline'), `${p.argv.join('\0')}\0`);
  writeFileSync(join(dir, 'cgroup'), p.cgroup);
  writeFileSync(join(dir, 'status'), `Name:\t${p.comm}\nUid:\t${p.uid}\t${p.uid}\t${p.uid}\t${p.uid}\nGid:\t0\t0\t0\t0\nCapPrm:\t0000000000200000\nCapEff:\t0000000000200000\n`);
  writeFileSync(join(dir, 'loginuid'), '4294967295');
  symlinkSync(p.exe, join(dir, 'exe'));
  symlinkSync('/', join(dir, 'cwd'));
}

describe('ProcSampler', () => {
  it('reports new processes in a procfs tree with ancestry, credentials and container', async () => {
    const root = mkdtempSync(join(tmpdir(), 'sekisho-proc-'));
    dirs.push(root);
    const passwd = join(root, 'passwd');
    writeFileSync(passwd, 'root:x:0:0:root:/root:/bin/bash\n');
    const cg = `0::/system.slice/cri-containerd-${'b'.repeat(64)}.scope\n`;
    fakeProc(root, 1, { comm: 'systemd', ppid: 0, argv: ['/sbin/init'], exe: '/usr/lib/systemd/systemd', cgroup: '0::/\n', uid: 0, starttime: '1' });
    fakeProc(root, 100, {
      comm: 'containerd-shim',
      ppid: 1,
      argv: ['/usr/bin/containerd-shim-runc-v2'],
      exe: '/usr/bin/containerd-shim-runc-v2',
      cgroup: '0::/system.slice/containerd.service\n',
      uid: 0,
      starttime: '50',
    });
    const sampler = new ProcSampler({ procRoot: root, passwdFile: passwd, hostname: 'h' });
    expect(await sampler.poll()).toEqual([]);
    fakeProc(root, 200, { comm: 'bash', ppid: 100, argv: ['bash', '-i'], exe: '/usr/bin/bash', cgroup: cg, uid: 0, starttime: '900', tty: 34816 });
    const items = await sampler.poll();
    expect(items).toHaveLength(1);
    const e = (items[0] as { event: unknown }).event as ProcessEvent;
    expect(e).toMatchObject({
      type: 'execve',
      hostname: 'h',
      proc: { pid: 200, ppid: 100, name: 'bash', exe: 'bash', exepath: '/usr/bin/bash', args: ['-i'], tty: 34816, cwd: '/' },
      ancestors: [
        { pid: 100, name: 'containerd-shim' },
        { pid: 1, name: 'systemd' },
      ],
      user: { uid: 0, loginuid: -1 },
      caps: { effective: ['CAP_SYS_ADMIN'] },
      container: { id: 'bbbbbbbbbbbb' },
    });
    // The container's own /etc/passwd is not readable in this tree: no name is made up.
    expect(e.user?.name).toBeUndefined();
    expect(await sampler.poll()).toEqual([]);
  });

  it('sees a real child process start on this host, with its parent', async () => {
    const sampler = new ProcSampler({ intervalMs: 20 });
    await sampler.poll();
    const child = spawn('sleep', ['30.5'], { stdio: 'ignore' });
    children.push(child);
    await new Promise((r) => setTimeout(r, 50));
    const items = await sampler.poll();
    const mine = items.map((i) => (i as unknown as { event: ProcessEvent }).event).find((e) => e.proc.pid === child.pid);
    expect(mine).toMatchObject({ type: 'execve', proc: { name: 'sleep', args: ['30.5'], ppid: process.pid } });
    expect(mine?.ancestors[0]?.pid).toBe(process.pid);
    expect(mine?.user?.uid).toBe(process.getuid?.());
  });
});
