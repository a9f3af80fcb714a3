import { lookupEol } from '../inventory/eol.js';
import type { Distro, Severity } from '@sekisho/model';
import { detectDistro, parseOsRelease } from '../inventory/detect-distro.js';
import { KERNEL_CVES } from '../kernel-catalog/kernel-cves.js';
import { lowerSeverity, type HostAuditContext } from './context.js';
import type { HostFactsDocument, KernelFacts, OsFacts } from './facts.js';
import { compareVersions, inRanges, parseKernelRelease } from '../kernel-catalog/versions.js';

/** The running kernel's release: /proc first (it is the running one), then installed kernels. */
export async function collectKernel(ctx: HostAuditContext): Promise<KernelFacts | null> {
  const osrelease = await ctx.value('/proc/sys/kernel/osrelease');
  if (osrelease !== null && osrelease !== '') return kernelFacts(osrelease, '/proc/sys/kernel/osrelease');
  const version = await ctx.value('/proc/version');
  const m = version === null ? null : /^Linux version (\S+)/.exec(version);
  if (m?.[1] !== undefined) return kernelFacts(m[1], '/proc/version');
  // No /proc under the root (an offline disk): the newest installed kernel, which is the one that boots.
  const installed: { release: string; source: string }[] = [];
  const boot = await ctx.root.list('/boot');
  if (Array.isArray(boot)) for (const n of boot) if (n.startsWith('vmlinuz-')) installed.push({ release: n.slice('vmlinuz-'.length), source: `/boot/${n}` });
  for (const dir of ['/lib/modules', '/usr/lib/modules']) {
    const mods = await ctx.root.list(dir);
    if (Array.isArray(mods)) for (const n of mods) installed.push({ release: n, source: `${dir}/${n}` });
  }
  const parsed = installed.filter((k) => parseKernelRelease(k.release) !== null).sort((a, b) => compareVersions(parseKernelRelease(b.release)!.upstream, parseKernelRelease(a.release)!.upstream));
  const newest = parsed[0];
  return newest === undefined ? null : kernelFacts(newest.release, `${newest.source} (installed kernel; the running one is not visible without /proc)`);
}

function kernelFacts(release: string, source: string): KernelFacts | null {
  const p = parseKernelRelease(release);
  return p === null ? null : { release: release.slice(0, 128), upstream: p.upstream, distroBuild: p.distroBuild, source };
}

/** The host OS from os-release: support facts, and the report's Distro (so policy end-of-life rules apply to hosts too). */
export async function collectOs(ctx: HostAuditContext): Promise<{ readonly facts: OsFacts; readonly distro: Distro | null } | null> {
  for (const file of ['/etc/os-release', '/usr/lib/os-release']) {
    const text = await ctx.text(file, 64 * 1024);
    if (text === null) continue;
    const fields = parseOsRelease(text);
    const id = (fields['ID'] ?? '').toLowerCase();
    const versionId = fields['VERSION_ID'] ?? '';
    const s = lookupEol(id, versionId, ctx.today);
    const facts: OsFacts = {
      id,
      versionId,
      prettyName: fields['PRETTY_NAME'] ?? fields['NAME'] ?? id,
      supportStatus: s.status,
      supportPhase: s.phase,
      eolDate: s.date,
      phaseEnds: s.phaseEnds,
      source: file,
    };
    return { facts, distro: detectDistro({ files: new Map([[file, text]]), distroless: false, today: ctx.today }) };
  }
  return null;
}

/** Kernel CVEs of the catalog against the running kernel; user-namespace bugs weigh less when unprivileged user namespaces are off. */
export function checkKernel(ctx: HostAuditContext, facts: Pick<HostFactsDocument, 'kernel' | 'userNamespaces'>): void {
  const k = facts.kernel;
  if (k === null) {
    ctx.notJudged(
      'kernel',
      'the kernel version could not be read (no /proc/sys/kernel/osrelease, /proc/version, /boot or /lib/modules under the root)',
      'mount the host /proc (e.g. --root /host with /proc inside)',
    );
    return;
  }
  for (const cve of KERNEL_CVES) {
    if (!inRanges(k.upstream, cve.affected)) continue;
    const usernsOff = cve.needsUnprivilegedUserns && facts.userNamespaces.unprivileged === false;
    let severity: Severity = cve.severity;
    const notes: string[] = [];
    if (k.distroBuild) {
      severity = lowerSeverity(severity);
      notes.push(`possibly affected: ${k.release} is a distribution kernel, and distributions backport fixes without changing the upstream version — check the vendor's tracker for this exact build`);
    } else {
      notes.push(`affected: upstream ${k.upstream} lies in an affected range`);
    }
    if (usernsOff) {
      severity = lowerSeverity(severity);
      notes.push('unprivileged user namespaces are disabled here, which blocks the usual exploit path from containers');
    }
    const fixedIn = cve.affected.map((r) => r.fixed).join(', ');
    ctx.add({
      ruleId: `host-kernel-${cve.id}`,
      title: `Kernel ${k.release}: ${cve.id} ${cve.name}`,
      severity,
      description: `${cve.impact} ${notes.join('; ')}. Fixed upstream in ${fixedIn}.${cve.mitigations.length > 0 ? ` Mitigations: ${cve.mitigations.join('; ')}.` : ''}`,
      file: k.source.split(' ')[0]!,
      key: 'kernel.osrelease',
      value: k.release,
      subject: cve.id,
      fix: `Upgrade the kernel to a build that contains the fix (upstream ${fixedIn} or the distribution's patched package) and reboot.`,
      references: cve.references,
    });
  }
}

export function checkOs(ctx: HostAuditContext, os: OsFacts | null): void {
  if (os === null) {
    ctx.notJudged('os', 'no /etc/os-release or /usr/lib/os-release under the root: the OS support phase is unknown');
    return;
  }
  if (os.supportStatus === 'eol') {
    ctx.add({
      ruleId: 'host-os-end-of-life',
      title: `${os.prettyName} is past the end of its security support`,
      severity: 'high',
      description: `The host OS gets no security fixes (regular support ended ${os.eolDate ?? '?'}): kernel and runtime fixes no longer arrive.`,
      file: os.source,
      key: 'VERSION_ID',
      value: os.versionId,
      fix: 'Upgrade the host to a supported release.',
    });
  } else if (os.supportPhase === 'extended') {
    ctx.add({
      ruleId: 'host-os-extended-support',
      title: `${os.prettyName} is in extended support only (until ${os.phaseEnds ?? '?'})`,
      severity: 'low',
      description: `Regular security support ended ${os.eolDate ?? '?'}; fixes now come only from the extended programme.`,
      file: os.source,
      key: 'VERSION_ID',
      value: os.versionId,
      fix: 'Plan the upgrade to a release in regular support.',
    });
  } else if (os.supportStatus === 'unknown') {
    ctx.notJudged('os-support', `no support dates known for ${os.id} ${os.versionId}`);
  }
}
