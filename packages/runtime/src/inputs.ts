/**
 * The event inputs Sekisho reads, and for each the rule sources it feeds, the field tables its
 * events are read with and the fields it fills. Rules are loaded per input: a rule that needs a
 * field the input does not fill is reported as not loadable for it.
 */
import { K8S_AUDIT_SOURCE, type LoadOptions } from './engine.js';
import { flatFieldTable } from './fields-flat.js';
import { K8S_AUDIT_FIELDS, type FieldDefinition } from './fields-k8saudit.js';
import { SYSCALL_FIELDS } from './fields-syscall.js';
import { auditLineItems } from './sources/k8s-audit.js';
import { falcoAlertLineItems } from './sources/falco-json.js';
import { processLineItems } from './sources/process-json.js';
import { PROC_PROVIDES } from './sources/proc-sampler.js';
import type { SourceItem } from './sources/source-item.js';
import { TETRAGON_PROVIDES, tetragonLineItems } from './sources/tetragon.js';
import type { JsonLimits } from './sources/bounded-json.js';

export const SYSCALL_SOURCE = 'syscall';

export const INPUT_KINDS = ['k8s_audit', 'syscall', 'falco-json', 'tetragon', 'proc'] as const;
export type InputKind = (typeof INPUT_KINDS)[number];

export interface InputProfile {
  readonly kind: InputKind;
  readonly fields: ReadonlyMap<string, ReadonlyMap<string, FieldDefinition>>;
  readonly provided?: ReadonlyMap<string, ReadonlySet<string>>;
  /** Decodes one line of a recording of this input; the proc sampler has none. */
  readonly decodeLine?: (line: string, limits?: JsonLimits) => SourceItem[];
}

type Tables = ReadonlyMap<string, ReadonlyMap<string, FieldDefinition>>;
const FLAT: Tables = new Map([
  [SYSCALL_SOURCE, flatFieldTable(SYSCALL_FIELDS)],
  [K8S_AUDIT_SOURCE, flatFieldTable(K8S_AUDIT_FIELDS)],
]);

const PROFILES: Readonly<Record<InputKind, InputProfile>> = {
  k8s_audit: { kind: 'k8s_audit', fields: new Map([[K8S_AUDIT_SOURCE, K8S_AUDIT_FIELDS]]), decodeLine: auditLineItems },
  syscall: { kind: 'syscall', fields: new Map([[SYSCALL_SOURCE, SYSCALL_FIELDS]]), decodeLine: processLineItems },
  'falco-json': { kind: 'falco-json', fields: FLAT, decodeLine: falcoAlertLineItems },
  tetragon: { kind: 'tetragon', fields: new Map([[SYSCALL_SOURCE, SYSCALL_FIELDS]]), provided: new Map([[SYSCALL_SOURCE, TETRAGON_PROVIDES]]), decodeLine: tetragonLineItems },
  proc: { kind: 'proc', fields: new Map([[SYSCALL_SOURCE, SYSCALL_FIELDS]]), provided: new Map([[SYSCALL_SOURCE, PROC_PROVIDES]]) },
};

export function inputProfile(kind: InputKind): InputProfile {
  return PROFILES[kind];
}

export function isInputKind(text: string): text is InputKind {
  return (INPUT_KINDS as readonly string[]).includes(text);
}

/** loadRules options for rules that will run on this input. */
export function loadOptionsFor(kind: InputKind): LoadOptions {
  const p = PROFILES[kind];
  return { fields: p.fields, inputName: kind, ...(p.provided === undefined ? {} : { provided: p.provided }) };
}

/** Every source with its full field table: what `validate` checks rules against. */
export const ALL_SOURCES_LOAD_OPTIONS: LoadOptions = {
  fields: new Map([
    [K8S_AUDIT_SOURCE, K8S_AUDIT_FIELDS],
    [SYSCALL_SOURCE, SYSCALL_FIELDS],
  ]),
};
