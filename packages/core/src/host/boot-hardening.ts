import type { Severity } from '@sekisho/model';
import type { HostAuditContext } from './context.js';

/*
 * Kernel hardening switched off at boot (/proc/cmdline) and CPU side channels the kernel reports
 * as unmitigated (/sys/devices/system/cpu/vulnerabilities/*): on a shared host they let one
 * container read another's memory, or make kernel exploits easier. Only the named switches are
 * reported, never the whole command line (it may carry tokens).
 */

const CMDLINE_SWITCHES: readonly { readonly token: RegExp; readonly name: string; readonly severity: Severity; readonly why: string }[] = [
  {
    token: /^mitigations=off$/,
    name: 'mitigations=off',
    severity: 'medium',
    why: "every CPU side-channel mitigation (Spectre, Meltdown, MDS, L1TF…) is off: containers can read each other's and the kernel's memory",
  },
  { token: /^(nopti|pti=off)$/, name: 'nopti', severity: 'medium', why: 'kernel page-table isolation is off: Meltdown reads kernel memory on affected CPUs' },
  { token: /^spectre_v2=off$/, name: 'spectre_v2=off', severity: 'medium', why: 'Spectre v2 mitigations are off' },
  { token: /^nosmep$/, name: 'nosmep', severity: 'medium', why: 'SMEP is off: the kernel may execute user-space code, which simplifies kernel exploits' },
  { token: /^nosmap$/, name: 'nosmap', severity: 'medium', why: 'SMAP is off: the kernel may read user-space memory unchecked, which simplifies kernel exploits' },
  { token: /^nokaslr$/, name: 'nokaslr', severity: 'low', why: 'kernel address randomisation is off: exploits know where the kernel is' },
];

/** Side channels that leak across security domains (other containers, the kernel). */
const CROSS_DOMAIN = new Set([
  'meltdown',
  'l1tf',
  'mds',
  'spectre_v2',
  'retbleed',
  'spec_rstack_overflow',
  'mmio_stale_data',
  'tsx_async_abort',
  'gather_data_sampling',
  'reg_file_data_sampling',
  'srbds',
]);
const VULN_DIR = '/sys/devices/system/cpu/vulnerabilities';

export async function auditBootHardening(ctx: HostAuditContext): Promise<void> {
  const cmdline = await ctx.value('/proc/cmdline');
  if (cmdline !== null) {
    // Kernel parameters end at `--` (the rest goes to init).
    const end = cmdline.split(/\s+/).indexOf('--');
    const tokens = new Set((end < 0 ? cmdline.split(/\s+/) : cmdline.split(/\s+/).slice(0, end)).slice(0, 4096));
    for (const sw of CMDLINE_SWITCHES) {
      if (![...tokens].some((t) => sw.token.test(t))) continue;
      ctx.add({
        ruleId: `host-boot-${sw.name.replace('=', '-')}`,
        title: `Kernel booted with ${sw.name}`,
        severity: sw.severity,
        description: `${sw.why}.`,
        file: '/proc/cmdline',
        key: sw.name.split('=')[0]!,
        value: sw.name,
        fix: `Remove ${sw.name} from the kernel command line (GRUB_CMDLINE_LINUX) and reboot.`,
      });
    }
  }
  const names = await ctx.root.list(VULN_DIR);
  if (!Array.isArray(names)) return;
  for (const name of names.slice(0, 64)) {
    const state = await ctx.value(`${VULN_DIR}/${name}`);
    if (state === null || !/^Vulnerable/.test(state)) continue;
    ctx.add({
      ruleId: `host-cpu-${name}`,
      title: `CPU vulnerability ${name} is not mitigated`,
      severity: CROSS_DOMAIN.has(name) ? 'medium' : 'low',
      description: `The kernel reports "${state.slice(0, 200)}": ${CROSS_DOMAIN.has(name) ? 'a process in one container can read memory of other containers or the kernel' : 'a speculative-execution leak within a process or between processes'}.`,
      file: `${VULN_DIR}/${name}`,
      key: name,
      value: state.slice(0, 200),
      fix: 'Update the CPU microcode and the kernel; do not boot with mitigations disabled.',
    });
  }
}
