import { describe, expect, it } from 'vitest';
import { isSekishoError } from '../errors.js';
import { parseCompose } from './compose/parse-compose.js';
import { loadKubernetesFile } from './kubernetes/load.js';

const enc = (s: string): Uint8Array => new TextEncoder().encode(s);
const indent = (text: string, by: string): string =>
  text
    .split('\n')
    .map((l) => by + l)
    .join('\n');

function kubeReasons(mapBody: string): string[] {
  return loadKubernetesFile('m.yaml', enc(`apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\ndata:\n${indent(mapBody, '  ')}\n`)).errors.map((e) => e.reason);
}

function composeOutcome(mapBody: string): string {
  try {
    parseCompose(`services:\n  a:\n    labels:\n${indent(mapBody, '      ')}\n`);
    return 'ok';
  } catch (error) {
    return isSekishoError(error) ? `${error.code}: ${error.message}` : String(error);
  }
}

const DUP_KUBE = ['document 0: invalid YAML: Map keys must be unique'];
const DUP_COMPOSE = 'CONFIG_INVALID: invalid YAML: Map keys must be unique';

/** Outcomes recorded with yaml's `uniqueKeys: true` (the previous implementation); they must not change. */
const CASES: readonly { yaml: string; kube: readonly string[]; compose: string }[] = [
  { yaml: 'a: 1\nb: 2\na: 3', kube: DUP_KUBE, compose: DUP_COMPOSE },
  { yaml: '{a: 1, a: 2}', kube: DUP_KUBE, compose: DUP_COMPOSE },
  { yaml: '"a": 1\na: 2', kube: DUP_KUBE, compose: DUP_COMPOSE },
  // Keys of different types are different keys.
  { yaml: '1: a\n"1": b', kube: [], compose: 'ok' },
  { yaml: '!!str 1: a\n1: b', kube: [], compose: 'ok' },
  // YAML 1.1 (Kubernetes) resolves both to true; YAML 1.2 (Compose) keeps `yes` a string.
  { yaml: 'yes: a\ntrue: b', kube: DUP_KUBE, compose: 'ok' },
  { yaml: '~: a\nnull: b', kube: DUP_KUBE, compose: DUP_COMPOSE },
  { yaml: '0: a\n-0: b', kube: DUP_KUBE, compose: DUP_COMPOSE },
  { yaml: '.nan: a\n.nan: b', kube: [], compose: 'ok' },
  // YAML 1.1 timestamps are Date objects (compared by identity); in 1.2 they are strings.
  { yaml: '2001-12-14: a\n2001-12-14: b', kube: [], compose: DUP_COMPOSE },
  { yaml: '? |\n  x\n: 1\n"x\\n": 2', kube: DUP_KUBE, compose: DUP_COMPOSE },
  // Collection and alias keys compare by identity.
  { yaml: '? [a]\n: 1\n? [a]\n: 2', kube: [], compose: 'ok' },
  { yaml: '&k a: 1\n*k : 2', kube: [], compose: 'ok' },
  // Nested maps, maps in sequences; single-pair flow maps in a sequence are separate maps.
  { yaml: 'x: {a: 1, b: {c: 1, c: 2}}', kube: DUP_KUBE, compose: DUP_COMPOSE },
  { yaml: 'x: [ {a: 1, a: 2} ]', kube: DUP_KUBE, compose: DUP_COMPOSE },
  { yaml: 'x: [ a: 1, a: 2 ]', kube: [], compose: 'ok' },
  // Merge keys may repeat.
  { yaml: '<<: {a: 1}\n<<: {b: 2}', kube: [], compose: 'ok' },
  // The first error in source order is the one reported.
  {
    yaml: 'a: 1\nb: [unclosed\na: 2',
    kube: ['document 0: invalid YAML: Flow sequence in block collection must be sufficiently indented and end with a ]'],
    compose: 'CONFIG_INVALID: invalid YAML: Flow sequence in block collection must be sufficiently indented and end with a ]',
  },
];

describe('duplicate YAML keys (Kubernetes and Compose loaders)', () => {
  it.each(CASES)('$yaml', ({ yaml, kube, compose }) => {
    expect(kubeReasons(yaml)).toEqual(kube);
    expect(composeOutcome(yaml)).toBe(compose);
  });

  it('keeps the other documents of a Kubernetes file when one has a duplicate key', () => {
    const r = loadKubernetesFile('m.yaml', enc('apiVersion: v1\nkind: Pod\nmetadata: {name: dup}\nspec: {hostPID: false, hostPID: true}\n---\napiVersion: v1\nkind: Pod\nmetadata: {name: good}\n'));
    expect(r.objects.map((o) => o.name)).toEqual(['good']);
    expect(r.errors.map((e) => e.reason)).toEqual(DUP_KUBE);
  });
});

/**
 * Scaling, not speed: the time for 2N keys over the time for N keys, in the same run. Linear
 * parsing gives ~2; the previous quadratic duplicate check gave ~4–5 (20k → 40k keys: 39 s → 199 s).
 */
function ratio(run: (keys: number) => void, n: number): number {
  run(n / 4); // warm up
  const time = (keys: number): number => {
    const start = performance.now();
    run(keys);
    return performance.now() - start;
  };
  // Interleaved, best of two: a busy machine slows single runs, rarely both.
  const small = [time(n)];
  const large = [time(2 * n)];
  small.push(time(n));
  large.push(time(2 * n));
  return Math.min(...large) / Math.min(...small);
}

const body = (keys: number, pad: string): string => Array.from({ length: keys }, (_, i) => `${pad}k${i}: v${i}`).join('\n');

describe('duplicate-key detection scales linearly', () => {
  it('Kubernetes: a ConfigMap with 40,000 keys costs about twice one with 20,000', () => {
    const r = ratio((keys) => {
      const out = loadKubernetesFile('m.yaml', enc(`apiVersion: v1\nkind: ConfigMap\nmetadata: {name: big}\ndata:\n${body(keys, '  ')}\n`));
      expect(out.errors).toEqual([]);
    }, 20_000);
    expect(r).toBeLessThan(3);
  });

  it('Compose: 20,000 labels cost about twice 10,000', () => {
    const r = ratio((keys) => {
      expect(parseCompose(`services:\n  a:\n    image: x\n    labels:\n${body(keys, '      ')}\n`).services).toHaveLength(1);
    }, 10_000);
    expect(r).toBeLessThan(3);
  });
});
