import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { release } from 'node:os';
import { describe, expect, it } from 'vitest';
import { auditHost } from './audit-host.js';
import { AUDITED_SYSCTLS, sysctlPath } from './kernel-settings.js';

/** The machine the tests run on, audited as `sekisho host` does, and read again here independently. */
describe.skipIf(process.platform !== 'linux')('sekisho host on this machine', () => {
  it('reports the running kernel, the cgroup version and the sysctls as /proc and /sys state them', async () => {
    const a = await auditHost({ root: '/', today: new Date(), toolVersion: 'test' });

    const osrelease = readFileSync('/proc/sys/kernel/osrelease', 'utf8').trim();
    expect(a.facts.kernel?.release).toBe(osrelease);
    expect(a.facts.kernel?.release).toBe(release()); // uname -r

    const cgroup = existsSync('/sys/fs/cgroup/cgroup.controllers') ? 2 : existsSync('/sys/fs/cgroup') && readdirSync('/sys/fs/cgroup').some((d) => ['memory', 'cpu', 'pids'].includes(d)) ? 1 : null;
    expect(a.facts.cgroupVersion).toBe(cgroup);

    let compared = 0;
    for (const name of AUDITED_SYSCTLS) {
      const file = sysctlPath(name);
      if (!existsSync(file)) {
        expect(a.facts.sysctls[name], name).toBeUndefined();
        continue;
      }
      expect(a.facts.sysctls[name], name).toBe(readFileSync(file, 'utf8').trim());
      compared++;
    }
    expect(compared).toBeGreaterThanOrEqual(3);

    const maxNs = existsSync('/proc/sys/user/max_user_namespaces') ? Number(readFileSync('/proc/sys/user/max_user_namespaces', 'utf8')) : null;
    expect(a.facts.userNamespaces.supported).toBe(maxNs === null ? null : maxNs > 0);
    if (existsSync('/proc/sys/kernel/seccomp/actions_avail')) expect(a.facts.seccompSupported).toBe(true);
  });
});
