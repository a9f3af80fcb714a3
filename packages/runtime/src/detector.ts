/**
 * Runs compiled rules over events, one event at a time, and builds alerts in Falco's JSON alert
 * shape (falco.org "Falco Outputs / JSON output"; falcosidekick types.FalcoPayload).
 *
 * Rules are indexed by key fields (rule-index.ts): for each event only the rules whose condition
 * can be true for its `evt.type` / `ka.verb` + `ka.target.resource` run. The candidate list per
 * key value is computed once and cached (bounded: an input with endless distinct verbs falls back
 * to filtering, it never grows memory).
 */
import { hostname as osHostname } from 'node:os';
import { bindField } from './compile.js';
import { auditEventsOf, K8S_AUDIT_SOURCE, timestampNs, type CompiledRule, type RuleSet } from './engine.js';
import { isoTime, type AuditEventContext, type Extracted } from './fields-k8saudit.js';
import { PRIORITIES, type Priority } from './loader.js';
import { INDEX_FIELDS } from './rule-index.js';

/** One alert in Falco's JSON alert shape. */
export interface FalcoAlert {
  readonly time: string;
  readonly rule: string;
  readonly priority: Priority;
  readonly output: string;
  readonly output_fields: Record<string, string | number | null>;
  readonly source: string;
  readonly tags: readonly string[];
  readonly hostname: string;
}

export interface DetectorOptions {
  /** Defaults to $FALCO_HOSTNAME, else the machine's name. */
  readonly hostname?: string;
  /** Rules below this priority do not alert (Falco's `priority` setting). */
  readonly minimumPriority?: Priority;
}

export type AlertHandler = (alert: FalcoAlert, rule: CompiledRule, ctx: AuditEventContext) => void;

/** Cached candidate lists (all levels together); beyond it candidates are filtered per event. */
const MAX_CACHED_KEYS = 4096;

type Level = Map<string | undefined, Level | readonly CompiledRule[]>;

class SourceRules {
  private readonly cache: Level = new Map();
  private cached = 0;
  private readonly keyReaders: ((ctx: AuditEventContext) => Extracted | undefined)[];
  private readonly keyNames: readonly string[];

  constructor(
    readonly rules: readonly CompiledRule[],
    keyNames: readonly string[],
    ruleSet: RuleSet,
    source: string,
  ) {
    const table = ruleSet.fields.get(source);
    // A key field the table lacks cannot index: leave it out.
    this.keyNames = table === undefined ? [] : keyNames.filter((k) => table.has(k));
    this.keyReaders = table === undefined ? [] : this.keyNames.map((k) => bindField({ name: k, transformers: [], offset: 0 }, table).extract);
  }

  candidates(ctx: AuditEventContext): readonly CompiledRule[] {
    if (this.keyNames.length === 0) return this.rules;
    let level = this.cache;
    for (const [i, read] of this.keyReaders.entries()) {
      const v = read(ctx)?.[0];
      const key = typeof v === 'string' ? v : undefined;
      const next = level.get(key);
      if (next === undefined) {
        if (this.cached >= MAX_CACHED_KEYS) return this.filter(ctx);
        this.cached++;
        if (i === this.keyReaders.length - 1) {
          const list = this.filter(ctx);
          level.set(key, list);
          return list;
        }
        const created: Level = new Map();
        level.set(key, created);
        level = created;
      } else if (i === this.keyReaders.length - 1) return next as readonly CompiledRule[];
      else level = next as Level;
    }
    return this.rules;
  }

  private filter(ctx: AuditEventContext): readonly CompiledRule[] {
    const values = this.keyReaders.map((read) => {
      const v = read(ctx)?.[0];
      return typeof v === 'string' ? v : undefined;
    });
    return this.rules.filter((r) =>
      this.keyNames.every((k, i) => {
        const need = r.keys.get(k);
        const v = values[i];
        return need === undefined || (v !== undefined && need.has(v));
      }),
    );
  }
}

/** Evaluates events against a rule set, source by source. */
export class Detector {
  private readonly sources = new Map<string, SourceRules>();
  private readonly host: string;
  private seq = 0;

  constructor(ruleSet: RuleSet, options: DetectorOptions = {}) {
    this.host = options.hostname ?? process.env['FALCO_HOSTNAME'] ?? osHostname();
    const minRank = options.minimumPriority === undefined ? PRIORITIES.length : PRIORITIES.indexOf(options.minimumPriority);
    const bySource = new Map<string, CompiledRule[]>();
    for (const rule of ruleSet.rules) {
      if (!rule.enabled || PRIORITIES.indexOf(rule.priority) > minRank) continue;
      let list = bySource.get(rule.source);
      if (list === undefined) bySource.set(rule.source, (list = []));
      list.push(rule);
    }
    for (const [source, rules] of bySource) this.sources.set(source, new SourceRules(rules, INDEX_FIELDS[source] ?? [], ruleSet, source));
  }

  /** The number of active rules for a source. */
  activeRules(source: string): number {
    return this.sources.get(source)?.rules.length ?? 0;
  }

  /**
   * Runs the source's rules on one event; calls `onAlert` per match, in rule order. Returns the
   * match count. Without a handler no alert is built (counting only).
   */
  evaluate(source: string, event: Readonly<Record<string, unknown>>, timeNs: bigint, onAlert?: AlertHandler): number {
    const rules = this.sources.get(source);
    this.seq++;
    if (rules === undefined) return 0;
    const ctx: AuditEventContext = { event, timeNs, num: this.seq };
    let matched = 0;
    for (const rule of rules.candidates(ctx)) {
      if (!rule.matches(ctx)) continue;
      matched++;
      if (onAlert !== undefined) onAlert(this.alert(rule, ctx), rule, ctx);
    }
    return matched;
  }

  private alert(rule: CompiledRule, ctx: AuditEventContext): FalcoAlert {
    const { output, fields } = rule.format(ctx);
    const time = isoTime(ctx.timeNs);
    return {
      time,
      rule: rule.name,
      priority: rule.priority,
      output: `${time.slice(11, time.length - 1)}: ${rule.priority} ${output}`,
      output_fields: fields,
      source: rule.source,
      tags: rule.tags,
      hostname: this.host,
    };
  }
}

export type ReplayOptions = DetectorOptions;

export interface ReplayResult {
  readonly alerts: FalcoAlert[];
  readonly events: number;
  /** Inputs that are not audit events (or EventLists of them), skipped. */
  readonly malformed: number;
}

/** Runs every enabled k8s_audit rule over audit events, in order; malformed inputs are skipped and counted. */
export function replay(inputs: Iterable<unknown>, ruleSet: RuleSet, options: ReplayOptions = {}): ReplayResult {
  const detector = new Detector(ruleSet, options);
  const alerts: FalcoAlert[] = [];
  const collect = (a: FalcoAlert): void => void alerts.push(a);
  let events = 0;
  let malformed = 0;
  for (const input of inputs) {
    const found = auditEventsOf(input);
    if (found === undefined) {
      malformed++;
      continue;
    }
    for (const event of found) {
      events++;
      detector.evaluate(K8S_AUDIT_SOURCE, event, auditTimeNs(event), collect);
    }
  }
  return { alerts, events, malformed };
}

/** An audit event's time: stageTimestamp, else requestReceivedTimestamp, else 0. */
export function auditTimeNs(event: Readonly<Record<string, unknown>>): bigint {
  return timestampNs(event['stageTimestamp']) ?? timestampNs(event['requestReceivedTimestamp']) ?? 0n;
}
