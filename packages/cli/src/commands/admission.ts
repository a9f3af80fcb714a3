import { readFile, stat } from 'node:fs/promises';
import { hostname } from 'node:os';
import { Command, Option } from 'commander';
import {
  AdmissionController,
  AdmissionMetrics,
  HttpVerdictSource,
  InClusterNamespaceLabels,
  RegistryTagResolver,
  TrustPolicyVerifier,
  admissionManifests,
  createAdmissionServer,
  parseAdmissionReview,
  parseJsonBody,
  renderManifests,
  reviewResponse,
  type AdmissionOptions,
  type Endpoint,
} from '@sekisho/admission';
import { EXIT_CODES, loadPolicy, loadTrustPolicy, SekishoError, type RegistryOptions } from '@sekisho/core';
import type { EventSink, SekishoEvent } from '@sekisho/model';
import type { CliIo } from '../io.js';
import { processIo } from '../io.js';
import { addRegistryOptions, registryOptionsFrom, type RegistryFlags } from './registry.js';
import { parseDuration } from '../duration.js';
import { OUTPUTS_HELP, fanOut, openEventOutputs } from './event-outputs.js';

interface RemoteFlags extends RegistryFlags {
  readonly policy: string;
  readonly server?: string;
  readonly token?: string;
  readonly trustPolicy?: string;
  readonly resolveTags?: boolean;
  readonly timeoutSeconds: string;
}

interface ServeFlags extends RemoteFlags {
  readonly port: string;
  readonly outputs?: string;
  readonly host: string;
  readonly tlsCert: string;
  readonly tlsKey: string;
  readonly inCluster?: boolean;
  readonly logEvents?: boolean;
  readonly maxBodyBytes: string;
  readonly shutdownDelay: string;
  readonly shutdownGrace: string;
}

interface ReviewFlags extends RemoteFlags {
  readonly endpoint: string;
}

interface ManifestFlags {
  readonly namespace: string;
  readonly name: string;
  readonly image: string;
  readonly mode: string;
  readonly failurePolicy?: string;
  readonly timeoutSeconds: string;
  readonly replicas: string;
  readonly mutating?: boolean;
  readonly judgeExec?: boolean;
  readonly server?: string;
  readonly policyConfigMap?: string;
}

const MAX_REVIEW_BYTES = 16 * 1024 * 1024;

function intFlag(name: string, value: string, min: number, max: number): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < min || n > max) throw new SekishoError('USAGE_INVALID', `${name} must be a whole number from ${min} to ${max} (got "${value}")`);
  return n;
}

/** The webhook's remote helpers from the flags: server verdicts, tag resolution, signatures. */
async function remoteOptions(flags: RemoteFlags, io: CliIo): Promise<Omit<AdmissionOptions, 'policy'>> {
  const timeoutSeconds = intFlag('--timeout-seconds', flags.timeoutSeconds, 1, 30);
  const token = flags.token ?? process.env['SEKISHO_SERVER_TOKEN'];
  let verdicts;
  try {
    verdicts = flags.server === undefined ? undefined : new HttpVerdictSource({ server: flags.server, ...(token === undefined ? {} : { token }) });
  } catch (error) {
    throw new SekishoError('USAGE_INVALID', `--server: ${error instanceof Error ? error.message : String(error)}`);
  }
  const needsRegistry = flags.resolveTags === true || flags.trustPolicy !== undefined;
  const registry: RegistryOptions = needsRegistry ? await registryOptionsFrom(flags, undefined, (m) => io.stderr(`sekisho: warning: ${m}\n`)) : {};
  const trust = flags.trustPolicy === undefined ? undefined : await loadTrustPolicy(flags.trustPolicy);
  return {
    ...(verdicts === undefined ? {} : { verdicts }),
    ...(flags.resolveTags === true ? { tags: new RegistryTagResolver({ ...registry, timeoutMs: timeoutSeconds * 500 }) } : {}),
    ...(trust === undefined ? {} : { signatures: new TrustPolicyVerifier(trust, registry) }),
    // remote calls get at most 60 % of the API server's timeout, the rest is for judging and the answer's trip
    budgetMs: Math.floor(timeoutSeconds * 600),
  };
}

function addRemoteOptions(command: Command): Command {
  command
    .requiredOption('--policy <file>', "the policy (sekisho.yaml): environments, mappings, rules and each environment's admission settings")
    .option('--server <url>', 'Sekisho server for image verdicts by digest (GET /api/v1/images/{digest}/decisions)')
    .option('--token <token>', 'bearer token for --server (better: SEKISHO_SERVER_TOKEN in the environment)')
    .option('--trust-policy <file>', 'verify image signatures and attestations with this trust policy (results cached by digest)')
    .option('--timeout-seconds <n>', "the webhook's timeoutSeconds: remote calls get at most 60 % of it", '5');
  return addRegistryOptions(command);
}

async function readReviewInput(file: string): Promise<Uint8Array> {
  if (file === '-') {
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of process.stdin as AsyncIterable<Buffer>) {
      size += chunk.length;
      if (size > MAX_REVIEW_BYTES) throw new SekishoError('LIMIT_ENTRY_SIZE', `standard input is larger than ${MAX_REVIEW_BYTES} bytes`);
      chunks.push(chunk);
    }
    return Buffer.concat(chunks);
  }
  const info = await stat(file).catch((error: unknown) => {
    throw new SekishoError('USAGE_INVALID', `no such file: ${file}`, { cause: error });
  });
  if (info.size > MAX_REVIEW_BYTES) throw new SekishoError('LIMIT_ENTRY_SIZE', `${file} is larger than ${MAX_REVIEW_BYTES} bytes`);
  return readFile(file);
}

function serveCommand(io: CliIo): Command {
  const command = new Command('serve')
    .description('run the validating and mutating admission webhook over HTTPS (POST /validate, /mutate; GET /healthz, /metrics)')
    .option('--port <port>', 'port to listen on', '8443')
    .option('--host <address>', 'address to listen on', '0.0.0.0')
    .requiredOption('--tls-cert <file>', 'PEM serving certificate (re-read when the file changes, e.g. rotated by cert-manager)')
    .requiredOption('--tls-key <file>', 'PEM key of --tls-cert (re-read with it)')
    .option('--no-resolve-tags', 'do not ask registries which digest a tag points at (images by tag then count as unscanned)')
    .option('--in-cluster', "read namespace labels from the API server with the pod's service account (mappings by label, PSA labels)")
    .option('--log-events', 'print every decision event (sekisho.event/v1) as one JSON line on standard output')
    .option('--outputs <file>', OUTPUTS_HELP)
    .option('--max-body-bytes <n>', 'largest AdmissionReview accepted (413 above)', String(7 * 1024 * 1024))
    .option('--shutdown-delay <duration>', 'on SIGTERM, keep answering this long with /readyz failing, so endpoints drop the pod first (the manifests use a preStop sleep instead)', '0s')
    .option('--shutdown-grace <duration>', 'then stop accepting and give reviews in flight this long to finish', '10s');
  addRemoteOptions(command);
  return command.action(async (flags: ServeFlags) => {
    const port = intFlag('--port', flags.port, 0, 65535);
    const shutdownDelay = parseDuration(flags.shutdownDelay, '--shutdown-delay');
    const shutdownGrace = parseDuration(flags.shutdownGrace, '--shutdown-grace');
    const maxBodyBytes = intFlag('--max-body-bytes', flags.maxBodyBytes, 1024, 64 * 1024 * 1024);
    const policy = await loadPolicy(flags.policy);
    const remote = await remoteOptions(flags, io);
    const metrics = new AdmissionMetrics();
    const printEvent = (event: SekishoEvent): Promise<void> => {
      io.stdout(`${JSON.stringify(event)}\n`);
      return Promise.resolve();
    };
    const outputs = flags.outputs === undefined ? null : await openEventOutputs(flags.outputs);
    const events: EventSink | undefined = fanOut(flags.logEvents === true ? { emit: printEvent } : undefined, outputs?.sink);
    let namespaces;
    try {
      namespaces = flags.inCluster === true ? new InClusterNamespaceLabels() : undefined;
    } catch (error) {
      throw new SekishoError('USAGE_INVALID', error instanceof Error ? error.message : String(error));
    }
    const controller = new AdmissionController({
      policy,
      ...remote,
      ...(namespaces === undefined ? {} : { namespaces }),
      ...(events === undefined ? {} : { events }),
      instance: process.env['POD_NAME'] ?? hostname(),
      onRemoteError: (call) => metrics.remoteErrors.inc({ call }),
    });
    const server = await createAdmissionServer({
      controller,
      certFile: flags.tlsCert,
      keyFile: flags.tlsKey,
      host: flags.host,
      port,
      maxBodyBytes,
      metrics,
      onWarning: (m) => io.stderr(`sekisho: warning: ${m}\n`),
    }).catch((error: unknown) => {
      throw new SekishoError('CONFIG_INVALID', `cannot use --tls-cert/--tls-key: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
    });
    const address = await server.listen();
    io.stderr(`sekisho: admission webhook listening on https://${address.address}:${address.port} (policy ${policy.metadata.name})\n`);
    await new Promise<void>((resolve) => {
      const stop = (): void => {
        process.off('SIGTERM', stop);
        process.off('SIGINT', stop);
        io.stderr('sekisho: admission webhook draining\n');
        void server.drain({ delayMs: shutdownDelay, graceMs: shutdownGrace }).then((cut) => {
          if (cut > 0) io.stderr(`sekisho: ${cut} review(s) still in flight after --shutdown-grace were cut\n`);
          resolve();
        });
      };
      process.once('SIGTERM', stop);
      process.once('SIGINT', stop);
      server.server.once('close', () => {
        process.off('SIGTERM', stop);
        process.off('SIGINT', stop);
        resolve();
      });
    });
    await outputs?.close();
    io.stderr('sekisho: admission webhook stopped\n');
  });
}

function reviewCommand(io: CliIo): Command {
  const command = new Command('review')
    .description('judge an AdmissionReview request offline and print the AdmissionReview response, exactly as the webhook would answer')
    .argument('<file>', 'AdmissionReview JSON (- reads standard input)')
    .addOption(new Option('--endpoint <endpoint>', 'answer as /validate or as /mutate').choices(['validate', 'mutate']).default('validate'))
    .option('--resolve-tags', 'ask registries which digest each tag points at (off: offline)');
  addRemoteOptions(command);
  return command.action(async (file: string, flags: ReviewFlags) => {
    const policy = await loadPolicy(flags.policy);
    const remote = await remoteOptions(flags, io);
    const body = parseJsonBody(await readReviewInput(file), { bytes: MAX_REVIEW_BYTES, depth: 100 });
    if (!body.ok) throw new SekishoError('CONFIG_INVALID', `${file}: ${body.message}`);
    const review = parseAdmissionReview(body.value);
    if (!review.ok) throw new SekishoError('CONFIG_INVALID', `${file}: ${review.message}`);
    const controller = new AdmissionController({ policy, ...remote });
    const outcome = await controller.review(review.request, flags.endpoint as Endpoint);
    io.stdout(`${JSON.stringify(reviewResponse(outcome.response), null, 2)}\n`);
    if (!outcome.response.allowed) {
      io.stderr(`${outcome.response.status?.message ?? 'sekisho: denied'}\n`);
      process.exitCode = EXIT_CODES.policy;
    }
  });
}

function manifestsCommand(io: CliIo): Command {
  return new Command('manifests')
    .description('print the webhook configurations, Deployment, Service, RBAC and cert-manager Certificate to install the webhook')
    .option('--namespace <namespace>', 'namespace the webhook runs in (excluded from admission with kube-system)', 'sekisho-system')
    .option('--name <name>', 'name of every object', 'sekisho-admission')
    .option('--image <image>', 'the sekisho image to run', 'ghcr.io/sekisho/sekisho:latest')
    .addOption(new Option('--mode <mode>', 'enforce fails closed (failurePolicy Fail); warn and audit fail open (Ignore)').choices(['enforce', 'warn', 'audit']).default('enforce'))
    .addOption(new Option('--failure-policy <policy>', 'override the failurePolicy the mode implies').choices(['Fail', 'Ignore']))
    .option('--timeout-seconds <n>', 'how long the API server waits for the webhook (1–30)', '5')
    .option('--replicas <n>', 'webhook replicas', '2')
    .option('--mutating', 'also install the mutating webhook (digest pinning, RuntimeDefault seccomp) for environments that opt in')
    .option('--judge-exec', 'also send kubectl exec/attach to the webhook: recorded, denied where an environment sets exec: deny')
    .option('--server <url>', 'Sekisho server for image verdicts')
    .option('--policy-config-map <name>', 'ConfigMap holding sekisho.yaml (default <name>-policy)')
    .action((flags: ManifestFlags) => {
      const manifests = admissionManifests({
        namespace: flags.namespace,
        name: flags.name,
        image: flags.image,
        mode: flags.mode as 'enforce' | 'warn' | 'audit',
        ...(flags.failurePolicy === undefined ? {} : { failurePolicy: flags.failurePolicy as 'Fail' | 'Ignore' }),
        timeoutSeconds: intFlag('--timeout-seconds', flags.timeoutSeconds, 1, 30),
        replicas: intFlag('--replicas', flags.replicas, 1, 100),
        mutating: flags.mutating === true,
        judgeExec: flags.judgeExec === true,
        ...(flags.server === undefined ? {} : { server: flags.server }),
        ...(flags.policyConfigMap === undefined ? {} : { policyConfigMap: flags.policyConfigMap }),
      });
      io.stdout(renderManifests(manifests));
    });
}

export function admissionCommand(io: CliIo = processIo): Command {
  return new Command('admission')
    .description('Kubernetes admission webhook: judge workloads with the policy before they run')
    .addCommand(serveCommand(io))
    .addCommand(reviewCommand(io))
    .addCommand(manifestsCommand(io));
}
