/**
 * Dockerfile checks as data: each rule is an id, title, severity, why, fix, references and a pure
 * `evaluate` over the parsed file. Results carry `line N` as field path. Peer rules with the same
 * intent (for comparison): hadolint DL3002/DL3004/DL3007/DL3008/DL3009/DL3015/DL3020/DL4000/DL4006,
 * Trivy DS-0001…DS-0030, Checkov CKV_DOCKER_*; the logic here is Sekisho's own.
 */
import type { Severity } from '@sekisho/model';
import type { CheckResult, ConfigCheck } from '../types.js';
import { finalStage, runScript, type Dockerfile, type DockerfileInstruction, type DockerfileStage } from './parse-dockerfile.js';
import { argsOf, programOf, splitShell, type ShellCommand } from './shell-commands.js';

export interface DockerfileCheckContext {
  /** `--target` stage; the last stage when absent. */
  readonly target?: string;
}

export type DockerfileCheck = ConfigCheck<Dockerfile, DockerfileCheckContext>;

interface RuleSpec {
  readonly id: string;
  readonly title: string;
  readonly severity: Severity;
  /** Why it matters; appended to every result's message. */
  readonly why: string;
  readonly fix: string;
  readonly references?: readonly string[];
  readonly evaluate: (df: Dockerfile, ctx: DockerfileCheckContext) => Array<Omit<CheckResult, 'message'> & { readonly what: string }>;
}

function rule(spec: RuleSpec): DockerfileCheck {
  return {
    id: spec.id,
    title: spec.title,
    severity: spec.severity,
    appliesTo: ['dockerfile'],
    version: 1,
    fix: spec.fix,
    references: spec.references ?? [],
    evaluate: (df, ctx) => spec.evaluate(df, ctx).map(({ what, ...r }) => ({ ...r, message: `${what}. ${spec.why}` })),
  };
}

const at = (line: number): string => `line ${line}`;

/** Instructions of every stage, with ONBUILD triggers (they run in images built FROM this one). */
function allInstructions(df: Dockerfile): DockerfileInstruction[] {
  const out: DockerfileInstruction[] = [];
  for (const ins of df.instructions) {
    out.push(ins);
    if (ins.trigger !== null) out.push(ins.trigger);
  }
  return out;
}

const runCache = new WeakMap<DockerfileInstruction, ShellCommand[]>();
function commandsOf(ins: DockerfileInstruction): ShellCommand[] {
  let cmds = runCache.get(ins);
  if (cmds === undefined) {
    cmds = splitShell(runScript(ins));
    runCache.set(ins, cmds);
  }
  return cmds;
}
function runs(df: Dockerfile): DockerfileInstruction[] {
  return allInstructions(df).filter((i) => i.keyword === 'RUN');
}

/** Source words of COPY/ADD (all but the destination; heredoc markers excluded). */
function copySources(ins: DockerfileInstruction): string[] {
  const words = ins.words ?? [];
  return words.slice(0, -1).filter((w) => !w.includes('<<'));
}

export interface ImageRef {
  readonly name: string;
  readonly tag: string | null;
  readonly digest: string | null;
}

/** `[registry[:port]/]path[:tag][@digest]` (distribution/reference grammar, loosely). */
export function parseImageRef(ref: string): ImageRef {
  const at = ref.indexOf('@');
  const digest = at === -1 ? null : ref.slice(at + 1);
  const rest = at === -1 ? ref : ref.slice(0, at);
  const slash = rest.lastIndexOf('/');
  const colon = rest.lastIndexOf(':');
  if (colon > slash) return { name: rest.slice(0, colon), tag: rest.slice(colon + 1), digest };
  return { name: rest, tag: null, digest };
}

/** Stages built from an external image (not `scratch`, not an earlier stage). */
function externalStages(df: Dockerfile): DockerfileStage[] {
  return df.stages.filter((s) => s.parentStage === null && s.image.toLowerCase() !== 'scratch' && s.image !== '');
}

function unresolvedNote(s: DockerfileStage): string {
  return s.imageUnresolved.length === 0 ? '' : ` (build arg ${s.imageUnresolved.join(', ')} has no default here)`;
}

const SECRET_WORDS = new Set(['PASSWORD', 'PASSWD', 'PWORD', 'SECRET', 'SECRETS', 'TOKEN', 'APIKEY', 'CREDENTIAL', 'CREDENTIALS', 'PRIVATEKEY', 'ACCESSKEY', 'SECRETKEY', 'AUTH']);
/** Words that turn a `*_KEY` into something public or harmless. */
const NOT_SECRET_WORDS = new Set([
  'PUBLIC',
  'PUB',
  'GPG',
  'PGP',
  'FINGERPRINT',
  'FILE',
  'PATH',
  'DIR',
  'URL',
  'ID',
  'NAME',
  'TYPE',
  'MODE',
  'LENGTH',
  'ENABLED',
  'ALGORITHM',
  'HEADER',
  'FORMAT',
  'ISSUER',
]);

/** True for names like DB_PASSWORD, apiToken, AWS_SECRET_ACCESS_KEY; false for GPG_KEY, TOKEN_FILE. */
export function isSecretName(name: string): boolean {
  const words = name
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .toUpperCase()
    .split(/[^A-Z0-9]+/)
    .filter((w) => w !== '');
  if (words.length === 0) return false;
  const last = words.at(-1) ?? '';
  if (NOT_SECRET_WORDS.has(last) || words.some((w) => w === 'PUBLIC' || w === 'GPG' || w === 'PGP')) return false;
  if (words.some((w) => SECRET_WORDS.has(w))) return true;
  return last === 'KEY' || (words.length >= 2 && words.at(-2) === 'API' && last === 'KEY');
}

/** A literal that could be a credential: not empty, not a variable, not a path or a switch. */
function isLiteralSecretValue(raw: string | null, value: string | null): boolean {
  if (raw === null || value === null || raw.includes('$')) return false;
  const v = value.trim();
  if (v.length < 4) return false;
  if (/^(true|false|yes|no|on|off|none|null|changeme|required)$/i.test(v)) return false;
  if (v.startsWith('/') || v.startsWith('./') || v.startsWith('~/')) return false;
  return true;
}

const SENSITIVE_FILE = [
  /^id_(rsa|dsa|ecdsa|ed25519)$/,
  /\.(pem|key|p12|pfx|jks|keystore|ppk|kdbx)$/,
  /^\.env(\..+)?$/,
  /^\.(npmrc|pypirc|netrc|git-credentials|dockercfg|htpasswd|pgpass|s3cfg|boto)$/,
  /^(credentials|credentials\.json|secrets?\.(ya?ml|json|env)|terraform\.tfstate(\.backup)?|service-account.*\.json)$/,
  /^\.(ssh|aws|gnupg|kube|docker)$/,
];

function isSensitiveSource(src: string): boolean {
  const clean = src.replace(/\/+$/, '');
  const base = clean.slice(clean.lastIndexOf('/') + 1).toLowerCase();
  if (base.endsWith('.example') || base.endsWith('.sample') || base.endsWith('.template')) return false;
  return SENSITIVE_FILE.some((re) => re.test(base)) || /(^|\/)\.(ssh|aws|kube|docker)\//.test(clean);
}

const SHELLS = new Set(['sh', 'bash', 'zsh', 'dash', 'ksh', 'ash', 'busybox', 'python', 'python3', 'perl', 'ruby', 'node', 'php']);
const DOWNLOADERS = new Set(['curl', 'wget']);

function isApt(cmd: ShellCommand): boolean {
  const p = programOf(cmd);
  return p === 'apt-get' || p === 'apt' || p === 'aptitude';
}
function aptVerb(cmd: ShellCommand): string | undefined {
  return argsOf(cmd).find((a) => !a.startsWith('-'));
}

function exposesPort(words: readonly string[], port: number): boolean {
  return words.some((w) => {
    const spec = w.split('/')[0] ?? '';
    const [from, to] = spec.split('-');
    const lo = Number(from);
    const hi = to === undefined ? lo : Number(to);
    return Number.isInteger(lo) && Number.isInteger(hi) && lo <= port && port <= hi;
  });
}

function stageChain(df: Dockerfile, stage: DockerfileStage): DockerfileStage[] {
  const chain: DockerfileStage[] = [];
  let s: DockerfileStage | undefined = stage;
  while (s !== undefined && chain.length < df.stages.length) {
    chain.push(s);
    s = s.parentStage === null ? undefined : df.stages[s.parentStage];
  }
  return chain;
}

export const DOCKERFILE_RULES: readonly DockerfileCheck[] = [
  rule({
    id: 'dockerfile-root-user',
    title: 'Image runs as root',
    severity: 'high',
    why: 'A process running as UID 0 in the container is root on the host for every kernel or runtime escape and for every host mount, unless user namespaces remap it.',
    fix: 'Create an unprivileged user and end the final stage with `USER <name or uid>` (e.g. `USER 10001`).',
    references: ['https://docs.docker.com/build/building/best-practices/#user'],
    evaluate: (df, ctx) => {
      const stage = finalStage(df, ctx.target);
      if (stage === undefined) return [];
      if (stage.user === null) {
        const base = stageChain(df, stage).at(-1);
        if (base === undefined || /nonroot/i.test(base.image)) return [];
        return [
          {
            fieldPath: at(stage.line),
            what: `The final stage (FROM ${stage.image}) never sets USER, so it runs as the base image's user, root for most images`,
            severity: 'medium',
          },
        ];
      }
      const user = (stage.user.value.split(':')[0] ?? '').trim();
      if (user === 'root' || user === '0') {
        return [{ fieldPath: at(stage.user.line), what: `The last USER of the final stage is ${stage.user.value}` }];
      }
      return [];
    },
  }),
  rule({
    id: 'dockerfile-add-remote-url',
    title: 'ADD fetches a remote URL without a checksum',
    severity: 'medium',
    why: 'ADD downloads at build time without verifying what it got; a compromised or changed server puts arbitrary content into the image.',
    fix: 'Use `ADD --checksum=sha256:<digest> <url> <dest>`, or download with curl in a RUN step and verify the checksum.',
    references: ['https://docs.docker.com/reference/dockerfile/#add---checksum'],
    evaluate: (df) =>
      allInstructions(df)
        .filter((i) => i.keyword === 'ADD' && !i.flags.some((f) => f.name === 'checksum'))
        .flatMap((i) =>
          copySources(i)
            .filter((s) => /^(https?|ftp):\/\//i.test(s) || /^git@|^git:\/\//i.test(s))
            .map((s) => ({ fieldPath: at(i.line), what: `ADD ${s}` })),
        ),
  }),
  rule({
    id: 'dockerfile-base-latest',
    title: 'Base image uses the latest tag or no tag',
    severity: 'medium',
    why: '`latest` (or no tag) changes under you: builds are not reproducible and a new base can bring new vulnerabilities or break the image unnoticed.',
    fix: 'Pin the base image to a version tag and its digest, e.g. `FROM node:22.11-alpine@sha256:<digest>`.',
    evaluate: (df) =>
      externalStages(df).flatMap((s) => {
        const ref = parseImageRef(s.image);
        if (ref.digest !== null || (ref.tag !== null && ref.tag !== '' && ref.tag !== 'latest')) return [];
        return [{ fieldPath: at(s.line), what: `FROM ${s.image}${ref.tag === 'latest' ? '' : ' has no tag'}${unresolvedNote(s)}` }];
      }),
  }),
  rule({
    id: 'dockerfile-base-not-pinned',
    title: 'Base image is not pinned by digest',
    severity: 'low',
    why: 'A tag can be moved to a different image; only a digest names exactly the image that was reviewed and scanned.',
    fix: 'Append the digest: `FROM image:tag@sha256:<digest>` (and let a bot such as Renovate update it).',
    evaluate: (df) =>
      externalStages(df).flatMap((s) => {
        const ref = parseImageRef(s.image);
        if (ref.digest !== null || ref.tag === null || ref.tag === '' || ref.tag === 'latest') return [];
        return [{ fieldPath: at(s.line), what: `FROM ${s.image} is pinned by tag only${unresolvedNote(s)}` }];
      }),
  }),
  rule({
    id: 'dockerfile-curl-pipe-shell',
    title: 'Downloaded script piped into a shell',
    severity: 'medium',
    why: 'Whatever the server returns is executed unverified at build time; a compromised host or a truncated download runs in the image.',
    fix: 'Download to a file, verify its checksum or signature (`sha256sum -c`), then run it.',
    evaluate: (df) =>
      runs(df).flatMap((ins) => {
        const cmds = commandsOf(ins);
        const hits: string[] = [];
        cmds.forEach((cmd, i) => {
          const p = programOf(cmd);
          const next = cmds[i + 1];
          if (DOWNLOADERS.has(p) && cmd.next === '|' && next !== undefined && SHELLS.has(programOf(next))) {
            hits.push(`${p} … | ${programOf(next)}`);
          } else if (SHELLS.has(p) && cmd.words.some((w) => /^[$<]\(\s*(curl|wget)\b|^`\s*(curl|wget)\b/.test(w))) {
            hits.push(`${p} with a downloaded script`);
          }
        });
        return hits.map((h) => ({ fieldPath: at(ins.line), what: `RUN ${h}` }));
      }),
  }),
  rule({
    id: 'dockerfile-secret-in-env-arg',
    title: 'Secret written into ENV or ARG',
    severity: 'high',
    why: 'ENV values are stored in the image config and ARG values in its history; anyone who can pull the image can read them.',
    fix: "Remove the value and pass the secret at build time with `RUN --mount=type=secret,id=<id>` (or at run time through the orchestrator's secrets).",
    references: ['https://docs.docker.com/build/building/secrets/'],
    evaluate: (df) =>
      allInstructions(df)
        .filter((i) => i.keyword === 'ENV' || i.keyword === 'ARG')
        .flatMap((i) =>
          i.pairs.filter((p) => isSecretName(p.key) && isLiteralSecretValue(p.raw, p.value)).map((p) => ({ fieldPath: at(i.line), what: `${i.keyword} ${p.key} is set to a literal value` })),
        ),
  }),
  rule({
    id: 'dockerfile-secret-build-arg',
    title: 'Secret passed as a build argument',
    severity: 'medium',
    why: 'Build-arg values are recorded in the image history (`docker history`) and in provenance; an ENV copy also lands in the image config.',
    fix: 'Use a build secret: `RUN --mount=type=secret,id=<id>,env=<NAME> …` and `docker build --secret id=<id>,…`.',
    references: ['https://docs.docker.com/build/building/secrets/'],
    evaluate: (df) =>
      allInstructions(df).flatMap((i) => {
        if (i.keyword === 'ARG') {
          return i.pairs.filter((p) => p.raw === null && isSecretName(p.key)).map((p) => ({ fieldPath: at(i.line), what: `ARG ${p.key} carries a secret into the build` }));
        }
        if (i.keyword === 'ENV') {
          return i.pairs
            .filter((p) => isSecretName(p.key) && p.raw !== null && p.raw.includes('$'))
            .map((p) => ({ fieldPath: at(i.line), what: `ENV ${p.key} copies a variable into the image configuration` }));
        }
        return [];
      }),
  }),
  rule({
    id: 'dockerfile-sudo',
    title: 'RUN uses sudo',
    severity: 'medium',
    why: 'Build steps already run as the current USER; sudo in an image means the sudo binary and a sudoers rule ship with it, a ready privilege escalation at run time.',
    fix: 'Switch with `USER root` for the step that needs it and back with `USER <app>`; do not install sudo.',
    evaluate: (df) => runs(df).flatMap((ins) => (commandsOf(ins).some((c) => programOf(c, false) === 'sudo') ? [{ fieldPath: at(ins.line), what: 'RUN calls sudo' }] : [])),
  }),
  rule({
    id: 'dockerfile-apt-no-install-recommends',
    title: 'apt-get install without --no-install-recommends',
    severity: 'low',
    why: 'Recommended packages add size and attack surface that the application does not need.',
    fix: 'Use `apt-get install -y --no-install-recommends <packages>`.',
    evaluate: (df) =>
      runs(df).flatMap((ins) =>
        commandsOf(ins)
          .filter((c) => isApt(c) && aptVerb(c) === 'install')
          .filter((c) => !argsOf(c).some((a) => a === '--no-install-recommends' || /Install-Recommends=(false|0|no)/i.test(a)))
          .slice(0, 1)
          .map(() => ({ fieldPath: at(ins.line), what: 'RUN installs with apt without --no-install-recommends' })),
      ),
  }),
  rule({
    id: 'dockerfile-apt-lists-not-cleaned',
    title: 'apt lists kept in the layer',
    severity: 'low',
    why: 'Package indexes left in /var/lib/apt/lists add tens of megabytes and go stale; removed in a later RUN they still exist in the earlier layer.',
    fix: 'End the same RUN with `&& rm -rf /var/lib/apt/lists/*`, or use `RUN --mount=type=cache,target=/var/lib/apt/lists …`.',
    evaluate: (df) =>
      runs(df).flatMap((ins) => {
        const cmds = commandsOf(ins);
        if (!cmds.some((c) => isApt(c) && aptVerb(c) === 'install')) return [];
        const cleaned = cmds.some((c) => programOf(c) === 'rm' && argsOf(c).some((a) => a.startsWith('/var/lib/apt/lists')));
        const cached = ins.mounts.some((m) => m.type === 'cache' && /^\/var\/lib\/apt(\/lists)?\/?$/.test(m.options['target'] ?? m.options['dst'] ?? m.options['destination'] ?? ''));
        return cleaned || cached ? [] : [{ fieldPath: at(ins.line), what: 'RUN installs with apt and does not remove /var/lib/apt/lists' }];
      }),
  }),
  rule({
    id: 'dockerfile-apt-upgrade',
    title: 'apt-get upgrade in the Dockerfile',
    severity: 'low',
    why: 'Upgrading every package makes the build unreproducible and hides which base image the fixes should come from.',
    fix: 'Use a newer base image (pinned by digest) instead of upgrading inside the build; install specific versions if one package must be newer.',
    evaluate: (df) =>
      runs(df).flatMap((ins) =>
        commandsOf(ins)
          .filter((c) => isApt(c) && ['upgrade', 'dist-upgrade', 'full-upgrade'].includes(aptVerb(c) ?? ''))
          .slice(0, 1)
          .map((c) => ({ fieldPath: at(ins.line), what: `RUN ${programOf(c)} ${aptVerb(c) ?? ''}` })),
      ),
  }),
  rule({
    id: 'dockerfile-expose-ssh',
    title: 'Image exposes SSH (port 22)',
    severity: 'medium',
    why: 'An SSH server in a container is a second way in, with its own keys and passwords to manage; `docker exec` / `kubectl exec` cover debugging.',
    fix: 'Remove `EXPOSE 22` and the SSH server.',
    evaluate: (df) =>
      allInstructions(df)
        .filter((i) => i.keyword === 'EXPOSE' && exposesPort(i.words ?? [], 22))
        .map((i) => ({ fieldPath: at(i.line), what: `EXPOSE ${(i.words ?? []).join(' ')} includes port 22` })),
  }),
  rule({
    id: 'dockerfile-no-healthcheck',
    title: 'No HEALTHCHECK in the final stage',
    severity: 'low',
    why: 'Without a health check, Docker and Compose cannot tell a hung service from a healthy one (Kubernetes uses probes instead).',
    fix: 'Add `HEALTHCHECK --interval=30s --timeout=3s CMD <probe>` to the final stage (or declare probes in the orchestrator).',
    evaluate: (df, ctx) => {
      const stage = finalStage(df, ctx.target);
      if (stage === undefined) return [];
      // The nearest stage's last HEALTHCHECK wins (a stage inherits its parent stage's).
      const last = stageChain(df, stage)
        .map((s) => s.instructions.filter((i) => i.keyword === 'HEALTHCHECK').at(-1))
        .find((i) => i !== undefined);
      if (last === undefined) return [{ fieldPath: at(stage.line), what: `The final stage (FROM ${stage.image}) has no HEALTHCHECK` }];
      if (/^none$/i.test(last.args.trim())) return [{ fieldPath: at(last.line), what: 'HEALTHCHECK NONE disables the health check' }];
      return [];
    },
  }),
  rule({
    id: 'dockerfile-copy-whole-context',
    title: 'COPY of the whole build context',
    severity: 'low',
    why: 'Everything not excluded by .dockerignore lands in the image: .git, .env files, keys and credentials are the usual leaks.',
    fix: 'Copy only what the image needs (e.g. `COPY package*.json ./` then `COPY src/ ./src/`) and keep a .dockerignore with .git, .env*, *.pem, id_*.',
    evaluate: (df) =>
      allInstructions(df)
        .filter((i) => (i.keyword === 'COPY' || i.keyword === 'ADD') && !i.flags.some((f) => f.name === 'from'))
        .filter((i) => copySources(i).some((s) => /^(\.|\.\/|\*|\.\/\*|\/)$/.test(s)))
        .map((i) => ({ fieldPath: at(i.line), what: `${i.keyword} ${(i.words ?? []).join(' ')} copies the whole context` })),
  }),
  rule({
    id: 'dockerfile-copy-sensitive-file',
    title: 'Credential file copied into the image',
    severity: 'high',
    why: 'A key or credential file copied into a layer stays in the image even if a later step deletes it.',
    fix: 'Do not copy it; mount it for the one step that needs it with `RUN --mount=type=secret,id=<id>,target=<path>`.',
    references: ['https://docs.docker.com/build/building/secrets/'],
    evaluate: (df) =>
      allInstructions(df)
        .filter((i) => (i.keyword === 'COPY' || i.keyword === 'ADD') && !i.flags.some((f) => f.name === 'from'))
        .flatMap((i) =>
          copySources(i)
            .filter(isSensitiveSource)
            .map((s) => ({ fieldPath: at(i.line), what: `${i.keyword} copies ${s}` })),
        ),
  }),
  rule({
    id: 'dockerfile-workdir-proc-fd',
    title: 'WORKDIR under /proc/self/fd (runc CVE-2024-21626)',
    severity: 'critical',
    why: 'A working directory in /proc/self/fd/<n> exploits the leaked host file descriptor of runc < 1.1.12 ("Leaky Vessels") and gives access to the host filesystem.',
    fix: 'Remove the WORKDIR; upgrade runc to 1.1.12 or later (Docker 25.0.2+, containerd 1.6.28/1.7.13+).',
    references: ['https://nvd.nist.gov/vuln/detail/CVE-2024-21626', 'https://github.com/opencontainers/runc/security/advisories/GHSA-xr7r-f8xq-vfvv'],
    evaluate: (df) =>
      allInstructions(df)
        .filter((i) => i.keyword === 'WORKDIR' && /^\/proc\/(self|thread-self|\d+)\/fd(\/|$)/.test((i.words ?? []).join(' ')))
        .map((i) => ({ fieldPath: at(i.line), what: `WORKDIR ${(i.words ?? []).join(' ')}` })),
  }),
  rule({
    id: 'dockerfile-maintainer-deprecated',
    title: 'MAINTAINER is deprecated',
    severity: 'negligible',
    why: 'MAINTAINER is deprecated since Docker 1.13 and is not part of the OCI image labels tools read.',
    fix: 'Use `LABEL org.opencontainers.image.authors="<name/email>"`.',
    references: ['https://docs.docker.com/reference/dockerfile/#maintainer-deprecated'],
    evaluate: (df) =>
      allInstructions(df)
        .filter((i) => i.keyword === 'MAINTAINER')
        .map((i) => ({ fieldPath: at(i.line), what: 'MAINTAINER is used' })),
  }),
];
