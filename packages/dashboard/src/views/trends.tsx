import { useMemo, useState } from 'preact/hooks';
import { Api } from '../api.js';
import { TimeChart } from '../chart.js';
import type { Series } from '../chart.js';
import { Status, useLoad } from '../components.js';

const COLORS = { critical: '#b00020', high: '#e4572e', medium: '#d9a400', low: '#3a86ff' } as const;

export function TrendsView() {
  const repos = useLoad(() => Api.images({ limit: 200 }), []);
  const names = useMemo(() => [...new Set((repos.data?.items ?? []).flatMap((i) => i.repositories))].sort(), [repos.data]);
  const environments = useLoad(() => Api.overview({}), []);
  const [repository, setRepository] = useState('');
  const [environment, setEnvironment] = useState('');
  const [bucket, setBucket] = useState<'day' | 'week'>('day');
  const chosen = repository || names[0] || '';
  const scope = environment === '' ? { repository: chosen } : { environment };
  const label = environment === '' ? chosen : `environment ${environment}`;
  const trend = useLoad(() => (environment === '' && chosen === '' ? Promise.resolve(null) : Api.trends({ ...scope, bucket })), [chosen, environment, bucket]);
  const updates = useLoad(() => (environment !== '' || chosen === '' ? Promise.resolve(null) : Api.advisoryUpdates({ repository: chosen })), [chosen, environment]);
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
  const fixTimes: Series[] = useMemo(() => [{ label: 'mean days to fix', color: '#6a4c93', values: points.map((p) => p.meanDaysToFix) }], [points]);
  const perUpdate = useMemo(() => {
    const u = updates.data?.updates ?? [];
    return {
      x: u.map((v) => Date.parse(v.firstUsedAt) / 1000),
      series: [
        { label: 'new: advisories changed', color: '#e4572e', values: u.map((v) => v.openedByAdvisories), bars: true },
        { label: 'new: image changed', color: '#f4a261', values: u.map((v) => v.openedByNewImages), bars: true },
        { label: 'fixed: advisories changed', color: '#2a9d8f', values: u.map((v) => v.fixedByAdvisories), bars: true },
        { label: 'fixed: image changed', color: '#8ab17d', values: u.map((v) => v.fixedByNewImages), bars: true },
      ] satisfies Series[],
      rows: u,
    };
  }, [updates.data]);
  const fixed = points.filter((p) => p.meanDaysToFix !== null);
  const overallMttf = fixed.length === 0 ? null : fixed.reduce((n, p) => n + (p.meanDaysToFix ?? 0) * p.fixed, 0) / fixed.reduce((n, p) => n + p.fixed, 0);
  return (
    <section aria-labelledby="trends-title">
      <h1 id="trends-title">Trends</h1>
      <form class="filters" onSubmit={(e) => e.preventDefault()}>
        <label>
          Repository
          <select value={chosen} disabled={environment !== ''} onChange={(e) => setRepository((e.target as HTMLSelectElement).value)} data-testid="trend-repository">
            {names.map((n) => (
              <option key={n} value={n}>
                {n}
              </option>
            ))}
          </select>
        </label>
        <label>
          or a whole environment
          <select value={environment} onChange={(e) => setEnvironment((e.target as HTMLSelectElement).value)} data-testid="trend-environment">
            <option value="">—</option>
            {(environments.data?.environments ?? []).map((env) => (
              <option key={env.name} value={env.name}>
                {env.name}
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
          <TimeChart title={`Open findings by severity: ${label}`} x={x} series={open} />
          <TimeChart title="New and fixed findings per step" x={x} series={flow} height={200} />
          <p data-testid="mttf">
            Mean time to fix over the window: <strong>{overallMttf === null ? 'nothing fixed' : `${overallMttf.toFixed(1)} days`}</strong>
          </p>
          <TimeChart title="Mean days to fix, per step (findings fixed in the step)" x={x} series={fixTimes} height={180} />
        </>
      ) : chosen === '' ? (
        <p class="muted">No repositories stored yet.</p>
      ) : null}
      <Status error={updates.error} loading={false} />
      {perUpdate.rows.length > 0 ? (
        <>
          {perUpdate.rows.length > 1 ? (
            <TimeChart title="New and fixed per advisory-database version (at its first use)" x={perUpdate.x} series={perUpdate.series} height={200} />
          ) : (
            <h2>Per advisory-database version</h2>
          )}
          <table class="table" data-testid="advisory-updates">
            <thead>
              <tr>
                <th scope="col">database version</th>
                <th scope="col">first used</th>
                <th scope="col">scans</th>
                <th scope="col">new: advisories / image</th>
                <th scope="col">fixed: advisories / image</th>
              </tr>
            </thead>
            <tbody>
              {perUpdate.rows.map((u) => (
                <tr key={u.dbVersion}>
                  <td class="mono">{u.dbVersion}</td>
                  <td>{u.firstUsedAt.slice(0, 10)}</td>
                  <td>{u.scans}</td>
                  <td>
                    {u.openedByAdvisories} / {u.openedByNewImages}
                  </td>
                  <td>
                    {u.fixedByAdvisories} / {u.fixedByNewImages}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      ) : null}
    </section>
  );
}
