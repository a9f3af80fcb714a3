/**
 * Fields over events that arrive already extracted: a Falco alert's `output_fields` (a flat map of
 * `field` or `field[arg]` to a value). Every field of a base table (syscall or k8s_audit) is
 * available by name; a field the alert did not carry has no value, as in Falco's own `<NA>`.
 * The event time, number and source come from the alert itself.
 */
import type { AuditEventContext, Extracted, FieldDefinition } from './fields-k8saudit.js';

/** The `event` of a context built from a Falco alert. */
export type FlatEvent = {
  readonly fields: Readonly<Record<string, unknown>>;
  readonly source: string;
  readonly hostname?: string;
};

const flat = (ctx: AuditEventContext): FlatEvent => ctx.event as unknown as FlatEvent;

/** Fields the engine itself knows for every event: used when the alert did not carry them. */
const GENERIC = new Set(['evt.time', 'evt.time.iso8601', 'evt.rawtime', 'evt.num', 'evt.source', 'jevt.time', 'jevt.time.iso8601', 'jevt.rawtime']);

function valueOf(v: unknown, numeric: boolean): Extracted | undefined {
  if (v === undefined || v === null) return undefined;
  if (numeric) {
    if (typeof v === 'number' && Number.isInteger(v)) return [BigInt(v)];
    if (typeof v === 'string' && /^-?\d+$/.test(v)) return [BigInt(v)];
    return undefined;
  }
  if (typeof v === 'string') return [v];
  if (typeof v === 'number' || typeof v === 'boolean') return [String(v)];
  if (Array.isArray(v)) return v.map((x) => (typeof x === 'string' ? x : JSON.stringify(x)));
  return [JSON.stringify(v)];
}

function flatDefinition(base: FieldDefinition): FieldDefinition {
  const numeric = base.type !== 'string';
  const generic = GENERIC.has(base.name);
  const read = (ctx: AuditEventContext, key: string): Extracted | undefined => {
    const fields = flat(ctx).fields;
    if (Object.hasOwn(fields, key)) return valueOf(fields[key], numeric);
    if (base.name === 'evt.source') return [flat(ctx).source];
    if (base.name === 'evt.hostname') {
      const hostname = flat(ctx).hostname;
      return hostname === undefined ? undefined : [hostname];
    }
    return generic ? base.extract(ctx, undefined) : undefined;
  };
  return {
    name: base.name,
    description: base.description,
    type: base.type,
    list: base.list,
    arg: base.arg,
    extract: (ctx, arg) => read(ctx, arg === undefined ? base.name : `${base.name}[${arg}]`),
    bind: (arg) => {
      const key = arg === undefined ? base.name : `${base.name}[${arg}]`;
      return (ctx) => read(ctx, key);
    },
  };
}

/** The same field names as `base`, read from alerts' output_fields. */
export function flatFieldTable(base: ReadonlyMap<string, FieldDefinition>): ReadonlyMap<string, FieldDefinition> {
  const table = new FlatTable(base);
  for (const def of base.values()) table.set(def.name, flatDefinition(def));
  return table;
}

/** Keeps `evt.arg.NAME`-style dynamic names of the base table working. */
class FlatTable extends Map<string, FieldDefinition> {
  constructor(private readonly base: ReadonlyMap<string, FieldDefinition>) {
    super();
  }
  override get(name: string): FieldDefinition | undefined {
    const own = super.get(name);
    if (own !== undefined) return own;
    const dynamic = this.base.get(name);
    if (dynamic === undefined) return undefined;
    const def = flatDefinition(dynamic);
    this.set(name, def);
    return def;
  }
  override has(name: string): boolean {
    return this.get(name) !== undefined;
  }
}
