import { useMemo, useState } from 'preact/hooks';
import { Api } from '../api.js';
import { TimeChart } from '../chart.js';
import type { Series } from '../chart.js';
import { Status, useLoad } from '../components.js';

const COLORS = { critical: '#b00020', high: '#e4572e', medium: '#d9a400', low: '#3a86ff' } as const;

export function TrendsView() {
  const repos = useLoad(() => Api.images({ limit: 200 }), []);
  const names = useMemo(() => [...new Set((repos.data?.items ?? []).flatMap((i) => i.repositories))].sort(), [repos.data]);
  const [repository, setRepository] = useState('');
  const [bucket, setBucket] = useState<'day' | 'week'>('day');
  const chosen = repository || names[0] || '';
  const trend = useLoad(() => (chosen === '' ? Promise.resolve(null) : Api.trends({ repository: chosen, bucket })), [chosen, bucket]);
  const points = trend.data?.points ?? [];
  const x = useMemo(() => points.map((p) => Date.parse(p.at) / 1000), [points]);
  const open: Series[] = useMemo(() => (Object.keys(COLORS) as (keyof typeof COLORS)[]).map((s) => ({ label: s, color: COLORS[s], values: points.map((p) => p.open[s]) })), [points]);
  const flow: Series[] = useMemo(
    () => [
      { label: 'new', color: '#e4572e', values: points.map((p) => p.opened), bars: true },
      { label: 'fixed', color: '#2a9d8f', values: points.map((p) => p.fixed), bars: true },
    ],
    [points],
  );
  return (
    <section aria-labelledby="trends-title">
      <h1 id="trends-title">Trends</h1>
      <form class="filters" onSubmit={(e) => e.preventDefault()}>
        <label>
          Repository
          <select value={chosen} onChange={(e) => setRepository((e.target as HTMLSelectElement).value)} data-testid="trend-repository">
            {names.map((n) => (
              <option key={n} value={n}>
                {n}
              </option>
            ))}
          </select>
        </label>
        <label>
          Step
          <select value={bucket} onChange={(e) => setBucket((e.target as HTMLSelectElement).value as 'day' | 'week')}>
            <option value="day">days</option>
            <option value="week">weeks</option>
          </select>
        </label>
      </form>
      <Status error={repos.error ?? trend.error} loading={trend.loading && trend.data === null} />
      {points.length > 0 ? (
        <>
          <TimeChart title={`Open findings by severity: ${chosen}`} x={x} series={open} />
          <TimeChart title="New and fixed findings per step" x={x} series={flow} height={200} />
        </>
      ) : chosen === '' ? (
        <p class="muted">No repositories stored yet.</p>
      ) : null}
    </section>
  );
}
