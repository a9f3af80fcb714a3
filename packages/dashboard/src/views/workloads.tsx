import { useState } from 'preact/hooks';
import { WORKLOAD_LAYERS } from '@sekisho/model';
import type { WorkloadLayer, WorkloadRecord } from '@sekisho/model';
import { Api } from '../api.js';
import { Card, SeverityBadge, SeverityCountsView, Status, useLoad, usePager } from '../components.js';
import { ago } from '../format.js';

const LAYER_LABEL: Readonly<Record<WorkloadLayer, string>> = {
  'user-namespace': 'user namespace',
  'non-root': 'non-root user',
  capabilities: 'capabilities',
  seccomp: 'seccomp',
  mac: 'AppArmor / SELinux',
  'no-new-privs': 'no new privileges',
  'read-only-root': 'read-only root fs',
  'cgroup-limits': 'cgroup limits',
  'host-namespaces': 'host namespaces',
  'host-mounts': 'host mounts',
  sandbox: 'sandbox runtime',
  'api-credentials': 'API credentials',
};
const STATE_MARK = { held: '■', partial: '◧', missing: '□' } as const;

function workloadName(w: WorkloadRecord): string {
  const name = `${w.namespace === null ? '' : `${w.namespace}/`}${w.kind ?? 'workload'}/${w.name ?? w.file}`;
  return w.container === null ? name : `${name} · ${w.container}`;
}

/** One row of cells, one per isolation layer: held, partial or missing. */
function LayerStrip({ w }: { w: WorkloadRecord }) {
  return (
    <span class="layers" aria-label="isolation layers">
      {WORKLOAD_LAYERS.map((l) => {
        const cell = w.layers[l];
        const state = cell?.state ?? 'unknown';
        return (
          <span key={l} class={`layer layer-${state}`} title={`${LAYER_LABEL[l]}: ${state}${cell ? ` — ${cell.detail}` : ''}`}>
            {cell ? STATE_MARK[cell.state] : '·'}
          </span>
        );
      })}
    </span>
  );
}

/** Workloads from the configuration audits the server stores: isolation layers and open breakout paths, worst first. */
export function WorkloadsView() {
  const [cluster, setCluster] = useState('');
  const [namespace, setNamespace] = useState('');
  const [paths, setPaths] = useState<'' | 'open' | 'any'>('');
  const [selected, setSelected] = useState<string | null>(null);
  const { cursor, reset, pager } = usePager();
  const filter = { cluster, namespace, paths };
  const overview = useLoad(() => Api.workloadOverview(filter), [cluster, namespace, paths]);
  const list = useLoad(() => Api.workloads({ ...filter, cursor, limit: 50 }), [cluster, namespace, paths, cursor]);
  const detail = useLoad(() => (selected === null ? Promise.resolve(null) : Api.workload(selected)), [selected]);
  const o = overview.data;
  const choose = (set: (v: string) => void) => (e: Event) => {
    set((e.target as HTMLSelectElement).value);
    reset();
  };
  return (
    <section aria-labelledby="workloads-title">
      <h1 id="workloads-title">Workloads</h1>
      <p class="muted small">From the configuration audits sent to this server (`sekisho config --server --cluster`): which isolation layers hold, and which breakout paths stay open.</p>
      <form class="filters" onSubmit={(e) => e.preventDefault()}>
        <label>
          Cluster
          <select value={cluster} onChange={choose(setCluster)} data-testid="workload-cluster">
            <option value="">all</option>
            {(o?.clusters ?? []).map((c) => (
              <option key={c}>{c}</option>
            ))}
          </select>
        </label>
        <label>
          Namespace
          <select value={namespace} onChange={choose(setNamespace)} data-testid="workload-namespace">
            <option value="">all</option>
            {(o?.namespaces ?? []).map((n) => (
              <option key={n}>{n}</option>
            ))}
          </select>
        </label>
        <label>
          Breakout paths
          <select value={paths} onChange={choose((v) => setPaths(v as '' | 'open' | 'any'))} data-testid="workload-paths">
            <option value="">any workload</option>
            <option value="open">with an open path</option>
            <option value="any">with an open or conditional path</option>
          </select>
        </label>
      </form>
      <Status error={overview.error} loading={overview.loading && o === null} />
      {o !== null ? (
        <div class="cards">
          <Card label="workloads" value={o.workloads} testId="card-workloads" />
          <Card label="with an open breakout path" value={<span class={o.withOpenPaths > 0 ? 'bad' : ''}>{o.withOpenPaths}</span>} testId="card-open-paths" />
          <Card label="only conditional paths" value={o.withConditionalPaths} hint="open unless a fact the audit did not know rules them out" />
          <Card label="mean isolation score" value={o.meanScore ?? '—'} hint="0–100, docs/isolation.md" />
          <Card
            label="most often missing"
            value={
              <span class="compact">
                {Object.entries(o.missingLayers)
                  .sort((a, b) => b[1] - a[1])
                  .slice(0, 1)
                  .map(([l, n]) => `${LAYER_LABEL[l as WorkloadLayer]} (${n})`)[0] ?? 'none'}
              </span>
            }
          />
        </div>
      ) : null}
      <Status error={list.error} loading={list.loading && list.data === null} />
      {list.data !== null && list.data.items.length === 0 ? <p class="muted">No workloads match. Send an audit with `sekisho config --server URL --cluster NAME`.</p> : null}
      <table class="table" data-testid="workloads">
        <thead>
          <tr>
            <th scope="col">score</th>
            <th scope="col">workload</th>
            <th scope="col" title={WORKLOAD_LAYERS.map((l) => LAYER_LABEL[l]).join(' · ')}>
              layers ■ held ◧ partial □ missing
            </th>
            <th scope="col">breakout paths</th>
            <th scope="col" title="critical / high / medium / low">
              misconfigurations
            </th>
            <th scope="col">audited</th>
          </tr>
        </thead>
        <tbody>
          {(list.data?.items ?? []).map((w) => (
            <tr key={w.id} class={w.openPaths > 0 ? 'row-bad' : w.conditionalPaths > 0 ? 'row-warn' : ''}>
              <td class="score">{w.score}</td>
              <td>
                <button type="button" class="link" onClick={() => setSelected(w.id)} data-testid={`workload-${w.name ?? w.id}`}>
                  {workloadName(w)}
                </button>
                <div class="small muted">
                  {w.cluster}
                  {w.environment === null ? '' : ` · ${w.environment}`}
                </div>
              </td>
              <td>
                <LayerStrip w={w} />
              </td>
              <td>
                {w.openPaths > 0 ? <span class="bad">{w.openPaths} open</span> : null}
                {w.openPaths > 0 && w.conditionalPaths > 0 ? ' · ' : null}
                {w.conditionalPaths > 0 ? <span class="warn">{w.conditionalPaths} conditional</span> : null}
                {w.openPaths + w.conditionalPaths === 0 ? <span class="muted">none</span> : null}
              </td>
              <td>
                <SeverityCountsView counts={w.misconfigurations} />
              </td>
              <td class="small">
                {ago(w.auditedAt)}
                {w.auditComplete ? null : <div class="warn">incomplete audit</div>}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {pager(list.data?.nextCursor, 'workload pages')}
      <Status error={detail.error} loading={false} />
      {detail.data !== null ? <WorkloadDetail w={detail.data} /> : null}
    </section>
  );
}

function WorkloadDetail({ w }: { w: WorkloadRecord }) {
  return (
    <section aria-labelledby="workload-detail" data-testid="workload-detail">
      <h2 id="workload-detail">
        {workloadName(w)} <span class="muted">score {w.score}</span>
      </h2>
      <p class="facts">
        <span>cluster {w.cluster}</span>
        <span>file {w.file}</span>
        <span>audited {w.auditedAt.replace('T', ' ').slice(0, 19)}</span>
        {w.auditComplete ? null : <span class="warn">the audit that reported it refused some input: other workloads may be missing</span>}
      </p>
      <h3>Isolation layers</h3>
      <table class="table" data-testid="workload-layers">
        <tbody>
          {WORKLOAD_LAYERS.map((l) => {
            const cell = w.layers[l];
            return (
              <tr key={l}>
                <th scope="row">{LAYER_LABEL[l]}</th>
                <td class={`layer-${cell?.state ?? 'unknown'}`}>
                  {cell ? STATE_MARK[cell.state] : '·'} {cell?.state ?? 'not reported'}
                </td>
                <td>{cell?.detail ?? ''}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
      <h3>Breakout paths</h3>
      {w.paths.length === 0 ? <p class="muted">No breakout technique's preconditions hold.</p> : null}
      <div data-testid="workload-paths-list">
        {w.paths.map((p) => (
          <details key={p.techniqueId} open={p.certainty === 'open'}>
            <summary>
              <SeverityBadge severity={p.severity} /> <strong class={p.certainty === 'open' ? 'bad' : 'warn'}>{p.certainty === 'open' ? 'OPEN' : 'CONDITIONAL'}</strong> {p.name}
            </summary>
            <p>{p.impact}</p>
            <p class="small">because: {p.because.join('; ')}</p>
            {p.unknowns.length > 0 ? <p class="small warn">depends on: {p.unknowns.join('; ')}</p> : null}
            <p>
              <strong>fix:</strong> {p.fix}
            </p>
          </details>
        ))}
      </div>
    </section>
  );
}
