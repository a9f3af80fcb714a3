import { cisDocker, type HostAuditContext } from './context.js';
import { checkPermissions } from './permissions.js';
import { flagOn, flagValues, readServiceUnit, type ServiceUnit } from './systemd-unit.js';

/*
 * Docker daemon configuration, CIS Docker Benchmark 1.6.0 sections 2 (daemon configuration) and
 * 3 (daemon configuration files). The daemon's settings come from /etc/docker/daemon.json and the
 * dockerd command line of its systemd unit (drop-ins included); a key set in neither takes
 * dockerd's default.
 */

const DAEMON_JSON = '/etc/docker/daemon.json';
const REMOTE_LOG_DRIVERS = new Set(['syslog', 'journald', 'gelf', 'fluentd', 'awslogs', 'splunk', 'etwlogs', 'gcplogs', 'logentries']);

export interface DockerFacts {
  readonly present: boolean;
  readonly usernsRemap: boolean | null;
  readonly logDriver: string | null;
}

type Json = Record<string, unknown>;

export async function auditDocker(ctx: HostAuditContext, dockerInstalled: boolean): Promise<DockerFacts> {
  const unit = await readServiceUnit(ctx, 'docker.service');
  const json = await ctx.textOrState(DAEMON_JSON);
  // /etc/docker alone is no daemon: the registry and the CLI keep files there too.
  if (!dockerInstalled && unit === null && json === 'missing') return { present: false, usernsRemap: null, logDriver: null };
  if (json === 'unreadable') {
    // Judging the daemon's defaults while its real configuration is unread would report guesses.
    ctx.notJudged('docker', `${DAEMON_JSON} could not be read (see unknowns): the daemon configuration was not judged`);
    return { present: true, usernsRemap: null, logDriver: null };
  }
  const jsonText = json === 'missing' ? null : json;

  let config: Json = {};
  if (jsonText !== null) {
    try {
      const parsed: unknown = JSON.parse(jsonText);
      if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) throw new Error('not a JSON object');
      config = parsed as Json;
    } catch (error) {
      ctx.unknown(DAEMON_JSON, `not valid JSON (${(error as Error).message}); dockerd refuses to start with it, and no daemon setting could be judged`);
      ctx.notJudged('docker', `${DAEMON_JSON} is not valid JSON`);
      return { present: true, usernsRemap: null, logDriver: null };
    }
  }
  const cmd = unit?.execStart ?? '';
  const cmdFile = unit?.execStartFile ?? unit?.unitFile ?? 'docker.service';
  /** A setting from daemon.json or its dockerd flag: where it was found and its value. */
  const setting = (key: string, flag: string): { file: string; value: unknown } | null => {
    if (key in config) return { file: DAEMON_JSON, value: config[key] };
    const fromFlag = flagValues(cmd, flag);
    if (fromFlag.length > 0) return { file: cmdFile, value: fromFlag[fromFlag.length - 1] };
    const on = flagOn(cmd, flag);
    return on === null ? null : { file: cmdFile, value: on };
  };
  const truthy = (v: unknown): boolean => v === true || v === 'true';
  const falsy = (v: unknown): boolean => v === false || v === 'false';

  const icc = setting('icc', '--icc');
  if (icc === null || !falsy(icc.value)) {
    ctx.add({
      ruleId: 'host-docker-icc',
      title: 'Containers on the default bridge talk to each other freely',
      severity: 'medium',
      description: 'Inter-container communication on docker0 is allowed (icc defaults to true): a compromised container reaches every other one.',
      file: icc?.file ?? DAEMON_JSON,
      key: 'icc',
      value: String(icc?.value ?? 'unset (true)'),
      fix: 'Set "icc": false in daemon.json and link containers through user-defined networks.',
      standard: cisDocker('2.2'),
    });
  }
  const userns = setting('userns-remap', '--userns-remap');
  const usernsRemap = userns !== null && typeof userns.value === 'string' && userns.value !== '';
  if (!usernsRemap) {
    ctx.add({
      ruleId: 'host-docker-userns-remap',
      title: 'Docker user-namespace remapping is off',
      severity: 'medium',
      description: 'Root in a container is root on the host (UID 0 is not remapped): every breakout lands as host root.',
      file: userns?.file ?? DAEMON_JSON,
      key: 'userns-remap',
      value: String(userns?.value ?? 'unset'),
      fix: 'Set "userns-remap": "default" in daemon.json (check volume ownership first).',
      standard: cisDocker('2.9'),
    });
  }
  const live = setting('live-restore', '--live-restore');
  if (live === null || !truthy(live.value)) {
    ctx.add({
      ruleId: 'host-docker-live-restore',
      title: 'live-restore is off',
      severity: 'low',
      description: 'Containers stop whenever the daemon restarts, which discourages timely daemon upgrades.',
      file: live?.file ?? DAEMON_JSON,
      key: 'live-restore',
      value: String(live?.value ?? 'unset (false)'),
      fix: 'Set "live-restore": true in daemon.json.',
      standard: cisDocker('2.15'),
    });
  }
  const nnp = setting('no-new-privileges', '--no-new-privileges');
  if (nnp === null || !truthy(nnp.value)) {
    ctx.add({
      ruleId: 'host-docker-no-new-privileges',
      title: 'Containers may gain privileges through setuid binaries by default',
      severity: 'medium',
      description: 'no-new-privileges is not the daemon default: setuid and file-capability binaries in images raise privileges.',
      file: nnp?.file ?? DAEMON_JSON,
      key: 'no-new-privileges',
      value: String(nnp?.value ?? 'unset (false)'),
      fix: 'Set "no-new-privileges": true in daemon.json.',
      standard: cisDocker('2.14'),
    });
  }
  const seccomp = setting('seccomp-profile', '--seccomp-profile');
  if (seccomp !== null && seccomp.value === 'unconfined') {
    ctx.add({
      ruleId: 'host-docker-seccomp-disabled',
      title: 'The daemon runs containers without seccomp',
      severity: 'high',
      description: 'seccomp-profile "unconfined" turns off the default syscall filter for every container: unshare, keyctl, bpf and mount are reachable.',
      file: seccomp.file,
      key: 'seccomp-profile',
      value: 'unconfined',
      fix: 'Remove "seccomp-profile" (the default profile applies) or point it at a custom profile.',
      standard: cisDocker('2.17'),
    });
  }
  const insecure = setting('insecure-registries', '--insecure-registry');
  const insecureList = Array.isArray(insecure?.value) ? (insecure.value as unknown[]).map(String) : typeof insecure?.value === 'string' ? [insecure.value] : [];
  if (insecureList.length > 0) {
    ctx.add({
      ruleId: 'host-docker-insecure-registries',
      title: 'Images are pulled from registries without TLS verification',
      severity: 'medium',
      description: `Insecure registries: ${insecureList.slice(0, 10).join(', ')}. Anyone on the path can swap the images this host runs.`,
      file: insecure!.file,
      key: 'insecure-registries',
      value: insecureList.slice(0, 10).join(','),
      fix: 'Remove "insecure-registries" and give those registries certificates.',
      standard: cisDocker('2.5'),
    });
  }

  const logLevel = setting('log-level', '--log-level');
  if (logLevel !== null && typeof logLevel.value === 'string' && logLevel.value !== 'info' && ['debug', 'trace'].includes(logLevel.value)) {
    ctx.add({
      ruleId: 'host-docker-log-level',
      title: `The daemon logs at ${logLevel.value} level`,
      severity: 'low',
      description: 'Debug logs carry request bodies and environment values of containers.',
      file: logLevel.file,
      key: 'log-level',
      value: logLevel.value,
      fix: 'Set "log-level": "info" in daemon.json.',
      standard: cisDocker('2.3'),
    });
  }
  const iptables = setting('iptables', '--iptables');
  if (iptables !== null && falsy(iptables.value)) {
    ctx.add({
      ruleId: 'host-docker-iptables',
      title: 'Docker may not manage iptables',
      severity: 'medium',
      description: 'With iptables off, published ports and inter-container isolation depend on rules written by hand, which silently drift from what containers need.',
      file: iptables.file,
      key: 'iptables',
      value: String(iptables.value),
      fix: 'Remove "iptables": false from daemon.json.',
      standard: cisDocker('2.4'),
    });
  }
  const proxy = setting('userland-proxy', '--userland-proxy');
  if (proxy === null || !falsy(proxy.value)) {
    ctx.add({
      ruleId: 'host-docker-userland-proxy',
      title: 'The userland proxy is on',
      severity: 'low',
      description: 'docker-proxy listens on every published port as root: more attack surface than the kernel NAT rules alone.',
      file: proxy?.file ?? DAEMON_JSON,
      key: 'userland-proxy',
      value: String(proxy?.value ?? 'unset (true)'),
      fix: 'Set "userland-proxy": false in daemon.json.',
      standard: cisDocker('2.16'),
    });
  }
  const experimental = setting('experimental', '--experimental');
  if (experimental !== null && truthy(experimental.value)) {
    ctx.add({
      ruleId: 'host-docker-experimental',
      title: 'Experimental daemon features are on',
      severity: 'low',
      description: "Experimental features are not covered by Docker's stability or security guarantees.",
      file: experimental.file,
      key: 'experimental',
      value: String(experimental.value),
      fix: 'Remove "experimental": true from daemon.json.',
      standard: cisDocker('2.18'),
    });
  }

  // 2.7: a TCP listener must require client certificates.
  const hosts = [...(Array.isArray(config['hosts']) ? (config['hosts'] as unknown[]).map(String) : []), ...flagValues(cmd, '-H', '--host')];
  const tlsverify = truthy(config['tlsverify']) || flagOn(cmd, '--tlsverify') === true;
  for (const h of hosts.filter((x) => /^tcp:\/\//i.test(x))) {
    if (tlsverify) continue;
    const inJson = Array.isArray(config['hosts']) && (config['hosts'] as unknown[]).map(String).includes(h);
    ctx.add({
      ruleId: 'host-docker-tcp-without-tls',
      title: `The Docker API listens on ${h} without client-certificate verification`,
      severity: 'critical',
      description: 'Anyone who reaches this port controls the daemon: a privileged container with / mounted is root on the host.',
      file: inJson ? DAEMON_JSON : cmdFile,
      key: inJson ? 'hosts' : 'ExecStart -H',
      value: h,
      fix: 'Remove the tcp:// listener (use the Unix socket or SSH) or set tlsverify with tlscacert, tlscert and tlskey.',
      standard: cisDocker('2.7'),
    });
  }

  // Where container logs go (the log-management goal): none, unbounded local files, or a remote collector.
  const logDriverSetting = setting('log-driver', '--log-driver');
  const logDriver = typeof logDriverSetting?.value === 'string' ? logDriverSetting.value : 'json-file';
  const logOpts = (config['log-opts'] ?? {}) as Json;
  if (logDriver === 'none') {
    ctx.add({
      ruleId: 'host-docker-log-driver',
      title: 'Container logs are discarded (log-driver none)',
      severity: 'medium',
      description: 'Nothing containers print is kept: incidents cannot be investigated.',
      file: logDriverSetting?.file ?? DAEMON_JSON,
      key: 'log-driver',
      value: 'none',
      fix: 'Set "log-driver" to a remote driver (syslog, fluentd, journald shipped off the host).',
      standard: cisDocker('2.13'),
    });
  } else if (!REMOTE_LOG_DRIVERS.has(logDriver)) {
    const bounded = typeof logOpts['max-size'] === 'string' || logDriver === 'local';
    ctx.add({
      ruleId: 'host-docker-log-driver',
      title: `Container logs stay on this host (${logDriver}${bounded ? '' : ', no size limit'})`,
      severity: 'low',
      description: `Logs are written to local files under /var/lib/docker/containers${bounded ? '' : ' without rotation (log-opts max-size unset): a noisy container fills the disk'}; a compromised host can erase them.`,
      file: logDriverSetting?.file ?? DAEMON_JSON,
      key: 'log-driver',
      value: logDriver,
      fix: 'Ship logs off the host (a remote log driver, or a node agent reading /var/lib/docker/containers) and set log-opts max-size.',
      standard: cisDocker('2.13'),
    });
  }

  await auditDockerFiles(ctx, unit);
  return { present: true, usernsRemap, logDriver };
}

/** CIS 3.x: ownership and modes of the daemon's files and its socket. */
async function auditDockerFiles(ctx: HostAuditContext, unit: ServiceUnit | null): Promise<void> {
  if (unit?.unitFile != null)
    await checkPermissions(ctx, { path: unit.unitFile, maxMode: 0o644, what: 'The docker.service unit', ruleId: 'host-docker-service-file', severity: 'medium', standard: cisDocker('3.1') });
  for (const dir of ['/lib/systemd/system', '/usr/lib/systemd/system', '/etc/systemd/system']) {
    if (
      await checkPermissions(ctx, { path: `${dir}/docker.socket`, maxMode: 0o644, what: 'The docker.socket unit', ruleId: 'host-docker-socket-unit', severity: 'medium', standard: cisDocker('3.3') })
    )
      break;
  }
  await checkPermissions(ctx, { path: '/etc/docker', maxMode: 0o755, what: 'The /etc/docker directory', ruleId: 'host-docker-etc', severity: 'medium', standard: cisDocker('3.5') });
  await checkPermissions(ctx, { path: DAEMON_JSON, maxMode: 0o644, what: 'daemon.json', ruleId: 'host-docker-daemon-json', severity: 'medium', standard: cisDocker('3.17') });
  await checkPermissions(ctx, { path: '/etc/default/docker', maxMode: 0o644, what: '/etc/default/docker', ruleId: 'host-docker-etc-default', severity: 'medium', standard: cisDocker('3.19') });
  await checkPermissions(ctx, { path: '/etc/sysconfig/docker', maxMode: 0o644, what: '/etc/sysconfig/docker', ruleId: 'host-docker-sysconfig', severity: 'medium', standard: cisDocker('3.21') });
  await checkPermissions(ctx, { path: '/var/lib/docker', maxMode: 0o711, what: 'The Docker data directory', ruleId: 'host-docker-data-dir', severity: 'medium' });
  const dockerGid = await groupId(ctx, 'docker');
  await checkPermissions(ctx, {
    path: '/var/run/docker.sock',
    maxMode: 0o660,
    gids: dockerGid === null ? [0] : [0, dockerGid],
    what: 'The Docker socket',
    ruleId: 'host-docker-sock',
    severity: 'critical',
    standard: cisDocker('3.15'),
  });
}

/** A group's id from /etc/group, or null. */
export async function groupId(ctx: HostAuditContext, name: string): Promise<number | null> {
  const text = await ctx.text('/etc/group', 4 * 1024 * 1024);
  if (text === null) return null;
  for (const line of text.split('\n')) {
    const [n, , gid] = line.split(':');
    if (n === name && gid !== undefined && /^\d+$/.test(gid)) return Number(gid);
  }
  return null;
}
