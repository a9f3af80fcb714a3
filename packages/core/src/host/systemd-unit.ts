import type { HostAuditContext } from './context.js';

/**
 * A systemd service as systemd would assemble it (systemd.unit(5)): the first unit file found in
 * the search path, then its drop-ins (`<name>.d/*.conf`) in name order. `ExecStart=` with an empty
 * value resets the list, so an override replaces the packaged command line. Environment files
 * are read so `$KUBELET_KUBEADM_ARGS` style variables can be expanded.
 */

const UNIT_DIRS = ['/etc/systemd/system', '/run/systemd/system', '/usr/local/lib/systemd/system', '/lib/systemd/system', '/usr/lib/systemd/system'];

export interface ServiceUnit {
  /** Files read, in order (unit file first). */
  readonly files: readonly string[];
  readonly unitFile: string | null;
  /** The effective ExecStart command line, variables expanded. */
  readonly execStart: string | null;
  /** The file the effective ExecStart came from. */
  readonly execStartFile: string | null;
}

export async function readServiceUnit(ctx: HostAuditContext, name: string): Promise<ServiceUnit | null> {
  let unitFile: string | null = null;
  let unitText: string | null = null;
  for (const dir of UNIT_DIRS) {
    const t = await ctx.text(`${dir}/${name}`, 256 * 1024);
    if (t !== null) {
      unitFile = `${dir}/${name}`;
      unitText = t;
      break;
    }
  }
  const parts: { file: string; text: string }[] = unitText === null || unitFile === null ? [] : [{ file: unitFile, text: unitText }];
  const dropIns = new Map<string, string>();
  for (const dir of UNIT_DIRS) {
    const names = await ctx.root.list(`${dir}/${name}.d`);
    if (!Array.isArray(names)) continue;
    // A drop-in of the same name in an earlier directory masks later ones.
    for (const n of names) if (n.endsWith('.conf') && !dropIns.has(n)) dropIns.set(n, `${dir}/${name}.d/${n}`);
  }
  for (const n of [...dropIns.keys()].sort()) {
    const file = dropIns.get(n)!;
    const t = await ctx.text(file, 256 * 1024);
    if (t !== null) parts.push({ file, text: t });
  }
  if (parts.length === 0) return null;

  const env = new Map<string, string>();
  let execStart: string | null = null;
  let execStartFile: string | null = null;
  for (const part of parts) {
    for (const [key, value] of serviceLines(part.text)) {
      if (key === 'Environment') for (const [k, v] of assignments(value)) env.set(k, v);
      else if (key === 'EnvironmentFile') {
        const path = value.replace(/^-/, '').trim();
        if (!path.startsWith('/')) continue;
        const t = await ctx.text(path, 256 * 1024);
        if (t !== null) for (const line of t.split('\n')) for (const [k, v] of assignments(line.trim())) if (!line.trim().startsWith('#')) env.set(k, v);
      } else if (key === 'ExecStart') {
        execStart = value === '' ? null : value;
        execStartFile = value === '' ? null : part.file;
      }
    }
  }
  const expanded = execStart === null ? null : execStart.replace(/\$\{(\w+)\}|\$(\w+)/g, (_m, a: string | undefined, b: string | undefined) => env.get(a ?? b ?? '') ?? '');
  return { files: parts.map((p) => p.file), unitFile, execStart: expanded, execStartFile };
}

/** `Key=value` lines of the [Service] section, continuation lines joined. */
function serviceLines(text: string): [string, string][] {
  const out: [string, string][] = [];
  let section = '';
  const lines = text.replace(/\\\r?\n/g, ' ').split(/\r?\n/);
  for (const raw of lines) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#') || line.startsWith(';')) continue;
    const sec = /^\[(.+)\]$/.exec(line);
    if (sec) {
      section = sec[1]!;
      continue;
    }
    if (section !== 'Service') continue;
    const eq = line.indexOf('=');
    if (eq <= 0) continue;
    out.push([line.slice(0, eq).trim(), line.slice(eq + 1).trim()]);
  }
  return out;
}

/** `A=1 "B=two words"` → [[A, 1], [B, two words]]; `KEY="--a --b"` in an env file. */
function assignments(text: string): [string, string][] {
  const out: [string, string][] = [];
  const re = /"(\w+)=([^"]*)"|(\w+)="([^"]*)"|(\w+)=(\S*)/g;
  for (const m of text.matchAll(re)) {
    const k = m[1] ?? m[3] ?? m[5];
    const v = m[2] ?? m[4] ?? m[6] ?? '';
    if (k !== undefined) out.push([k, v]);
  }
  return out;
}

/** Values of a command-line flag (`--flag=v`, `--flag v`, `-H v`), in order. */
export function flagValues(commandLine: string, ...names: string[]): string[] {
  const tokens = commandLine.match(/"[^"]*"|'[^']*'|\S+/g)?.map((t) => t.replace(/^["']|["']$/g, '')) ?? [];
  const out: string[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i]!;
    for (const n of names) {
      // `--flag value`, unless the next token is another flag (`--live-restore -H fd://`).
      if (t === n && i + 1 < tokens.length && !tokens[i + 1]!.startsWith('-')) out.push(tokens[i + 1]!);
      else if (t.startsWith(`${n}=`)) out.push(t.slice(n.length + 1));
    }
  }
  return out;
}

/** True when a boolean flag is present (`--tlsverify`, `--tlsverify=true`). */
export function flagOn(commandLine: string, name: string): boolean | null {
  const tokens = commandLine.match(/\S+/g) ?? [];
  for (const t of tokens) {
    if (t === name) return true;
    if (t.startsWith(`${name}=`)) return t.slice(name.length + 1).replace(/["']/g, '') !== 'false';
  }
  return null;
}
