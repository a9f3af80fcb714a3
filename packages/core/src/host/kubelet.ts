import { parse as parseYaml } from 'yaml';
import { cisKubernetes, type HostAuditContext } from './context.js';
import { checkPermissions } from './permissions.js';
import { flagOn, flagValues, readServiceUnit } from './systemd-unit.js';

/*
 * The kubelet, CIS Kubernetes Benchmark worker-node sections 4.1 (files) and 4.2 (kubelet). Its
 * settings come from the config file (`--config`, KubeletConfiguration) and the flags of its
 * systemd unit and drop-ins (kubeadm's 10-kubeadm.conf and kubeadm-flags.env); a flag overrides
 * the file. Unset keys take the KubeletConfiguration v1beta1 defaults (anonymous auth off,
 * Webhook authorization, read-only port 0, rotateCertificates/protectKernelDefaults/seccompDefault
 * false); without a config file the flag defaults apply (anonymous auth on, AlwaysAllow, 10255).
 */

const DEFAULT_CONFIG = '/var/lib/kubelet/config.yaml';
const DEFAULT_KUBECONFIG = '/etc/kubernetes/kubelet.conf';

export interface KubeletFacts {
  readonly present: boolean;
  readonly seccompDefault: boolean | null;
}

type Obj = Record<string, unknown>;
const obj = (v: unknown): Obj => (v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Obj) : {});

export async function auditKubelet(ctx: HostAuditContext): Promise<KubeletFacts> {
  const unit = await readServiceUnit(ctx, 'kubelet.service');
  const cmd = unit?.execStart ?? '';
  const cmdFile = unit?.execStartFile ?? unit?.unitFile ?? 'kubelet.service';
  const configPath = flagValues(cmd, '--config').at(-1) ?? DEFAULT_CONFIG;
  const configRead = configPath.startsWith('/') ? await ctx.textOrState(configPath) : 'missing';
  if (unit === null && configRead === 'missing') return { present: false, seccompDefault: null };
  if (configRead === 'unreadable') {
    ctx.notJudged('kubelet', `${configPath} could not be read (see unknowns): the kubelet configuration was not judged`);
    return { present: true, seccompDefault: null };
  }
  const configText = configRead === 'missing' ? null : configRead;

  let config: Obj = {};
  const haveConfig = configText !== null;
  if (configText !== null) {
    try {
      config = obj(parseYaml(configText, { maxAliasCount: 100, prettyErrors: false }));
    } catch (error) {
      ctx.unknown(configPath, `not valid YAML (${(error as Error).message.split('\n')[0]}); kubelet settings were not judged`);
      ctx.notJudged('kubelet', `${configPath} is not valid YAML`);
      return { present: true, seccompDefault: null };
    }
  }

  /** The effective value of a setting: the flag, else the config file, else the default for how the kubelet was configured. */
  const effective = (flag: string, configValue: unknown, fileDefault: unknown, flagDefault: unknown): { value: unknown; file: string; key: string } => {
    const f = flagValues(cmd, flag).at(-1) ?? (flagOn(cmd, flag) === null ? undefined : String(flagOn(cmd, flag)));
    if (f !== undefined) return { value: f, file: cmdFile, key: flag };
    if (configValue !== undefined) return { value: configValue, file: configPath, key: '' };
    return { value: haveConfig ? fileDefault : flagDefault, file: haveConfig ? configPath : cmdFile, key: '' };
  };
  const authn = obj(config['authentication']);
  const anon = effective('--anonymous-auth', obj(authn['anonymous'])['enabled'], false, true);
  if (String(anon.value) !== 'false') {
    ctx.add({ ruleId: 'host-kubelet-anonymous-auth', title: 'The kubelet accepts anonymous requests', severity: 'high', description: 'Requests without credentials reach the kubelet API (10250) as system:anonymous.', file: anon.file, key: anon.key || 'authentication.anonymous.enabled', value: String(anon.value), fix: 'Set authentication.anonymous.enabled: false (or --anonymous-auth=false).', standard: cisKubernetes('4.2.1') });
  }
  const mode = effective('--authorization-mode', obj(config['authorization'])['mode'], 'Webhook', 'AlwaysAllow');
  if (String(mode.value).split(',').includes('AlwaysAllow')) {
    ctx.add({ ruleId: 'host-kubelet-authorization-mode', title: 'The kubelet authorizes every request (AlwaysAllow)', severity: 'critical', description: 'Anyone authenticated (or anonymous) can exec into every pod on the node through the kubelet API.', file: mode.file, key: mode.key || 'authorization.mode', value: String(mode.value), fix: 'Set authorization.mode: Webhook (or --authorization-mode=Webhook).', standard: cisKubernetes('4.2.2') });
  }
  const ro = effective('--read-only-port', config['readOnlyPort'], 0, 10255);
  if (String(ro.value) !== '0') {
    ctx.add({ ruleId: 'host-kubelet-read-only-port', title: `The kubelet read-only port ${String(ro.value)} is open`, severity: 'medium', description: 'The unauthenticated read-only API lists pods, their specs and environment variables.', file: ro.file, key: ro.key || 'readOnlyPort', value: String(ro.value), fix: 'Set readOnlyPort: 0 (or --read-only-port=0).', standard: cisKubernetes('4.2.4') });
  }
  const pkd = effective('--protect-kernel-defaults', config['protectKernelDefaults'], false, false);
  if (String(pkd.value) !== 'true') {
    ctx.add({ ruleId: 'host-kubelet-protect-kernel-defaults', title: 'The kubelet may change kernel tunables', severity: 'low', description: 'protectKernelDefaults is off: the kubelet silently rewrites sysctls that differ from its expectations instead of failing.', file: pkd.file, key: pkd.key || 'protectKernelDefaults', value: String(pkd.value), fix: 'Set protectKernelDefaults: true after setting the sysctls it expects.', standard: cisKubernetes('4.2.6') });
  }
  const rot = effective('--rotate-certificates', config['rotateCertificates'], false, false);
  if (String(rot.value) !== 'true') {
    ctx.add({ ruleId: 'host-kubelet-rotate-certificates', title: 'Kubelet client certificates are not rotated', severity: 'medium', description: 'A stolen kubelet client certificate stays valid until it expires.', file: rot.file, key: rot.key || 'rotateCertificates', value: String(rot.value), fix: 'Set rotateCertificates: true.', standard: cisKubernetes('4.2.11') });
  }
  const sd = effective('--seccomp-default', config['seccompDefault'], false, false);
  const seccompDefault = String(sd.value) === 'true';
  if (!seccompDefault) {
    ctx.add({ ruleId: 'host-kubelet-seccomp-default', title: 'Pods without a seccomp profile run Unconfined', severity: 'medium', description: 'seccompDefault is off: every container that does not ask for RuntimeDefault gets no syscall filter (unshare, keyctl, bpf reachable).', file: sd.file, key: sd.key || 'seccompDefault', value: String(sd.value), fix: 'Set seccompDefault: true in the kubelet configuration.', references: ['https://kubernetes.io/docs/tutorials/security/seccomp/#enable-the-use-of-runtimedefault-as-the-default-seccomp-profile-for-all-workloads'] });
  }

  // 4.1: files that hold the kubelet's identity and configuration.
  if (unit?.unitFile != null) await checkPermissions(ctx, { path: unit.unitFile, maxMode: 0o644, what: 'The kubelet service file', ruleId: 'host-kubelet-service-file', severity: 'medium', standard: cisKubernetes('4.1.1') });
  if (haveConfig) await checkPermissions(ctx, { path: configPath, maxMode: 0o600, what: 'The kubelet configuration file', ruleId: 'host-kubelet-config-file', severity: 'medium', standard: cisKubernetes('4.1.9') });
  const kubeconfig = flagValues(cmd, '--kubeconfig').at(-1) ?? DEFAULT_KUBECONFIG;
  if (kubeconfig.startsWith('/')) await checkPermissions(ctx, { path: kubeconfig, maxMode: 0o600, what: 'The kubelet kubeconfig', ruleId: 'host-kubelet-kubeconfig', severity: 'high', standard: cisKubernetes('4.1.5') });
  const ca = flagValues(cmd, '--client-ca-file').at(-1) ?? (obj(obj(authn['x509']))['clientCAFile'] as string | undefined);
  if (typeof ca === 'string' && ca.startsWith('/')) await checkPermissions(ctx, { path: ca, maxMode: 0o644, what: 'The kubelet client CA file', ruleId: 'host-kubelet-client-ca', severity: 'medium', standard: cisKubernetes('4.1.7') });
  for (const dir of ['/var/lib/kubelet/pki', '/etc/kubernetes/pki']) {
    const names = await ctx.root.list(dir);
    if (!Array.isArray(names)) continue;
    for (const n of names.filter((x) => x.endsWith('.key') || (x.endsWith('.pem') && x.includes('key')) || x === 'kubelet-client-current.pem'))
      await checkPermissions(ctx, { path: `${dir}/${n}`, maxMode: 0o600, what: 'A kubelet private key', ruleId: 'host-kubelet-pki-key', severity: 'high', standard: cisKubernetes('1.1.21') });
  }
  return { present: true, seccompDefault };
}
