import type { Finding, Report } from '@sekisho/model';
import { SEVERITIES, toReportDocument } from '@sekisho/model';
import { SekishoError } from '../../errors.js';
import type { Reporter, ReporterPlugin } from '../types.js';

/**
 * A small logic-less text template language, a subset of Mustache
 * (https://mustache.github.io/mustache.5.html) with filters, so users can shape output without
 * Go templates or any code: templates only read data, never call it.
 *
 *   {{path.to.value}}           the value (dotted path, looked up from the innermost section out)
 *   {{value | json}}            filters: json (a JSON string literal), xml, upper, lower, csv
 *   {{#list}}…{{/list}}         repeat for each item; for a non-empty value render once inside it
 *   {{^list}}…{{/list}}         render when the value is missing, false, or empty
 *   {{.}}                       the current item
 *   {{! comment }}
 *
 * Only own, enumerable data properties of plain objects and arrays are read; functions and
 * prototype members (`constructor`, `__proto__`) resolve to nothing.
 */
export const TEMPLATE_LIMITS = { maxTemplateBytes: 256 * 1024, maxDepth: 32, maxOutputChars: 64 * 1024 * 1024, maxTags: 100_000 } as const;

type Node =
  | { readonly type: 'text'; readonly text: string }
  | { readonly type: 'var'; readonly path: string; readonly filters: readonly string[] }
  | { readonly type: 'section'; readonly path: string; readonly inverted: boolean; readonly children: readonly Node[] };

const FILTERS: Readonly<Record<string, (s: string) => string>> = {
  json: (s) => JSON.stringify(s),
  xml: (s) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&apos;'),
  upper: (s) => s.toUpperCase(),
  lower: (s) => s.toLowerCase(),
  csv: (s) => (/[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s),
};

const PATH = /^(\.|[A-Za-z_$][\w$-]*(\.[A-Za-z_$][\w$-]*)*)$/;

function fail(message: string): never {
  throw new SekishoError('USAGE_INVALID', `template: ${message}`);
}

/** Parse a template into a tree; throws USAGE_INVALID with the position of a mistake. */
export function parseTemplate(template: string): readonly Node[] {
  if (template.length > TEMPLATE_LIMITS.maxTemplateBytes) fail(`larger than ${TEMPLATE_LIMITS.maxTemplateBytes} bytes`);
  const root: Node[] = [];
  const stack: { path: string; inverted: boolean; children: Node[]; at: number }[] = [];
  let current = root;
  let pos = 0;
  let tags = 0;
  while (pos < template.length) {
    const open = template.indexOf('{{', pos);
    if (open === -1) {
      current.push({ type: 'text', text: template.slice(pos) });
      break;
    }
    if (open > pos) current.push({ type: 'text', text: template.slice(pos, open) });
    const close = template.indexOf('}}', open + 2);
    if (close === -1) fail(`unclosed tag at offset ${open}`);
    if (++tags > TEMPLATE_LIMITS.maxTags) fail('too many tags');
    const body = template.slice(open + 2, close).trim();
    pos = close + 2;
    const sigil = body[0];
    if (sigil === '!') continue;
    if (sigil === '#' || sigil === '^') {
      const path = body.slice(1).trim();
      if (!PATH.test(path)) fail(`bad section name "${path.slice(0, 40)}" at offset ${open}`);
      if (stack.length >= TEMPLATE_LIMITS.maxDepth) fail('sections nested too deeply');
      const frame = { path, inverted: sigil === '^', children: [] as Node[], at: open };
      current.push({ type: 'section', path, inverted: frame.inverted, children: frame.children });
      stack.push(frame);
      current = frame.children;
      continue;
    }
    if (sigil === '/') {
      const path = body.slice(1).trim();
      const frame = stack.pop();
      if (frame === undefined || frame.path !== path) fail(`{{/${path.slice(0, 40)}}} at offset ${open} closes nothing open`);
      current = stack.length === 0 ? root : stack[stack.length - 1]!.children;
      continue;
    }
    const [rawPath = '', ...filters] = body.split('|').map((s) => s.trim());
    if (!PATH.test(rawPath)) fail(`bad tag "${body.slice(0, 40)}" at offset ${open}`);
    for (const f of filters) if (!(f in FILTERS)) fail(`unknown filter "${f.slice(0, 20)}" at offset ${open}`);
    current.push({ type: 'var', path: rawPath, filters });
  }
  const unclosed = stack.pop();
  if (unclosed !== undefined) fail(`section "${unclosed.path}" opened at offset ${unclosed.at} is not closed`);
  return root;
}

function own(value: unknown, key: string): unknown {
  if (typeof value !== 'object' || value === null) return undefined;
  if (!Object.prototype.hasOwnProperty.call(value, key)) return undefined;
  const proto = Object.getPrototypeOf(value) as unknown;
  if (proto !== Object.prototype && proto !== Array.prototype && proto !== null) return undefined;
  const v = (value as Record<string, unknown>)[key];
  return typeof v === 'function' ? undefined : v;
}

function lookup(stack: readonly unknown[], path: string): unknown {
  if (path === '.') return stack[stack.length - 1];
  const [head = '', ...rest] = path.split('.');
  for (let i = stack.length - 1; i >= 0; i--) {
    const scope = stack[i];
    if (typeof scope === 'object' && scope !== null && Object.prototype.hasOwnProperty.call(scope, head)) {
      let value = own(scope, head);
      for (const key of rest) value = own(value, key);
      return value;
    }
  }
  return undefined;
}

function text(value: unknown): string {
  if (value === undefined || value === null) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (Array.isArray(value)) return value.map(text).join(', ');
  return JSON.stringify(value);
}

function truthy(value: unknown): boolean {
  if (Array.isArray(value)) return value.length > 0;
  return value !== undefined && value !== null && value !== false && value !== '' && value !== 0;
}

/** Render a parsed template over plain data. */
export function renderTemplate(nodes: readonly Node[], data: unknown): string {
  const out: string[] = [];
  let size = 0;
  const emit = (s: string): void => {
    size += s.length;
    if (size > TEMPLATE_LIMITS.maxOutputChars) fail(`output larger than ${TEMPLATE_LIMITS.maxOutputChars} characters`);
    out.push(s);
  };
  const walk = (list: readonly Node[], stack: unknown[]): void => {
    for (const node of list) {
      if (node.type === 'text') emit(node.text);
      else if (node.type === 'var') emit(node.filters.reduce((s, f) => FILTERS[f]!(s), text(lookup(stack, node.path))));
      else {
        const value = lookup(stack, node.path);
        if (node.inverted) {
          if (!truthy(value)) walk(node.children, stack);
        } else if (Array.isArray(value)) {
          for (const item of value) walk(node.children, [...stack, item]);
        } else if (truthy(value)) {
          walk(node.children, typeof value === 'object' ? [...stack, value] : stack);
        }
      }
    }
  };
  walk(nodes, [data]);
  return out.join('');
}

/** The data a template sees: the report, plus `vulnerabilities` (vulnerability findings only) and `summary` counts per severity. */
export function templateData(report: Report): Record<string, unknown> {
  const vulnerabilities = report.findings.filter((f: Finding) => f.kind === 'vulnerability');
  const summary: Record<string, number> = { total: report.findings.length, vulnerabilities: vulnerabilities.length };
  for (const s of SEVERITIES) summary[s] = report.findings.filter((f) => f.severity === s).length;
  return JSON.parse(JSON.stringify({ ...toReportDocument(report), vulnerabilities, summary })) as Record<string, unknown>;
}

export const id = 'template';
export const version = 1;

/** A reporter that renders the report through a user's template (`--format template --template FILE`). */
export function templateReporter(template: string): Reporter {
  const nodes = parseTemplate(template);
  return { id, mediaType: 'text/plain', specVersions: ['1'], render: (report) => renderTemplate(nodes, templateData(report)) };
}

/** `--format template`: needs the template's text (`--template FILE`); without it there is no reporter. */
export const templateReporterPlugin: ReporterPlugin = {
  id,
  views: ['scan'],
  create: (options) => (options.template == null ? undefined : templateReporter(options.template)),
};
