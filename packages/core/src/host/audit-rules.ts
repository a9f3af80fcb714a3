import { cisDocker, type HostAuditContext } from './context.js';

/**
 * CIS Docker 1.6.0 section 1.1: auditd watches on the Docker daemon, containerd and runc files.
 * Rules are read as auditctl(8) writes them (`-w PATH …` or `-a … -F path=PATH`), from
 * /etc/audit/audit.rules and /etc/audit/rules.d/*.rules. Only files that exist on this host are
 * expected to be watched.
 */
export const AUDITED_DOCKER_FILES: readonly { readonly path: string; readonly check: string }[] = [
  { path: '/usr/bin/dockerd', check: '1.1.3' },
  { path: '/run/containerd', check: '1.1.4' },
  { path: '/var/lib/docker', check: '1.1.5' },
  { path: '/etc/docker', check: '1.1.6' },
  { path: '/lib/systemd/system/docker.service', check: '1.1.7' },
  { path: '/run/containerd/containerd.sock', check: '1.1.8' },
  { path: '/lib/systemd/system/docker.socket', check: '1.1.9' },
  { path: '/etc/default/docker', check: '1.1.10' },
  { path: '/etc/docker/daemon.json', check: '1.1.11' },
  { path: '/etc/containerd/config.toml', check: '1.1.12' },
  { path: '/etc/sysconfig/docker', check: '1.1.13' },
  { path: '/usr/bin/containerd', check: '1.1.14' },
  { path: '/usr/bin/containerd-shim', check: '1.1.15' },
  { path: '/usr/bin/containerd-shim-runc-v1', check: '1.1.16' },
  { path: '/usr/bin/containerd-shim-runc-v2', check: '1.1.17' },
  { path: '/usr/bin/runc', check: '1.1.18' },
];

export async function auditDockerAuditRules(ctx: HostAuditContext): Promise<void> {
  const files: string[] = [];
  const main = await ctx.text('/etc/audit/audit.rules');
  if (main !== null) files.push(main);
  const dir = await ctx.root.list('/etc/audit/rules.d');
  if (Array.isArray(dir))
    for (const n of dir.filter((x) => x.endsWith('.rules')).slice(0, 500)) {
      const t = await ctx.text(`/etc/audit/rules.d/${n}`);
      if (t !== null) files.push(t);
    }
  const watched = new Set<string>();
  for (const text of files) {
    for (const line of text.split('\n')) {
      const l = line.trim();
      if (l.startsWith('#')) continue;
      const w = /(?:^|\s)-w\s+(\S+)/.exec(l) ?? /-F\s+(?:path|dir)=(\S+)/.exec(l);
      if (w?.[1] !== undefined) watched.add(w[1].replace(/\/$/, ''));
    }
  }
  const present: { path: string; check: string }[] = [];
  for (const f of AUDITED_DOCKER_FILES) if ((await ctx.root.stat(f.path)) !== null) present.push(f);
  if (present.length === 0) return;
  if (files.length === 0) {
    ctx.add({
      ruleId: 'host-auditd-missing',
      title: 'No auditd rules: changes to Docker files leave no record',
      severity: 'low',
      description: `No /etc/audit/audit.rules or /etc/audit/rules.d/*.rules; ${present.length} Docker/containerd/runc file(s) go unwatched.`,
      file: '/etc/audit',
      key: null,
      fix: 'Install auditd and add -w rules for the Docker files (CIS Docker 1.1.3–1.1.18).',
      standard: cisDocker('1.1'),
    });
    return;
  }
  for (const f of present) {
    // /var/run and /run are the same directory on every current distribution.
    if (watched.has(f.path) || watched.has(f.path.replace(/^\/run\//, '/var/run/')) || watched.has(f.path.replace(/^\/lib\//, '/usr/lib/'))) continue;
    ctx.add({
      ruleId: 'host-auditd-docker-file',
      title: `${f.path} is not watched by auditd`,
      severity: 'low',
      description: `Changes to ${f.path} are not audited.`,
      file: '/etc/audit/rules.d',
      key: '-w',
      value: `${f.path} missing`,
      subject: f.path,
      fix: `Add "-w ${f.path} -k docker" to /etc/audit/rules.d/docker.rules and reload (augenrules --load).`,
      standard: cisDocker(f.check),
    });
  }
}
