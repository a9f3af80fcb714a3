/**
 * Fields of the `k8s_audit` source over an audit.k8s.io/v1 Event object, as the k8saudit plugin
 * (falcosecurity/plugins: plugins/k8saudit/pkg/k8saudit/fields.go) and the json plugin
 * (plugins/json) extract them, plus the generic `evt.*` fields Falco gives every plugin event.
 *
 * | field | type | argument | value |
 * |---|---|---|---|
 * | ka.auditid | string | | /auditID |
 * | ka.stage | string | | /stage |
 * | ka.auth.decision / ka.auth.reason | string | | annotations authorization.k8s.io/decision, /reason |
 * | ka.validations.admission | string | | annotation validation.policy.admission.k8s.io/validation_failure |
 * | ka.user.name / ka.user.groups | string / list | | /user/username, /user/groups |
 * | ka.impuser.name | string | | /impersonatedUser/username |
 * | ka.verb / ka.uri / ka.useragent | string | | /verb, /requestURI, /userAgent |
 * | ka.uri.param | string | key (required) | a query parameter of /requestURI |
 * | ka.target.name / .namespace / .resource / .subresource | string | | /objectRef/* |
 * | ka.req.binding.subjects | list | | /requestObject/subjects (each as JSON) |
 * | ka.req.binding.subject.has_name | string | name (required) | "true" when a subject has that name |
 * | ka.req.binding.role | string | | /requestObject/roleRef/name |
 * | ka.req.configmap.name / .obj | string | | /objectRef/name, /requestObject/data (JSON) |
 * | ka.req.pod.{containers,initContainers,ephemeralContainers}.image | list | index | container images |
 * | ….image.repository | list | index | images without tag or digest |
 * | ….privileged | list | index | securityContext.privileged ("false" when unset) |
 * | ka.req.pod.containers.{allow_privilege_escalation,read_only_fs,run_as_user,run_as_group,proc_mount,add_capabilities,host_port} | list | index | per container |
 * | ka.req.container.image / .image.repository / .privileged / .host_network | string | | deprecated single-container forms |
 * | ka.req.pod.host_ipc / host_network / host_pid / run_as_user / run_as_group / fs_group | string | | /requestObject/spec/* |
 * | ka.req.pod.supplemental_groups | list | | /requestObject/spec/securityContext/supplementalGroups |
 * | ka.req.pod.volumes.hostpath / .flexvolume_driver / .volume_type | list | | per volume |
 * | ka.req.volume.hostpath | string | glob (required) | "true" when a hostPath volume matches |
 * | ka.req.role.rules | list | | /requestObject/rules (each as JSON) |
 * | ka.req.role.rules.{apiGroups,nonResourceURLs,verbs,resources} | list | index (rule) | flattened |
 * | ka.req.service.type / ka.req.service.ports | string / list | | /requestObject/spec/type, /ports (JSON) |
 * | ka.resp.name | string | | /responseObject/metadata/name |
 * | ka.response.code / ka.response.reason | string | | /responseStatus/code, /reason |
 * | ka.sourceips | list | index | /sourceIPs |
 * | jevt.value / json.value | string | JSON pointer (required) | RFC 6901 pointer into the event |
 * | jevt.obj / json.obj | string | | the whole event as JSON |
 * | jevt.time / jevt.time.iso8601 / jevt.rawtime | string / string / uint64 | | event time |
 * | evt.time / evt.time.iso8601 / evt.rawtime / evt.source / evt.num | | | generic |
 *
 * A field missing from the event has no value: every comparison on it is false (only `not`
 * makes it true), as in libsinsp.
 */

export type FieldType = 'string' | 'uint64';
export type ArgKind = 'none' | 'index' | 'key' | 'required-key';

/** The event as rules see it: the audit Event object and the engine's bookkeeping. */
export interface AuditEventContext {
  readonly event: Readonly<Record<string, unknown>>;
  /** Nanoseconds since the epoch (the event's stageTimestamp, else requestReceivedTimestamp). */
  readonly timeNs: bigint;
  readonly num: number;
}

export type Extracted = readonly string[] | readonly bigint[];

export interface FieldDefinition {
  readonly name: string;
  readonly type: FieldType;
  readonly list: boolean;
  readonly arg: ArgKind;
  readonly description: string;
  /** Values, or undefined when the event has none. */
  readonly extract: (ctx: AuditEventContext, arg: string | undefined) => Extracted | undefined;
  /** Prepares the argument once (a JSON pointer, a glob) and returns the extractor. */
  readonly bind?: (arg: string | undefined) => (ctx: AuditEventContext) => Extracted | undefined;
}

type Json = unknown;

function get(obj: Json, ...path: string[]): Json {
  return getIn(obj, path);
}

function getIn(obj: Json, path: readonly string[]): Json {
  let cur: Json = obj;
  for (const key of path) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = Array.isArray(cur) ? (cur as Json[])[Number(key)] : (cur as Record<string, Json>)[key];
  }
  return cur;
}

function asString(v: Json): string | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean' || typeof v === 'bigint') return String(v);
  return JSON.stringify(v);
}

function one(v: Json): readonly string[] | undefined {
  const s = asString(v);
  return s === undefined ? undefined : [s];
}

function arrayOf(v: Json): readonly Json[] {
  return Array.isArray(v) ? v : [];
}

function nonEmpty(values: readonly string[]): readonly string[] | undefined {
  return values.length === 0 ? undefined : values;
}

/** A list with an optional index argument (`ka.req.pod.containers.image[0]`). */
function indexed(values: readonly string[] | undefined, arg: string | undefined): readonly string[] | undefined {
  if (values === undefined || arg === undefined) return values === undefined ? undefined : nonEmpty(values);
  const v = values[Number(arg)];
  return v === undefined ? undefined : [v];
}

/** The image without its tag or digest (`docker.io/nginx:1.2@sha256:…` → `docker.io/nginx`). */
export function imageRepository(image: string): string {
  let s = image;
  const at = s.indexOf('@');
  if (at >= 0) s = s.slice(0, at);
  const colon = s.lastIndexOf(':');
  if (colon > s.lastIndexOf('/')) s = s.slice(0, colon);
  return s;
}

type ContainerKind = 'containers' | 'initContainers' | 'ephemeralContainers';

function containers(ctx: AuditEventContext, kind: ContainerKind): readonly Json[] | undefined {
  const list = get(ctx.event, 'requestObject', 'spec', kind);
  return Array.isArray(list) ? list : undefined;
}

function perContainer(kind: ContainerKind, pick: (c: Json) => string | undefined) {
  return (ctx: AuditEventContext, arg: string | undefined): readonly string[] | undefined => {
    const list = containers(ctx, kind);
    if (list === undefined) return undefined;
    const values: string[] = [];
    for (const c of list) {
      const v = pick(c);
      if (v !== undefined) values.push(v);
    }
    return indexed(values, arg);
  };
}

/** A minimal glob (`*`, `?`, `[...]`) as fnmatch without flags. */
export function globToRegExp(glob: string, caseInsensitive = false): RegExp {
  let out = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob.charAt(i);
    if (c === '*') out += '.*';
    else if (c === '?') out += '.';
    else if (c === '[') {
      const close = glob.indexOf(']', i + 2);
      if (close < 0) out += '\\[';
      else {
        let body = glob.slice(i + 1, close);
        if (body.startsWith('!')) body = `^${body.slice(1)}`;
        out += `[${body.replace(/\\/g, '\\\\')}]`;
        i = close;
      }
    } else out += c.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
  }
  return new RegExp(`^${out}$`, caseInsensitive ? 'is' : 's');
}

/** The reference tokens of an RFC 6901 JSON pointer; undefined when it is not one. */
function pointerTokens(pointer: string): readonly string[] | undefined {
  if (pointer === '') return [];
  if (!pointer.startsWith('/')) return undefined;
  return pointer
    .slice(1)
    .split('/')
    .map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'));
}

/** RFC 6901 JSON pointer. */
export function jsonPointer(doc: Json, pointer: string): Json {
  const tokens = pointerTokens(pointer);
  return tokens === undefined ? undefined : getIn(doc, tokens);
}

const objCache = new WeakMap<object, string>();
function eventJson(ctx: AuditEventContext): string {
  let s = objCache.get(ctx.event);
  if (s === undefined) {
    s = JSON.stringify(ctx.event);
    objCache.set(ctx.event, s);
  }
  return s;
}

let lastIsoNs = -1n;
let lastIso = '';
function isoTime(ns: bigint): string {
  // Alerts of one event (and events of one burst) share a time: keep the last one.
  if (ns === lastIsoNs) return lastIso;
  lastIsoNs = ns;
  lastIso = formatIso(ns);
  return lastIso;
}

function formatIso(ns: bigint): string {
  const ms = ns / 1_000_000n;
  const iso = new Date(Number(ms)).toISOString();
  const frac = (ns % 1_000_000_000n).toString().padStart(9, '0');
  return `${iso.slice(0, 19)}.${frac}Z`;
}

function falcoTime(ns: bigint): string {
  const iso = isoTime(ns);
  return iso.slice(11, iso.length - 1);
}

function hostPathMatches(vols: readonly Json[], re: RegExp): readonly string[] {
  return [
    String(
      vols.some((v) => {
        const p = asString(get(v, 'hostPath', 'path'));
        return p !== undefined && re.test(p);
      }),
    ),
  ];
}

const defs: FieldDefinition[] = [];
function field(
  name: string,
  description: string,
  extract: (ctx: AuditEventContext, arg: string | undefined) => Extracted | undefined,
  options: { type?: FieldType; list?: boolean; arg?: ArgKind; bind?: FieldDefinition['bind'] } = {},
): void {
  const def: FieldDefinition = { name, description, extract, type: options.type ?? 'string', list: options.list ?? false, arg: options.arg ?? 'none' };
  defs.push(options.bind === undefined ? def : { ...def, bind: options.bind });
}
const path =
  (...p: string[]) =>
  (ctx: AuditEventContext): readonly string[] | undefined =>
    one(getIn(ctx.event, p));

field('ka.auditid', 'The unique id of the audit event', path('auditID'));
field('ka.stage', 'Stage of the request', path('stage'));
field('ka.auth.decision', 'Authorization decision', path('annotations', 'authorization.k8s.io/decision'));
field('ka.auth.reason', 'Authorization reason', path('annotations', 'authorization.k8s.io/reason'));
field('ka.validations.admission', 'Validation policy failure', path('annotations', 'validation.policy.admission.k8s.io/validation_failure'));
field('ka.user.name', 'The user name performing the request', path('user', 'username'));
field(
  'ka.user.groups',
  'The groups to which the user belongs',
  (ctx, arg) =>
    indexed(
      arrayOf(get(ctx.event, 'user', 'groups')).map((g) => asString(g) ?? ''),
      arg,
    ),
  { list: true, arg: 'index' },
);
field('ka.impuser.name', 'The impersonated user name', path('impersonatedUser', 'username'));
field('ka.verb', 'The action being performed', path('verb'));
field('ka.uri', 'The request URI as sent from client to server', path('requestURI'));
field(
  'ka.uri.param',
  'The value of a given query parameter in the uri',
  (ctx, arg) => {
    const uri = asString(get(ctx.event, 'requestURI'));
    if (uri === undefined || arg === undefined) return undefined;
    const q = uri.indexOf('?');
    if (q < 0) return undefined;
    const v = new URLSearchParams(uri.slice(q + 1)).get(arg);
    return v === null ? undefined : [v];
  },
  { arg: 'required-key' },
);
field('ka.useragent', 'The user agent of the client', path('userAgent'));
field('ka.target.name', 'The target object name', path('objectRef', 'name'));
field('ka.target.namespace', 'The target object namespace', path('objectRef', 'namespace'));
field('ka.target.resource', 'The target object resource', path('objectRef', 'resource'));
field('ka.target.subresource', 'The target object subresource', path('objectRef', 'subresource'));
field(
  'ka.req.binding.subjects',
  'When the request object refers to a cluster role binding, the subject',
  (ctx, arg) =>
    indexed(
      arrayOf(get(ctx.event, 'requestObject', 'subjects')).map((s) => asString(s) ?? ''),
      arg,
    ),
  { list: true, arg: 'index' },
);
field(
  'ka.req.binding.subject.has_name',
  'Deprecated: whether a binding subject has the given name',
  (ctx, arg) => {
    const subjects = get(ctx.event, 'requestObject', 'subjects');
    if (!Array.isArray(subjects)) return undefined;
    return [String(subjects.some((s) => get(s, 'name') === arg))];
  },
  { arg: 'required-key' },
);
field('ka.req.binding.role', 'When the request object refers to a cluster role binding, the role being linked to', path('requestObject', 'roleRef', 'name'));
field('ka.req.configmap.name', 'If the request object refers to a configmap, the configmap name', (ctx) =>
  get(ctx.event, 'objectRef', 'resource') === 'configmaps' ? one(get(ctx.event, 'objectRef', 'name')) : undefined,
);
field('ka.req.configmap.obj', 'If the request object refers to a configmap, the entire configmap object', path('requestObject', 'data'));

const CONTAINER_KINDS: readonly ContainerKind[] = ['containers', 'initContainers', 'ephemeralContainers'];
for (const kind of CONTAINER_KINDS) {
  const label = `ka.req.pod.${kind}`;
  field(
    `${label}.image`,
    `The ${kind} images`,
    perContainer(kind, (c) => asString(get(c, 'image'))),
    { list: true, arg: 'index' },
  );
  field(
    `${label}.image.repository`,
    `The ${kind} image repositories`,
    perContainer(kind, (c) => {
      const image = asString(get(c, 'image'));
      return image === undefined ? undefined : imageRepository(image);
    }),
    { list: true, arg: 'index' },
  );
  field(
    `${label}.privileged`,
    `Whether the ${kind} run privileged`,
    perContainer(kind, (c) => String(get(c, 'securityContext', 'privileged') === true)),
    { list: true, arg: 'index' },
  );
}
const secCtx = (key: string) => perContainer('containers', (c) => asString(get(c, 'securityContext', key)));
field('ka.req.pod.containers.allow_privilege_escalation', 'Whether containers allow privilege escalation', secCtx('allowPrivilegeEscalation'), { list: true, arg: 'index' });
field('ka.req.pod.containers.read_only_fs', 'Whether containers have a read-only root filesystem', secCtx('readOnlyRootFilesystem'), { list: true, arg: 'index' });
field('ka.req.pod.containers.run_as_user', 'The container runAsUser', secCtx('runAsUser'), { list: true, arg: 'index' });
field('ka.req.pod.containers.run_as_group', 'The container runAsGroup', secCtx('runAsGroup'), { list: true, arg: 'index' });
field('ka.req.pod.containers.proc_mount', 'The container procMount', secCtx('procMount'), { list: true, arg: 'index' });
field(
  'ka.req.pod.containers.add_capabilities',
  'Capabilities added to containers',
  (ctx, arg) => {
    const list = containers(ctx, 'containers');
    if (list === undefined) return undefined;
    return indexed(
      list.flatMap((c) => arrayOf(get(c, 'securityContext', 'capabilities', 'add')).map((x) => asString(x) ?? '')),
      arg,
    );
  },
  { list: true, arg: 'index' },
);
field(
  'ka.req.pod.containers.host_port',
  'Host ports of the containers',
  (ctx, arg) => {
    const list = containers(ctx, 'containers');
    if (list === undefined) return undefined;
    return indexed(
      list.flatMap((c) => arrayOf(get(c, 'ports')).flatMap((p) => (get(p, 'hostPort') === undefined ? [] : [asString(get(p, 'hostPort')) ?? '']))),
      arg,
    );
  },
  { list: true, arg: 'index' },
);
field('ka.req.container.image', 'Deprecated: the first container image', (ctx) => perContainer('containers', (c) => asString(get(c, 'image')))(ctx, '0'));
field('ka.req.container.image.repository', 'Deprecated: the first container image repository', (ctx) =>
  perContainer('containers', (c) => {
    const i = asString(get(c, 'image'));
    return i === undefined ? undefined : imageRepository(i);
  })(ctx, '0'),
);
field('ka.req.container.privileged', 'Deprecated: whether any container runs privileged', (ctx) => {
  const list = containers(ctx, 'containers');
  return list === undefined ? undefined : [String(list.some((c) => get(c, 'securityContext', 'privileged') === true))];
});
field('ka.req.container.host_network', 'Deprecated: the pod hostNetwork', path('requestObject', 'spec', 'hostNetwork'));
field('ka.req.pod.host_ipc', 'The pod hostIPC', path('requestObject', 'spec', 'hostIPC'));
field('ka.req.pod.host_network', 'The pod hostNetwork', path('requestObject', 'spec', 'hostNetwork'));
field('ka.req.pod.host_pid', 'The pod hostPID', path('requestObject', 'spec', 'hostPID'));
field('ka.req.pod.run_as_user', 'The pod runAsUser', path('requestObject', 'spec', 'securityContext', 'runAsUser'));
field('ka.req.pod.run_as_group', 'The pod runAsGroup', path('requestObject', 'spec', 'securityContext', 'runAsGroup'));
field('ka.req.pod.fs_group', 'The pod fsGroup', path('requestObject', 'spec', 'securityContext', 'fsGroup'));
field(
  'ka.req.pod.supplemental_groups',
  'The pod supplementalGroups',
  (ctx, arg) =>
    indexed(
      arrayOf(get(ctx.event, 'requestObject', 'spec', 'securityContext', 'supplementalGroups')).map((g) => asString(g) ?? ''),
      arg,
    ),
  { list: true, arg: 'index' },
);
const volumes = (pick: (v: Json) => string | undefined) => (ctx: AuditEventContext, arg: string | undefined) =>
  indexed(
    arrayOf(get(ctx.event, 'requestObject', 'spec', 'volumes')).flatMap((v) => {
      const s = pick(v);
      return s === undefined ? [] : [s];
    }),
    arg,
  );
field(
  'ka.req.pod.volumes.hostpath',
  'The hostPath paths of the pod volumes',
  volumes((v) => asString(get(v, 'hostPath', 'path'))),
  { list: true, arg: 'index' },
);
field(
  'ka.req.pod.volumes.flexvolume_driver',
  'The flexVolume drivers of the pod volumes',
  volumes((v) => asString(get(v, 'flexVolume', 'driver'))),
  { list: true, arg: 'index' },
);
field(
  'ka.req.pod.volumes.volume_type',
  'The volume types of the pod volumes',
  volumes((v) => (v !== null && typeof v === 'object' ? Object.keys(v).find((k) => k !== 'name') : undefined)),
  { list: true, arg: 'index' },
);
field(
  'ka.req.volume.hostpath',
  'Deprecated: whether a hostPath volume matches the given glob',
  (ctx, arg) => {
    const vols = get(ctx.event, 'requestObject', 'spec', 'volumes');
    if (!Array.isArray(vols) || arg === undefined) return undefined;
    return hostPathMatches(vols, globToRegExp(arg));
  },
  {
    arg: 'required-key',
    bind: (arg) => {
      const re = globToRegExp(arg ?? '');
      return (ctx) => {
        const vols = get(ctx.event, 'requestObject', 'spec', 'volumes');
        return Array.isArray(vols) ? hostPathMatches(vols, re) : undefined;
      };
    },
  },
);
field(
  'ka.req.role.rules',
  'The rules of a role',
  (ctx, arg) =>
    indexed(
      arrayOf(get(ctx.event, 'requestObject', 'rules')).map((r) => asString(r) ?? ''),
      arg,
    ),
  { list: true, arg: 'index' },
);
for (const [suffix, key] of [
  ['apiGroups', 'apiGroups'],
  ['nonResourceURLs', 'nonResourceURLs'],
  ['verbs', 'verbs'],
  ['resources', 'resources'],
] as const) {
  field(
    `ka.req.role.rules.${suffix}`,
    `The ${key} of the role rules (with an index, of that rule)`,
    (ctx, arg) => {
      let rules = arrayOf(get(ctx.event, 'requestObject', 'rules'));
      if (arg !== undefined) rules = rules[Number(arg)] === undefined ? [] : [rules[Number(arg)]];
      return nonEmpty(rules.flatMap((r) => arrayOf(get(r, key)).map((x) => asString(x) ?? '')));
    },
    { list: true, arg: 'index' },
  );
}
field('ka.req.service.type', 'The service type', path('requestObject', 'spec', 'type'));
field(
  'ka.req.service.ports',
  'The service ports',
  (ctx, arg) =>
    indexed(
      arrayOf(get(ctx.event, 'requestObject', 'spec', 'ports')).map((p) => asString(p) ?? ''),
      arg,
    ),
  { list: true, arg: 'index' },
);
field('ka.resp.name', 'The response object name', path('responseObject', 'metadata', 'name'));
field('ka.response.code', 'The response code', path('responseStatus', 'code'));
field('ka.response.reason', 'The response reason', path('responseStatus', 'reason'));
field(
  'ka.sourceips',
  'The IP addresses of the requesting client',
  (ctx, arg) =>
    indexed(
      arrayOf(get(ctx.event, 'sourceIPs')).map((s) => asString(s) ?? ''),
      arg,
    ),
  { list: true, arg: 'index' },
);

for (const prefix of ['jevt', 'json']) {
  field(`${prefix}.value`, 'The value of a JSON pointer into the event', (ctx, arg) => (arg === undefined ? undefined : one(jsonPointer(ctx.event, arg))), {
    arg: 'required-key',
    bind: (arg) => {
      const tokens = arg === undefined ? undefined : pointerTokens(arg);
      return tokens === undefined ? () => undefined : (ctx) => one(getIn(ctx.event, tokens));
    },
  });
  field(`${prefix}.obj`, 'The whole event as JSON', (ctx) => [eventJson(ctx)]);
}
for (const prefix of ['jevt', 'evt']) {
  field(`${prefix}.time`, 'Event time (hh:mm:ss.nnnnnnnnn)', (ctx) => [falcoTime(ctx.timeNs)]);
  field(`${prefix}.time.iso8601`, 'Event time (ISO 8601)', (ctx) => [isoTime(ctx.timeNs)]);
  field(`${prefix}.rawtime`, 'Event time in nanoseconds since the epoch', (ctx) => [ctx.timeNs], { type: 'uint64' });
}
field('evt.source', 'The event source', () => ['k8s_audit']);
field('evt.num', 'The event number', (ctx) => [BigInt(ctx.num)], { type: 'uint64' });

/** Every field of the `k8s_audit` source, by name. */
export const K8S_AUDIT_FIELDS: ReadonlyMap<string, FieldDefinition> = new Map(defs.map((d) => [d.name, d]));

/** ISO 8601 with nanoseconds, as Falco prints `time`. */
export { isoTime };
