import { REPORT_SCHEMA, type Report } from '@sekisho/model';
import { SekishoError } from '../errors.js';
import { sortFindings } from '../scan/scanners.js';
import { auditDockerAuditRules } from './audit-rules.js';
import { auditBootHardening } from './boot-hardening.js';
import { HOST_SCANNER, HostAuditContext } from './context.js';
import { auditDocker } from './docker.js';
import { HOST_FACTS_SCHEMA, type HostFactsDocument } from './facts.js';
import { auditHostNamespaceContainers } from './host-namespaces.js';
import { HostRoot } from './host-root.js';
import { checkKernel, checkOs, collectKernel, collectOs } from './kernel.js';
import { checkKernelSettings, collectKernelSettings } from './kernel-settings.js';
import { auditKubelet } from './kubelet.js';
import { checkRuntimes, collectRuntimes } from './runtimes.js';

/** /etc/hostname of the host; on this machine the kernel's name as a fallback (under another root it would be the auditor's own). */
async function collectHostname(ctx: HostAuditContext): Promise<string | null> {
  const fromFile = (await ctx.value('/etc/hostname'))?.split('\n')[0]?.trim();
  const name = fromFile !== undefined && fromFile !== '' ? fromFile : ctx.root.isLive ? await ctx.value('/proc/sys/kernel/hostname') : null;
  return name !== null && /^[A-Za-z0-9][A-Za-z0-9.-]{0,252}$/.test(name) ? name : null;
}

export interface HostAuditOptions {
  /** The host root: `/` for this machine, or where the host file system is mounted. */
  readonly root: string;
  readonly today: Date;
  readonly toolVersion: string;
}

export interface HostAudit {
  /** The report (findings, unknowns, what could not be judged) every reporter renders. */
  readonly report: Report;
  /** The facts, for `--facts-out` and `sekisho config --host-facts`. */
  readonly facts: HostFactsDocument;
}

/**
 * Audits a host from its files only: kernel and OS, kernel settings, container runtimes, the
 * Docker daemon, the kubelet, auditd rules and containers sharing host namespaces. Nothing under
 * the root is executed; links never lead out of it; every read is bounded.
 */
export async function auditHost(options: HostAuditOptions): Promise<HostAudit> {
  let root: HostRoot;
  try {
    root = await HostRoot.open(options.root);
  } catch (error) {
    throw new SekishoError('SOURCE_NOT_FOUND', `host root ${options.root} is not a readable directory`, { where: { path: options.root }, cause: error });
  }
  const ctx = new HostAuditContext(root, options.today);

  const hostname = await collectHostname(ctx);
  const kernel = await collectKernel(ctx);
  const os = await collectOs(ctx);
  const settings = await collectKernelSettings(ctx, kernel?.release ?? null);
  await auditBootHardening(ctx);
  const runtimes = await collectRuntimes(ctx);
  const docker = await auditDocker(
    ctx,
    runtimes.some((r) => r.component === 'docker-engine'),
  );
  const kubelet = await auditKubelet(ctx);
  if (docker.present) await auditDockerAuditRules(ctx);
  await auditHostNamespaceContainers(ctx);

  const facts: HostFactsDocument = {
    schema: HOST_FACTS_SCHEMA,
    tool: { name: 'sekisho', version: options.toolVersion },
    root: options.root,
    hostname,
    kernel,
    os: os?.facts ?? null,
    ...settings,
    runtimes,
    kubeletSeccompDefault: kubelet.present ? kubelet.seccompDefault : null,
    dockerUsernsRemap: docker.present ? docker.usernsRemap : null,
  };
  checkKernel(ctx, facts);
  checkOs(ctx, facts.os);
  checkKernelSettings(ctx, settings, docker.present || kubelet.present || runtimes.length > 0);
  checkRuntimes(ctx, runtimes);

  const report: Report = {
    schema: REPORT_SCHEMA,
    tool: { name: 'sekisho', version: options.toolVersion },
    target: { reference: `host:${options.root}`, sourceType: 'rootfs', manifestDigest: null, configDigest: null, platform: null, repoTags: [] },
    image: null,
    distro: os?.distro ?? null,
    packages: [],
    relationships: [],
    findings: sortFindings(ctx.findings),
    unknowns: [...ctx.unknowns].sort((a, b) => (a.location.path < b.location.path ? -1 : a.location.path > b.location.path ? 1 : 0)),
    notChecked: ctx.notChecked,
    scanners: [HOST_SCANNER],
  };
  return { report, facts };
}
