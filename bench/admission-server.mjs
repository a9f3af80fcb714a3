// The webhook under load for bench/admission.mjs, in its own process so the load generator does
// not share its event loop. Argument: the scenario (pod-spec | cached-verdict). Prints the port.
import { createServer } from 'node:http';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import selfsigned from 'selfsigned';
import { parsePolicy } from '../packages/core/dist/index.js';
import { AdmissionController, HttpVerdictSource, createAdmissionServer } from '../packages/admission/dist/index.js';

const scenario = process.argv[2] ?? 'pod-spec';
const POLICIES = {
  // judged from the pod spec alone: PSS restricted
  'pod-spec': `apiVersion: sekisho.dev/v1
kind: Policy
metadata: { name: bench }
environments:
  prod: { admission: { mode: enforce, podSecurity: { level: restricted, version: latest } } }
defaultEnvironment: prod
`,
  // the image is judged by the server's stored decision, cached after the first request
  'cached-verdict': `apiVersion: sekisho.dev/v1
kind: Policy
metadata: { name: bench }
rules:
  no-critical: { kind: vulnerabilities, severity: critical }
environments:
  prod: { admission: { mode: enforce, podSecurity: { level: restricted, version: latest }, onMissingScan: deny } }
defaultEnvironment: prod
`,
};

let verdicts;
if (scenario === 'cached-verdict') {
  const decision = {
    schema: 'sekisho.decision/v1',
    policy: 'bench',
    environment: 'prod',
    result: 'pass',
    score: 100,
    grade: 'A',
    rules: [],
    exceptions: { applied: [], expired: [] },
    evaluatedAt: new Date().toISOString(),
  };
  const fake = createServer((req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify(req.url.includes('/decisions') ? { items: [{ decision }], nextCursor: null } : { lastScannedAt: decision.evaluatedAt }));
  });
  await new Promise((r) => fake.listen(0, '127.0.0.1', r));
  verdicts = new HttpVerdictSource({ server: `http://127.0.0.1:${fake.address().port}` });
}

const pems = await selfsigned.generate([{ name: 'commonName', value: 'localhost' }], { keyType: 'ec', curve: 'P-256', algorithm: 'sha256' });
const dir = mkdtempSync(join(tmpdir(), 'sekisho-bench-'));
writeFileSync(join(dir, 'tls.crt'), pems.cert);
writeFileSync(join(dir, 'tls.key'), pems.private);
const controller = new AdmissionController({ policy: parsePolicy(POLICIES[scenario], 'bench.yaml'), ...(verdicts === undefined ? {} : { verdicts }) });
const server = await createAdmissionServer({ controller, certFile: join(dir, 'tls.crt'), keyFile: join(dir, 'tls.key'), host: '127.0.0.1', port: 0, maxConnections: 5000 });
const { port } = await server.listen();
process.stdout.write(`${port}\n`);
process.on('message', async (m) => {
  if (m === 'stop') {
    await server.close();
    process.exit(0);
  }
});
