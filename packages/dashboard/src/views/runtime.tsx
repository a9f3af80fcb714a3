import { useMemo, useState } from 'preact/hooks';
import type { EventKind, EventResult, Severity } from '@sekisho/model';
import { Api } from '../api.js';
import { TimeChart } from '../chart.js';
import type { Series } from '../chart.js';
import { SeverityBadge, Status, useLoad, usePager } from '../components.js';

const KINDS: readonly { value: string; label: string; kinds: readonly EventKind[] }[] = [
  { value: 'runtime,admission,rasp', label: 'runtime, admission and in-app', kinds: ['runtime', 'admission', 'rasp'] },
  { value: 'runtime', label: 'runtime alerts', kinds: ['runtime'] },
  { value: 'admission', label: 'admission decisions', kinds: ['admission'] },
  { value: 'rasp', label: 'in-app protection', kinds: ['rasp'] },
  { value: 'host', label: 'host audits', kinds: ['host'] },
  { value: '', label: 'every kind', kinds: [] },
];
const WINDOWS = { '24h': { ms: 86_400_000, bucket: 'hour' }, '7d': { ms: 7 * 86_400_000, bucket: 'hour' }, '30d': { ms: 30 * 86_400_000, bucket: 'day' } } as const;
const PLOTTED: readonly { severity: Severity; color: string }[] = [
  { severity: 'critical', color: '#b00020' },
  { severity: 'high', color: '#d1495b' },
  { severity: 'medium', color: '#b07d00' },
  { severity: 'low', color: '#3a6ea5' },
];

/** Runtime alerts, admission decisions and in-app detections as they were reported: a plot per hour or day and a filtered timeline. */
export function RuntimeView() {
  const [kind, setKind] = useState('runtime,admission,rasp');
  const [minSeverity, setMinSeverity] = useState<Severity | ''>('');
  const [result, setResult] = useState<EventResult | ''>('');
  const [namespace, setNamespace] = useState('');
  const [period, setPeriod] = useState<keyof typeof WINDOWS>('7d');
  const { cursor, reset, pager } = usePager();
  const kinds = KINDS.find((k) => k.value === kind)?.kinds ?? [];
  // the window's end is fixed when the filters change, so paging and the plot see the same events
  const range = useMemo(() => {
    const to = new Date();
    return { from: new Date(to.getTime() - WINDOWS[period].ms).toISOString(), to: to.toISOString() };
  }, [kind, minSeverity, result, namespace, period]);
  const filter = { kind: kinds, minSeverity, result, namespace: namespace.trim(), ...range };
  const deps = [kind, minSeverity, result, namespace, range];
  const events = useLoad(() => Api.events({ ...filter, cursor, limit: 50 }), [...deps, cursor]);
  const histogram = useLoad(() => Api.eventHistogram({ ...filter, bucket: WINDOWS[period].bucket }), deps);
  const plot = useMemo(() => {
    const h = histogram.data;
    if (h === null) return null;
    const x = h.buckets.map((b) => Date.parse(b.at) / 1000);
    const series: Series[] = PLOTTED.map((p) => ({ label: p.severity, color: p.color, values: h.buckets.map((b) => b.counts[p.severity]), bars: true }));
    return { x, series, total: h.buckets.reduce((n, b) => n + Object.values(b.counts).reduce((a, c) => a + c, 0), 0) };
  }, [histogram.data]);
  // each select offers only its own values, so the cast names what the element can hold
  const on = (set: (v: string) => void) => (e: Event) => {
    set((e.target as HTMLSelectElement | HTMLInputElement).value);
    reset();
  };
  return (
    <section aria-labelledby="runtime-title">
      <h1 id="runtime-title">Runtime and admission events</h1>
      <form class="filters" onSubmit={(e) => e.preventDefault()}>
        <label>
          Kind
          <select value={kind} onChange={on(setKind)} data-testid="event-kind">
            {KINDS.map((k) => (
              <option key={k.value} value={k.value}>
                {k.label}
              </option>
            ))}
          </select>
        </label>
        <label>
          At least
          <select value={minSeverity} onChange={on((v) => setMinSeverity(v as Severity | ''))} data-testid="event-severity">
            <option value="">any severity</option>
            <option value="critical">critical</option>
            <option value="high">high</option>
            <option value="medium">medium</option>
            <option value="low">low</option>
          </select>
        </label>
        <label>
          Result
          <select value={result} onChange={on((v) => setResult(v as EventResult | ''))} data-testid="event-result">
            <option value="">any</option>
            <option value="detected">detected</option>
            <option value="blocked">blocked</option>
            <option value="denied">denied</option>
            <option value="warned">warned</option>
            <option value="allowed">allowed</option>
          </select>
        </label>
        <label>
          Namespace <input type="search" value={namespace} placeholder="exact" onInput={on(setNamespace)} data-testid="event-namespace" />
        </label>
        <label>
          Window
          <select value={period} onChange={on((v) => setPeriod(v as keyof typeof WINDOWS))} data-testid="event-window">
            <option value="24h">last 24 hours</option>
            <option value="7d">last 7 days</option>
            <option value="30d">last 30 days</option>
          </select>
        </label>
      </form>
      <Status error={histogram.error} loading={histogram.loading && histogram.data === null} />
      {plot !== null ? (
        <>
          <p class="small muted" data-testid="event-total">
            {plot.total} event(s) in the window
          </p>
          <TimeChart x={plot.x} series={plot.series} height={200} title={`Events per ${WINDOWS[period].bucket} by severity`} />
        </>
      ) : null}
      <Status error={events.error} loading={events.loading && events.data === null} />
      {events.data !== null && events.data.items.length === 0 ? <p class="muted">No events match.</p> : null}
      <ol class="timeline" data-testid="event-timeline">
        {(events.data?.items ?? []).map(({ event: e }) => (
          <li key={e.id} class={e.result === 'denied' || e.result === 'blocked' || e.severity === 'critical' ? 'bad' : ''}>
            <time dateTime={e.time}>{e.time.replace('T', ' ').slice(0, 19)}</time> <SeverityBadge severity={e.severity} /> <strong>{e.action}</strong> {e.result} · {e.kind} on{' '}
            <span class="mono">{e.subject.namespace !== undefined && e.subject.name !== undefined ? `${e.subject.namespace}/${e.subject.name}` : e.subject.id}</span>
            <span class="small muted">
              {' '}
              from {e.source.component} {e.source.instance}
            </span>
            {e.reasons.length > 0 ? <div class="small">{e.reasons.slice(0, 3).join(' · ')}</div> : null}
          </li>
        ))}
      </ol>
      {pager(events.data?.nextCursor, 'event pages')}
    </section>
  );
}
