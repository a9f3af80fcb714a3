/**
 * One event stream through the rules: source items → (container facts joined) → detector →
 * alert handler. Malformed items are counted by reason, a rule that throws on an event is
 * counted, and neither stops the stream.
 */
import type { CompiledRule } from './engine.js';
import type { Detector, FalcoAlert } from './detector.js';
import type { ContainerFacts, ContainerIndex } from './enrich.js';
import type { ProcessEvent } from './fields-syscall.js';
import type { SourceItem } from './sources/source-item.js';

export interface StreamStats {
  events: number;
  alerts: number;
  malformed: number;
  /** Events a rule threw on (its alerts for that event are lost; the stream goes on). */
  errors: number;
  readonly malformedReasons: Map<string, number>;
}

export interface StreamOptions {
  readonly detector: Detector;
  readonly containers?: ContainerIndex;
  /** Learn container facts from audit events that carry pod objects (default true when `containers` is given). */
  readonly learnFromAudit?: boolean;
  readonly onAlert: (alert: FalcoAlert, context: { readonly event: Readonly<Record<string, unknown>>; readonly container?: ContainerFacts; readonly rule: CompiledRule }) => void | Promise<void>;
}

export function newStreamStats(): StreamStats {
  return { events: 0, alerts: 0, malformed: 0, errors: 0, malformedReasons: new Map() };
}

const MAX_REASONS = 64;

/** Handles one item; the alert handler's promises are awaited in order. */
export async function processItem(item: SourceItem, options: StreamOptions, stats: StreamStats): Promise<void> {
  if (item.kind === 'malformed') {
    stats.malformed++;
    const key = stats.malformedReasons.size >= MAX_REASONS && !stats.malformedReasons.has(item.reason) ? 'other' : item.reason;
    stats.malformedReasons.set(key, (stats.malformedReasons.get(key) ?? 0) + 1);
    return;
  }
  stats.events++;
  let event = item.event;
  let container: ContainerFacts | undefined;
  const index = options.containers;
  if (index !== undefined) {
    if (item.source === 'k8s_audit') {
      if (options.learnFromAudit !== false) index.learnFromAuditEvent(event);
    } else if (item.source === 'syscall' && typeof event['type'] === 'string') {
      const pe = event as unknown as ProcessEvent;
      const id = pe.container?.id;
      if (id !== undefined && id !== 'host') {
        container = index.get(id);
        if (container !== undefined) event = index.enrich(pe);
      }
    }
  }
  const pending: { alert: FalcoAlert; rule: CompiledRule }[] = [];
  try {
    options.detector.evaluate(item.source, event, item.timeNs, (alert, rule) => void pending.push({ alert, rule }));
  } catch {
    stats.errors++;
  }
  for (const { alert, rule } of pending) {
    stats.alerts++;
    await options.onAlert(alert, container === undefined ? { event, rule } : { event, container, rule });
  }
}

export async function runStream(items: AsyncIterable<SourceItem> | Iterable<SourceItem>, options: StreamOptions, stats: StreamStats = newStreamStats()): Promise<StreamStats> {
  for await (const item of items) await processItem(item, options, stats);
  return stats;
}
