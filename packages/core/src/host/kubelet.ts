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

  /** The config file, then the drop-ins of `--config-dir` in name order: a later file overrides an earlier one. */
  const configs: { readonly file: string; readonly doc: Obj }[] = [];
  const parse = (file: string, text: string): boolean => {
    try {
      configs.push({ file, doc: obj(parseYaml(text, { maxAliasCount: 100, prettyErrors: false })) });
      return true;
    } catch (error) {
      ctx.unknown(file, `not valid YAML (${(error as Error).message.split('\n')[0]}); kubelet settings were not judged`);
      ctx.notJudged('kubelet', `${file} is not valid YAML`);
      return false;
    }
  };
  if (configText !== null && !parse(configPath, configText)) return { present: true, seccompDefault: null };
  const configDir = flagValues(cmd, '--config-dir').at(-1);
  if (configDir?.startsWith('/') === true) {
    const names = await ctx.root.list(configDir);
    for (const n of Array.isArray(names) ? names.filter((x) => x.endsWith('.conf')).slice(0, 100) : []) {
      const text = await ctx.textOrState(`${configDir}/${n}`);
      if (text === 'unreadable') {
        ctx.notJudged('kubelet', `${configDir}/${n} could not be read (see unknowns)`);
        return { present: true, seccompDefault: null };
      }
      if (text !== 'missing' && !parse(`${configDir}/${n}`, text)) return { present: true, seccompDefault: null };
    }
  }
  const haveConfig = configs.length > 0;
  /** A key of the merged configuration and the file that set it last. */
  const lookup = (keys: readonly string[]): { value: unknown; file: string } | undefined => {
    for (const c of [...configs].reverse()) {
      let v: unknown = c.doc;
      for (const k of keys) v = obj(v)[k];
      if (v !== undefined) return { value: v, file: c.file };
    }
    return undefined;
  };

  /** The effective value of a setting: the flag, else the configuration files, else the default for how the kubelet was configured. */
  const effective = (flag: string, keys: readonly string[], fileDefault: unknown, flagDefault: unknown): { value: unknown; file: string; key: string } => {
    const f = flagValues(cmd, flag).at(-1) ?? (flagOn(cmd, flag) === null ? undefined : String(flagOn(cmd, flag)));
    if (f !== undefined) return { value: f, file: cmdFile, key: flag };
    const set = lookup(keys);
    if (set !== undefined) return { value: set.value, file: set.file, key: keys.join('.') };
    return { value: haveConfig ? fileDefault : flagDefault, file: haveConfig ? configPath : cmdFile, key: keys.join('.') };
  };
  const anon = effective('--anonymous-auth', ['authentication', 'anonymous', 'enabled'], false, true);
  if (String(anon.value) !== 'false') {
    ctx.add({
      ruleId: 'host-kubelet-anonymous-auth',
      title: 'The kubelet accepts anonymous requests',
      severity: 'high',
      description: 'Requests without credentials reach the kubelet API (10250) as system:anonymous.',
      file: anon.file,
      key: anon.key,
      value: String(anon.value),
      fix: 'Set authentication.anonymous.enabled: false (or --anonymous-auth=false).',
      standard: cisKubernetes('4.2.1'),
    });
  }
  const mode = effective('--authorization-mode', ['authorization', 'mode'], 'Webhook', 'AlwaysAllow');
  if (String(mode.value).split(',').includes('AlwaysAllow')) {
    ctx.add({
      ruleId: 'host-kubelet-authorization-mode',
      title: 'The kubelet authorizes every request (AlwaysAllow)',
      severity: 'critical',
      description: 'Anyone authenticated (or anonymous) can exec into every pod on the node through the kubelet API.',
      file: mode.file,
      key: mode.key,
      value: String(mode.value),
      fix: 'Set authorization.mode: Webhook (or --authorization-mode=Webhook).',
      standard: cisKubernetes('4.2.2'),
    });
  }
  const ro = effective('--read-only-port', ['readOnlyPort'], 0, 10255);
  if (String(ro.value) !== '0') {
    ctx.add({
      ruleId: 'host-kubelet-read-only-port',
      title: `The kubelet read-only port ${String(ro.value)} is open`,
      severity: 'medium',
      description: 'The unauthenticated read-only API lists pods, their specs and environment variables.',
      file: ro.file,
      key: ro.key,
      value: String(ro.value),
      fix: 'Set readOnlyPort: 0 (or --read-only-port=0).',
      standard: cisKubernetes('4.2.4'),
    });
  }
  const pkd = effective('--protect-kernel-defaults', ['protectKernelDefaults'], false, false);
  if (String(pkd.value) !== 'true') {
    ctx.add({
      ruleId: 'host-kubelet-protect-kernel-defaults',
      title: 'The kubelet may change kernel tunables',
      severity: 'low',
      description: 'protectKernelDefaults is off: the kubelet silently rewrites sysctls that differ from its expectations instead of failing.',
      file: pkd.file,
      key: pkd.key,
      value: String(pkd.value),
      fix: 'Set protectKernelDefaults: true after setting the sysctls it expects.',
      standard: cisKubernetes('4.2.6'),
    });
  }
  const rot = effective('--rotate-certificates', ['rotateCertificates'], false, false);
  if (String(rot.value) !== 'true') {
    ctx.add({
      ruleId: 'host-kubelet-rotate-certificates',
      title: 'Kubelet client certificates are not rotated',
      severity: 'medium',
      description: 'A stolen kubelet client certificate stays valid until it expires.',
      file: rot.file,
      key: rot.key,
      value: String(rot.value),
      fix: 'Set rotateCertificates: true.',
      standard: cisKubernetes('4.2.11'),
    });
  }
  const sd = effective('--seccomp-default', ['seccompDefault'], false, false);
  const seccompDefault = String(sd.value) === 'true';
  if (!seccompDefault) {
    ctx.add({
      ruleId: 'host-kubelet-seccomp-default',
      title: 'Pods without a seccomp profile run Unconfined',
      severity: 'medium',
      description: 'seccompDefault is off: every container that does not ask for RuntimeDefault gets no syscall filter (unshare, keyctl, bpf reachable).',
      file: sd.file,
      key: sd.key,
      value: String(sd.value),
      fix: 'Set seccompDefault: true in the kubelet configuration.',
      references: ['https://kubernetes.io/docs/tutorials/security/seccomp/#enable-the-use-of-runtimedefault-as-the-default-seccomp-profile-for-all-workloads'],
    });
  }

  const idle = effective('--streaming-connection-idle-timeout', ['streamingConnectionIdleTimeout'], '4h0m0s', '4h0m0s');
  if (/^0+(s|m|h|ms)?$/.test(String(idle.value))) {
    ctx.add({
      ruleId: 'host-kubelet-streaming-idle-timeout',
      title: 'Kubelet streaming connections never time out',
      severity: 'medium',
      description: 'exec, attach and port-forward sessions stay open forever: abandoned sessions keep a way into containers.',
      file: idle.file,
      key: idle.key,
      value: String(idle.value),
      fix: 'Set streamingConnectionIdleTimeout to 5m or more (not 0).',
      standard: cisKubernetes('4.2.5'),
    });
  }
  const chains = effective('--make-iptables-util-chains', ['makeIPTablesUtilChains'], true, true);
  if (String(chains.value) === 'false') {
    ctx.add({
      ruleId: 'host-kubelet-iptables-util-chains',
      title: 'The kubelet does not manage its iptables chains',
      severity: 'low',
      description: 'Pod networking rules depend on chains maintained by hand.',
      file: chains.file,
      key: chains.key,
      value: String(chains.value),
      fix: 'Set makeIPTablesUtilChains: true.',
      standard: cisKubernetes('4.2.7'),
    });
  }
  const serving = lookup(['featureGates', 'RotateKubeletServerCertificate']);
  if (serving !== undefined && String(serving.value) === 'false') {
    ctx.add({
      ruleId: 'host-kubelet-server-certificate-rotation',
      title: 'Kubelet serving certificates are not rotated',
      severity: 'medium',
      description: 'The RotateKubeletServerCertificate feature gate is off: the kubelet keeps one serving certificate until it expires.',
      file: serving.file,
      key: 'featureGates.RotateKubeletServerCertificate',
      value: 'false',
      fix: 'Remove the RotateKubeletServerCertificate: false feature gate and set serverTLSBootstrap: true.',
      standard: cisKubernetes('4.2.12'),
    });
  }

  // 4.1: files that hold the kubelet's identity and configuration.
  if (unit?.unitFile != null)
    await checkPermissions(ctx, { path: unit.unitFile, maxMode: 0o644, what: 'The kubelet service file', ruleId: 'host-kubelet-service-file', severity: 'medium', standard: cisKubernetes('4.1.1') });
  if (haveConfig)
    await checkPermissions(ctx, { path: configPath, maxMode: 0o600, what: 'The kubelet configuration file', ruleId: 'host-kubelet-config-file', severity: 'medium', standard: cisKubernetes('4.1.9') });
  const kubeconfig = flagValues(cmd, '--kubeconfig').at(-1) ?? DEFAULT_KUBECONFIG;
  if (kubeconfig.startsWith('/'))
    await checkPermissions(ctx, { path: kubeconfig, maxMode: 0o600, what: 'The kubelet kubeconfig', ruleId: 'host-kubelet-kubeconfig', severity: 'high', standard: cisKubernetes('4.1.5') });
  const ca = flagValues(cmd, '--client-ca-file').at(-1) ?? lookup(['authentication', 'x509', 'clientCAFile'])?.value;
  if (typeof ca === 'string' && ca.startsWith('/'))
    await checkPermissions(ctx, { path: ca, maxMode: 0o644, what: 'The kubelet client CA file', ruleId: 'host-kubelet-client-ca', severity: 'medium', standard: cisKubernetes('4.1.7') });
  for (const dir of ['/var/lib/kubelet/pki', '/etc/kubernetes/pki']) {
    const names = await ctx.root.list(dir);
    if (!Array.isArray(names)) continue;
    for (const n of names.filter((x) => x.endsWith('.key') || (x.endsWith('.pem') && x.includes('key')) || x === 'kubelet-client-current.pem'))
      await checkPermissions(ctx, { path: `${dir}/${n}`, maxMode: 0o600, what: 'A kubelet private key', ruleId: 'host-kubelet-pki-key', severity: 'high', standard: cisKubernetes('1.1.21') });
  }
  return { present: true, seccompDefault };
}
