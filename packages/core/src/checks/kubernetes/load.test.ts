import { describe, expect, it } from 'vitest';
import { KUBE_LIMITS, loadKubernetesFile } from './load.js';
import { workloadOf } from './pod-spec.js';

const enc = (s: string) => new TextEncoder().encode(s);

describe('loadKubernetesFile', () => {
  it('reads multi-document YAML, JSON documents and List items with their indexes', () => {
    const text = [
      'apiVersion: v1\nkind: ServiceAccount\nmetadata: {name: a, namespace: n}',
      '{"apiVersion": "v1", "kind": "List", "items": [{"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p"}, "spec": {"containers": [{"name": "c"}]}}]}',
      '# only a comment',
      'apiVersion: batch/v1\nkind: CronJob\nmetadata: {name: cj}\nspec:\n  jobTemplate:\n    spec:\n      template:\n        spec:\n          containers: [{name: c, image: x}]',
    ].join('\n---\n');
    const r = loadKubernetesFile('m.yaml', enc(text));
    expect(r.errors).toEqual([]);
    expect(r.objects.map((o) => [o.kind, o.document, o.pathPrefix])).toEqual([
      ['ServiceAccount', 0, ''],
      ['Pod', 1, 'items[0].'],
      ['CronJob', 3, ''],
    ]);
    expect(workloadOf(r.objects[1]!)?.pod.containers[0]?.path).toBe('items[0].spec.containers[0]');
    expect(workloadOf(r.objects[2]!)?.pod.containers[0]?.path).toBe('spec.jobTemplate.spec.template.spec.containers[0]');
  });

  it('reads YAML 1.1 booleans as the API server does', () => {
    const r = loadKubernetesFile('m.yaml', enc('apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  hostPID: yes\n  containers: [{name: c}]'));
    expect(workloadOf(r.objects[0]!)?.pod.hostPID).toBe(true);
  });

  it('stops alias bombs, deep nesting and duplicate keys per document and keeps the other documents', () => {
    const bomb = ['a: &a ["x","x","x","x","x","x","x","x","x","x"]'];
    for (let i = 0; i < 9; i++)
      bomb.push(
        `${String.fromCharCode(98 + i)}: &${String.fromCharCode(98 + i)} [${Array(10)
          .fill(`*${String.fromCharCode(97 + i)}`)
          .join(',')}]`,
      );
    const docs = [
      `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: bomb}\ndata:\n${bomb.map((l) => `  ${l}`).join('\n')}`,
      'apiVersion: v1\nkind: Pod\nmetadata: {name: dup}\nspec: {hostPID: false, hostPID: true}',
      'apiVersion: v1\nkind: Pod\nmetadata: {name: good}\nspec: {containers: [{name: c}]}',
    ];
    const r = loadKubernetesFile('m.yaml', enc(docs.join('\n---\n')));
    expect(r.objects.map((o) => o.name)).toEqual(['good']);
    expect(r.errors.map((e) => e.reason.slice(0, 11))).toEqual(['document 0:', 'document 1:']);
    const deep = loadKubernetesFile('d.yaml', enc(`x: ${'['.repeat(KUBE_LIMITS.depth + 5)}${']'.repeat(KUBE_LIMITS.depth + 5)}`));
    expect(deep.errors[0]?.reason).toMatch(/nesting deeper/);
  });

  it('reports binary files, invalid YAML, non-objects and invalid kinds without throwing', () => {
    expect(loadKubernetesFile('b.yaml', new Uint8Array([0x7f, 0x45, 0x4c, 0x46, 0, 0, 1])).errors[0]?.reason).toBe('binary or not UTF-8 text');
    expect(loadKubernetesFile('i.yaml', enc('a: [unclosed')).errors[0]?.reason).toMatch(/invalid YAML/);
    expect(loadKubernetesFile('s.yaml', enc('- just\n- a list')).errors[0]?.reason).toMatch(/not a mapping/);
    expect(loadKubernetesFile('k.yaml', enc('apiVersion: v1\nkind: "Pod; rm -rf"')).errors[0]?.reason).toMatch(/not a Kubernetes object/);
    expect(loadKubernetesFile('big.yaml', new Uint8Array(KUBE_LIMITS.fileBytes + 1)).errors[0]?.reason).toMatch(/larger than/);
  });

  it('keeps unknown fields and unknown kinds out of the way', () => {
    const r = loadKubernetesFile(
      'u.yaml',
      enc(
        'apiVersion: example.com/v1\nkind: Widget\nmetadata: {name: w}\nspec: {containers: 3}\n---\napiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec: {unknownField: 1, containers: [{name: c, privileged: true, securityContext: {privileged: "true"}}]}',
      ),
    );
    expect(r.errors).toEqual([]);
    expect(workloadOf(r.objects[0]!)).toBeNull();
    // A string where the API wants a boolean is not `true` (the API server would reject the pod).
    expect(workloadOf(r.objects[1]!)?.pod.containers[0]?.securityContext?.privileged).toBeUndefined();
  });
});
