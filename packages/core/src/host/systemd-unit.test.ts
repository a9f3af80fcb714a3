import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { HostAuditContext } from './context.js';
import { HostRoot } from './host-root.js';
import { flagOn, flagValues, readServiceUnit } from './systemd-unit.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

async function rootWith(files: Record<string, string>): Promise<HostAuditContext> {
  const root = mkdtempSync(path.join(tmpdir(), 'sekisho-unit-'));
  dirs.push(root);
  for (const [file, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
    writeFileSync(path.join(root, file), text);
  }
  return new HostAuditContext(await HostRoot.open(root), new Date());
}

describe('readServiceUnit', () => {
  it('applies drop-ins in name order, honours an ExecStart reset and expands environment files', async () => {
    const ctx = await rootWith({
      'usr/lib/systemd/system/kubelet.service': '[Service]\nExecStart=/usr/bin/kubelet --packaged\n',
      'etc/systemd/system/kubelet.service.d/20-late.conf': '[Service]\nEnvironment="EXTRA=--read-only-port=0"\n',
      'usr/lib/systemd/system/kubelet.service.d/10-kubeadm.conf':
        '[Unit]\nExecStart=/ignored\n[Service]\nEnvironmentFile=-/etc/default/kubelet\nExecStart=\nExecStart=/usr/bin/kubelet \\\n  $KUBELET_EXTRA_ARGS ${EXTRA}\n',
      'etc/default/kubelet': '# comment\nKUBELET_EXTRA_ARGS="--anonymous-auth=false --config /var/lib/kubelet/config.yaml"\n',
    });
    const unit = await readServiceUnit(ctx, 'kubelet.service');
    expect(unit).toMatchObject({ unitFile: '/usr/lib/systemd/system/kubelet.service', execStartFile: '/usr/lib/systemd/system/kubelet.service.d/10-kubeadm.conf' });
    expect(unit?.execStart).toBe('/usr/bin/kubelet    --anonymous-auth=false --config /var/lib/kubelet/config.yaml --read-only-port=0');
    expect(unit?.files).toEqual(['/usr/lib/systemd/system/kubelet.service', '/usr/lib/systemd/system/kubelet.service.d/10-kubeadm.conf', '/etc/systemd/system/kubelet.service.d/20-late.conf']);
  });

  it('returns null when no unit or drop-in exists', async () => {
    expect(await readServiceUnit(await rootWith({}), 'docker.service')).toBeNull();
  });
});

describe('flags', () => {
  it('reads values and bare booleans without taking the next flag for a value', () => {
    const cmd = '/usr/bin/dockerd --live-restore -H fd:// --host=tcp://0.0.0.0:2376 --icc=false --tlsverify';
    expect(flagValues(cmd, '-H', '--host')).toEqual(['fd://', 'tcp://0.0.0.0:2376']);
    expect(flagValues(cmd, '--live-restore')).toEqual([]);
    expect(flagOn(cmd, '--live-restore')).toBe(true);
    expect(flagOn(cmd, '--icc')).toBe(false);
    expect(flagOn(cmd, '--userns-remap')).toBeNull();
  });
});
