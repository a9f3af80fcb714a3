import { isRecord, type KubeObject } from './load.js';

/**
 * Typed views of the pod-spec fields the checks read. Values of the wrong JSON type are dropped
 * (the API server would reject them), so `undefined` always means "not set".
 */

export interface ProfileRef {
  readonly type: string;
  readonly localhostProfile?: string;
}

export interface SeLinuxOptions {
  readonly type?: string;
  readonly user?: string;
  readonly role?: string;
  readonly level?: string;
}

/** Fields shared by pod- and container-level security contexts. */
export interface CommonSecurityContext {
  readonly runAsUser?: number;
  readonly runAsGroup?: number;
  readonly runAsNonRoot?: boolean;
  readonly seLinuxOptions?: SeLinuxOptions;
  readonly seccompProfile?: ProfileRef;
  readonly appArmorProfile?: ProfileRef;
  readonly windowsHostProcess?: boolean;
}

export interface ContainerSecurityContext extends CommonSecurityContext {
  readonly privileged?: boolean;
  readonly allowPrivilegeEscalation?: boolean;
  readonly readOnlyRootFilesystem?: boolean;
  readonly procMount?: string;
  /** Undefined when `capabilities` is absent; raw strings as written. */
  readonly capabilities?: { readonly add: readonly string[]; readonly drop: readonly string[] };
}

export interface PodSecurityContext extends CommonSecurityContext {
  readonly sysctls: readonly { readonly name: string; readonly value: string }[];
  readonly fsGroup?: number;
}

export interface HandlerHosts {
  /** Field paths (relative to the container) of `httpGet.host` / `tcpSocket.host` values that are set. */
  readonly hosts: readonly { readonly path: string; readonly host: string }[];
}

export type ContainerKind = 'initContainers' | 'containers' | 'ephemeralContainers';

export interface ContainerView {
  readonly kind: ContainerKind;
  readonly index: number;
  /** Full field path, e.g. `spec.template.spec.containers[0]`. */
  readonly path: string;
  readonly name: string;
  readonly image: string | null;
  readonly imagePullPolicy: string | null;
  readonly workingDir: string | null;
  readonly securityContext?: ContainerSecurityContext;
  readonly ports: readonly { readonly index: number; readonly containerPort: number | null; readonly hostPort: number | null }[];
  readonly requests: Readonly<Record<string, string>>;
  readonly limits: Readonly<Record<string, string>>;
  readonly hasResources: boolean;
  readonly livenessProbe: boolean;
  readonly readinessProbe: boolean;
  readonly startupProbe: boolean;
  /** Hosts set in probes and lifecycle handlers (PSS `hostProbesAndHostLifecycle`). */
  readonly handlerHosts: HandlerHosts['hosts'];
  readonly volumeMounts: readonly { readonly name: string; readonly mountPath: string; readonly readOnly: boolean }[];
  /** `restartPolicy: Always` on an init container makes it a sidecar. */
  readonly restartPolicy: string | null;
}

/** Volume source keys of core/v1 Volume. */
export const VOLUME_SOURCES = [
  'hostPath',
  'emptyDir',
  'gcePersistentDisk',
  'awsElasticBlockStore',
  'gitRepo',
  'secret',
  'nfs',
  'iscsi',
  'glusterfs',
  'persistentVolumeClaim',
  'rbd',
  'flexVolume',
  'cinder',
  'cephfs',
  'flocker',
  'downwardAPI',
  'fc',
  'azureFile',
  'configMap',
  'vsphereVolume',
  'quobyte',
  'azureDisk',
  'photonPersistentDisk',
  'projected',
  'portworxVolume',
  'scaleIO',
  'storageos',
  'csi',
  'ephemeral',
  'image',
] as const;
export type VolumeSource = (typeof VOLUME_SOURCES)[number];

export interface VolumeView {
  readonly index: number;
  readonly name: string;
  readonly path: string;
  /** Sources present (normally one); empty when none is set. */
  readonly sources: readonly VolumeSource[];
  /** Keys present that are not known volume sources (nor `name`). */
  readonly unknownKeys: readonly string[];
  readonly hostPath: { readonly path: string; readonly type: string | null } | null;
}

export interface PodSpecView {
  /** Field path of the pod spec, e.g. `spec.template.spec`. */
  readonly path: string;
  /** Field path of the metadata that carries the pod's annotations and labels. */
  readonly metadataPath: string;
  readonly annotations: Readonly<Record<string, string>>;
  readonly labels: Readonly<Record<string, string>>;
  readonly hostNetwork?: boolean;
  readonly hostPID?: boolean;
  readonly hostIPC?: boolean;
  readonly hostUsers?: boolean;
  readonly securityContext?: PodSecurityContext;
  readonly containers: readonly ContainerView[];
  readonly volumes: readonly VolumeView[];
  readonly serviceAccountName: string | null;
  readonly automountServiceAccountToken?: boolean;
  readonly runtimeClassName: string | null;
  readonly osName: string | null;
}

function str(v: unknown): string | undefined {
  return typeof v === 'string' ? v : undefined;
}
function bool(v: unknown): boolean | undefined {
  return typeof v === 'boolean' ? v : undefined;
}
function int(v: unknown): number | undefined {
  return typeof v === 'number' && Number.isInteger(v) ? v : undefined;
}
function strList(v: unknown): string[] {
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
}
function rec(v: unknown): Record<string, unknown> | undefined {
  return isRecord(v) ? v : undefined;
}
function strMap(v: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (!isRecord(v)) return out;
  for (const [k, x] of Object.entries(v)) {
    if (typeof x === 'string') out[k] = x;
    else if (typeof x === 'number' || typeof x === 'boolean') out[k] = String(x);
  }
  return out;
}

function defined<T extends object>(o: T): T {
  for (const k of Object.keys(o) as (keyof T)[]) if (o[k] === undefined) delete o[k];
  return o;
}

function profileRef(v: unknown): ProfileRef | undefined {
  const r = rec(v);
  if (r === undefined) return undefined;
  const type = str(r['type']) ?? '';
  const localhostProfile = str(r['localhostProfile']);
  return localhostProfile === undefined ? { type } : { type, localhostProfile };
}

function seLinux(v: unknown): SeLinuxOptions | undefined {
  const r = rec(v);
  if (r === undefined) return undefined;
  return defined({ type: str(r['type']), user: str(r['user']), role: str(r['role']), level: str(r['level']) });
}

function common(r: Record<string, unknown>): CommonSecurityContext {
  const win = rec(r['windowsOptions']);
  return {
    runAsUser: int(r['runAsUser']),
    runAsGroup: int(r['runAsGroup']),
    runAsNonRoot: bool(r['runAsNonRoot']),
    seLinuxOptions: seLinux(r['seLinuxOptions']),
    seccompProfile: profileRef(r['seccompProfile']),
    appArmorProfile: profileRef(r['appArmorProfile']),
    windowsHostProcess: win === undefined ? undefined : bool(win['hostProcess']),
  };
}

function containerSecurityContext(v: unknown): ContainerSecurityContext | undefined {
  const r = rec(v);
  if (r === undefined) return undefined;
  const caps = rec(r['capabilities']);
  return defined({
    ...common(r),
    privileged: bool(r['privileged']),
    allowPrivilegeEscalation: bool(r['allowPrivilegeEscalation']),
    readOnlyRootFilesystem: bool(r['readOnlyRootFilesystem']),
    procMount: str(r['procMount']),
    capabilities: caps === undefined ? undefined : { add: strList(caps['add']), drop: strList(caps['drop']) },
  });
}

function podSecurityContext(v: unknown): PodSecurityContext | undefined {
  const r = rec(v);
  if (r === undefined) return undefined;
  const sysctls = Array.isArray(r['sysctls']) ? (r['sysctls'] as unknown[]).filter(isRecord).map((s) => ({ name: str(s['name']) ?? '', value: str(s['value']) ?? String(s['value'] ?? '') })) : [];
  return defined({ ...common(r), sysctls, fsGroup: int(r['fsGroup']) });
}

function handlerHosts(c: Record<string, unknown>): { path: string; host: string }[] {
  const out: { path: string; host: string }[] = [];
  const probe = (h: unknown, at: string): void => {
    const r = rec(h);
    if (r === undefined) return;
    for (const key of ['httpGet', 'tcpSocket'] as const) {
      const host = str(rec(r[key])?.['host']);
      if (host !== undefined && host !== '') out.push({ path: `${at}.${key}.host`, host });
    }
  };
  for (const p of ['livenessProbe', 'readinessProbe', 'startupProbe']) probe(c[p], p);
  const lifecycle = rec(c['lifecycle']);
  if (lifecycle !== undefined) for (const h of ['postStart', 'preStop']) probe(lifecycle[h], `lifecycle.${h}`);
  return out;
}

function container(v: Record<string, unknown>, kind: ContainerKind, index: number, specPath: string): ContainerView {
  const resources = rec(v['resources']);
  const ports = Array.isArray(v['ports'])
    ? (v['ports'] as unknown[]).map((p, i) => {
        const r = rec(p) ?? {};
        return { index: i, containerPort: int(r['containerPort']) ?? null, hostPort: int(r['hostPort']) ?? null };
      })
    : [];
  const mounts = Array.isArray(v['volumeMounts'])
    ? (v['volumeMounts'] as unknown[]).filter(isRecord).map((m) => ({
        name: str(m['name']) ?? '',
        mountPath: str(m['mountPath']) ?? '',
        readOnly: m['readOnly'] === true,
      }))
    : [];
  const sc = containerSecurityContext(v['securityContext']);
  const base = {
    kind,
    index,
    path: `${specPath}.${kind}[${index}]`,
    name: str(v['name']) ?? '',
    image: str(v['image']) ?? null,
    imagePullPolicy: str(v['imagePullPolicy']) ?? null,
    workingDir: str(v['workingDir']) ?? null,
    ports,
    requests: strMap(resources?.['requests']),
    limits: strMap(resources?.['limits']),
    hasResources: resources !== undefined,
    livenessProbe: isRecord(v['livenessProbe']),
    readinessProbe: isRecord(v['readinessProbe']),
    startupProbe: isRecord(v['startupProbe']),
    handlerHosts: handlerHosts(v),
    volumeMounts: mounts,
    restartPolicy: str(v['restartPolicy']) ?? null,
  };
  return sc === undefined ? base : { ...base, securityContext: sc };
}

function volume(v: Record<string, unknown>, index: number, specPath: string): VolumeView {
  const sources: VolumeSource[] = [];
  const unknownKeys: string[] = [];
  for (const [k, x] of Object.entries(v)) {
    if (k === 'name') continue;
    if ((VOLUME_SOURCES as readonly string[]).includes(k)) {
      if (x !== null && x !== undefined) sources.push(k as VolumeSource);
    } else unknownKeys.push(k);
  }
  const hp = rec(v['hostPath']);
  return {
    index,
    name: str(v['name']) ?? '',
    path: `${specPath}.volumes[${index}]`,
    sources,
    unknownKeys,
    hostPath: hp === undefined ? null : { path: str(hp['path']) ?? '', type: str(hp['type']) ?? null },
  };
}

/** Builds the view of a raw pod spec found at `path` (with its pod metadata at `metadataPath`). */
export function podSpecView(spec: Record<string, unknown>, meta: Record<string, unknown> | undefined, path: string, metadataPath: string): PodSpecView {
  const containers: ContainerView[] = [];
  for (const kind of ['initContainers', 'containers', 'ephemeralContainers'] as const) {
    const list = spec[kind];
    if (!Array.isArray(list)) continue;
    list.forEach((c, i) => {
      if (isRecord(c)) containers.push(container(c, kind, i, path));
    });
  }
  const volumes = Array.isArray(spec['volumes']) ? (spec['volumes'] as unknown[]).flatMap((v, i) => (isRecord(v) ? [volume(v, i, path)] : [])) : [];
  const sc = podSecurityContext(spec['securityContext']);
  const os = rec(spec['os']);
  const view = defined({
    path,
    metadataPath,
    annotations: strMap(meta?.['annotations']),
    labels: strMap(meta?.['labels']),
    hostNetwork: bool(spec['hostNetwork']),
    hostPID: bool(spec['hostPID']),
    hostIPC: bool(spec['hostIPC']),
    hostUsers: bool(spec['hostUsers']),
    securityContext: sc,
    containers,
    volumes,
    serviceAccountName: str(spec['serviceAccountName']) ?? str(spec['serviceAccount']) ?? null,
    automountServiceAccountToken: bool(spec['automountServiceAccountToken']),
    runtimeClassName: str(spec['runtimeClassName']) ?? null,
    osName: str(os?.['name']) ?? null,
  });
  return view;
}

/** Workload kinds and where their pod template sits. */
const POD_PATHS: Readonly<Record<string, readonly string[]>> = {
  Pod: [],
  PodTemplate: ['template'],
  Deployment: ['spec', 'template'],
  StatefulSet: ['spec', 'template'],
  DaemonSet: ['spec', 'template'],
  ReplicaSet: ['spec', 'template'],
  ReplicationController: ['spec', 'template'],
  Job: ['spec', 'template'],
  CronJob: ['spec', 'jobTemplate', 'spec', 'template'],
};

export const WORKLOAD_KINDS = Object.keys(POD_PATHS);

export interface Workload {
  readonly object: KubeObject;
  readonly pod: PodSpecView;
  /** Namespace of the object, or null when the manifest leaves it to the apply-time default. */
  readonly namespace: string | null;
}

/** Extracts the pod spec of a workload object, or null when it is not a workload or has no pod spec. */
export function workloadOf(object: KubeObject): Workload | null {
  const steps = POD_PATHS[object.kind];
  if (steps === undefined) return null;
  let cur: unknown = object.raw;
  for (const s of steps) cur = isRecord(cur) ? cur[s] : undefined;
  if (!isRecord(cur)) return null;
  const prefix = object.pathPrefix + steps.join('.');
  const dot = prefix === '' || prefix.endsWith('.') ? prefix : `${prefix}.`;
  const spec = cur['spec'];
  if (!isRecord(spec)) return null;
  const meta = isRecord(cur['metadata']) ? cur['metadata'] : undefined;
  return {
    object,
    pod: podSpecView(spec, meta, `${dot}spec`, `${dot}metadata`),
    namespace: object.namespace,
  };
}
