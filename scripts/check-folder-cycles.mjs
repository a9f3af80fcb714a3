// Fails when the top-level folders of a package's src/ import each other in a cycle (e.g. scan/ →
// inventory/ → scan/), even when no single file is part of a cycle: dependency-cruiser's no-circular
// sees files only, and its --collapse option shapes output, not validation. Shipped modules only
// (tests and test helpers may reach across); type-only imports count, since they bind folders too.
// Usage: node scripts/check-folder-cycles.mjs  (run by `npm run lint:deps`)
import { spawnSync } from 'node:child_process';

const TEST_FILE = /(\.test\.ts$|\/__fixtures__\/|\/testing\/|\/test-[^/]*\.ts$|\/conformance-helpers\.ts$)/;
const FOLDER = /^(packages\/[^/]+\/src\/[^/]+)\//;

const run = spawnSync(process.execPath, ['node_modules/dependency-cruiser/bin/dependency-cruise.mjs', '--config', '.dependency-cruiser.cjs', '--output-type', 'json', 'packages'], {
  encoding: 'utf8',
  maxBuffer: 512 * 1024 * 1024,
});
if (run.status !== 0 && run.stdout === '') {
  process.stderr.write(run.stderr);
  process.exit(2);
}
const { modules } = JSON.parse(run.stdout);

/** folder → folder → one file edge that makes it (for the message) */
const edges = new Map();
for (const m of modules) {
  if (TEST_FILE.test(m.source)) continue;
  const from = FOLDER.exec(m.source)?.[1];
  if (from === undefined) continue;
  for (const d of m.dependencies) {
    const to = FOLDER.exec(d.resolved)?.[1];
    if (to === undefined || to === from || TEST_FILE.test(d.resolved)) continue;
    if (!edges.has(from)) edges.set(from, new Map());
    if (!edges.get(from).has(to)) edges.get(from).set(to, `${m.source} → ${d.resolved}`);
  }
}

// Tarjan's strongly connected components over the folder graph.
const index = new Map();
const low = new Map();
const stack = [];
const onStack = new Set();
const cycles = [];
let next = 0;
function visit(v) {
  index.set(v, next);
  low.set(v, next++);
  stack.push(v);
  onStack.add(v);
  for (const w of edges.get(v)?.keys() ?? []) {
    if (!index.has(w)) {
      visit(w);
      low.set(v, Math.min(low.get(v), low.get(w)));
    } else if (onStack.has(w)) low.set(v, Math.min(low.get(v), index.get(w)));
  }
  if (low.get(v) === index.get(v)) {
    const component = [];
    let w;
    do {
      w = stack.pop();
      onStack.delete(w);
      component.push(w);
    } while (w !== v);
    if (component.length > 1) cycles.push(component.sort());
  }
}
for (const v of edges.keys()) if (!index.has(v)) visit(v);

if (cycles.length === 0) {
  console.log(`folder cycles: none (${new Set([...edges.keys(), ...[...edges.values()].flatMap((m) => [...m.keys()])]).size} folders)`);
} else {
  for (const component of cycles) {
    console.error(`folder cycle: ${component.join(' ⇄ ')}`);
    for (const from of component) for (const [to, example] of edges.get(from) ?? []) if (component.includes(to)) console.error(`  ${from} → ${to}: ${example}`);
  }
  process.exit(1);
}
