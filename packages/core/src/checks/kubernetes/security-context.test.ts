import { describe, expect, it } from 'vitest';
import { loadKubernetesFile } from './load.js';
import { workloadOf } from './pod-spec.js';
import { effectiveSecurityContexts } from './security-context.js';

function contexts(yaml: string) {
  const o = loadKubernetesFile('p.yaml', new TextEncoder().encode(yaml)).objects[0]!;
  return effectiveSecurityContexts(workloadOf(o)!.pod);
}

describe('effective security context', () => {
  it('lets container fields override pod fields and records where each came from', () => {
    const [init, main] = contexts(`apiVersion: v1
kind: Pod
metadata:
  name: p
  annotations:
    container.apparmor.security.beta.kubernetes.io/main: unconfined
spec:
  securityContext: {runAsUser: 1000, runAsNonRoot: true, seccompProfile: {type: RuntimeDefault}, seLinuxOptions: {level: "s0:c1"}}
  initContainers:
  - name: init
    securityContext: {runAsUser: 0, seccompProfile: {type: Unconfined}}
  containers:
  - name: main
    securityContext: {seLinuxOptions: {type: spc_t}}
`);
    expect(init!.runAsUser).toEqual({ value: 0, path: 'spec.initContainers[0].securityContext.runAsUser' });
    expect(init!.seccomp.mode).toBe('Unconfined');
    expect(main!.runAsUser).toEqual({ value: 1000, path: 'spec.securityContext.runAsUser' });
    expect(main!.seccomp).toMatchObject({ mode: 'RuntimeDefault', path: 'spec.securityContext.seccompProfile.type' });
    expect(main!.appArmor).toMatchObject({ mode: 'Unconfined', path: 'metadata.annotations["container.apparmor.security.beta.kubernetes.io/main"]' });
    // SELinux options are taken whole from the container (its level does not merge with the pod's).
    expect(main!.seLinux.value).toEqual({ type: 'spc_t' });
  });

  it('derives privilege escalation: unset allows it, privileged or CAP_SYS_ADMIN force it', () => {
    const [a, b, c, d] = contexts(`apiVersion: v1
kind: Pod
metadata: {name: p}
spec:
  containers:
  - {name: a}
  - {name: b, securityContext: {allowPrivilegeEscalation: false}}
  - {name: c, securityContext: {allowPrivilegeEscalation: false, capabilities: {add: [SYS_ADMIN]}}}
  - {name: d, securityContext: {allowPrivilegeEscalation: false, privileged: true}}
`);
    expect([a, b, c, d].map((x) => x!.allowPrivilegeEscalation.value)).toEqual([true, false, true, true]);
    expect(a!.allowPrivilegeEscalationDeclared).toBeNull();
  });

  it('reads the pre-1.19 seccomp annotations, container annotation first', () => {
    const [a, b] = contexts(`apiVersion: v1
kind: Pod
metadata:
  name: p
  annotations:
    seccomp.security.alpha.kubernetes.io/pod: docker/default
    container.seccomp.security.alpha.kubernetes.io/b: localhost/prof.json
spec:
  containers: [{name: a}, {name: b}]
`);
    expect(a!.seccomp.mode).toBe('RuntimeDefault');
    expect(b!.seccomp).toMatchObject({ mode: 'Localhost', localhostProfile: 'prof.json' });
  });
});
