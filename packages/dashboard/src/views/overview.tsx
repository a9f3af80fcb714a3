import { useState } from 'preact/hooks';
import { Api } from '../api.js';
import type { ImageSummary } from '../api.js';
import { Card, GradeBadge, SeverityCountsView, Status, useLoad, usePager } from '../components.js';
import { ago, shortDigest } from '../format.js';

const GRADES = ['A', 'B', 'C', 'D', 'E', 'F'] as const;

export function OverviewView() {
  const [environment, setEnvironment] = useState('');
  const [repository, setRepository] = useState('');
  const [registry, setRegistry] = useState('');
  const [namespace, setNamespace] = useState('');
  const namespaces = useLoad(() => Api.workloadOverview({}), []);
  const { cursor, reset, pager } = usePager();
  const filter = { environment, repository: repository.trim(), registry: registry.trim(), namespace };
  const overview = useLoad(() => Api.overview(filter), [environment, repository, registry, namespace]);
  const images = useLoad(() => Api.images({ ...filter, cursor, limit: 25 }), [environment, repository, registry, namespace, cursor]);
  const o = overview.data;
  return (
    <section aria-labelledby="overview-title">
      <h1 id="overview-title">Fleet overview</h1>
      <form class="filters" onSubmit={(e) => e.preventDefault()}>
        <label>
          Environment
          <select
            value={environment}
            onChange={(e) => {
              setEnvironment((e.target as HTMLSelectElement).value);
              reset();
            }}
            data-testid="filter-environment"
          >
            <option value="">all</option>
            {(o?.environments ?? []).map((env) => (
              <option key={env.name} value={env.name}>
                {env.name}
              </option>
            ))}
          </select>
        </label>
        <label>
          Repository
          <input
            type="search"
            placeholder="registry/path"
            value={repository}
            onInput={(e) => {
              setRepository((e.target as HTMLInputElement).value);
              reset();
            }}
            data-testid="filter-repository"
          />
        </label>
        <label>
          Registry
          <input
            type="search"
            placeholder="ghcr.io"
            value={registry}
            onInput={(e) => {
              setRegistry((e.target as HTMLInputElement).value);
              reset();
            }}
            data-testid="filter-registry"
          />
        </label>
        <label>
          Namespace
          <select
            value={namespace}
            onChange={(e) => {
              setNamespace((e.target as HTMLSelectElement).value);
              reset();
            }}
            data-testid="filter-namespace"
            title="images that workloads of this namespace run, from the configuration audits sent to the server"
          >
            <option value="">all</option>
            {(namespaces.data?.namespaces ?? []).map((n) => (
              <option key={n}>{n}</option>
            ))}
          </select>
        </label>
      </form>
      <Status error={overview.error} loading={overview.loading && o === null} />
      {o !== null ? (
        <div class="cards">
          <Card label="images" value={o.images} testId="card-images" />
          <Card label="critical" value={<span class="sev-critical-text">{o.bySeverity.critical}</span>} testId="card-critical" />
          <Card label="high" value={o.bySeverity.high} testId="card-high" />
          <Card
            label="priority P1 · P2 · P3 · P4"
            value={
              <span class="compact">
                <span class="sev-critical-text">{o.byPriority.p1}</span> · {o.byPriority.p2} · {o.byPriority.p3} · {o.byPriority.p4}
              </span>
            }
            hint="P1: act now (KEV, likely exploited, reachable); docs/priority.md"
            testId="card-priority"
          />
          <Card label="known exploited (KEV)" value={o.kev} testId="card-kev" />
          <Card label={`past their ${o.slaDays}-day fix SLA`} value={o.pastSla} testId="card-sla" />
          <Card label="advisory database" value={o.dbBuiltAt === null ? 'unknown' : ago(o.dbBuiltAt)} hint={o.dbBuiltAt ?? 'no database build recorded'} testId="card-db" />
        </div>
      ) : null}
      {o !== null && o.environments.length > 0 ? (
        <table class="table" data-testid="environments">
          <caption>Health by environment</caption>
          <thead>
            <tr>
              <th scope="col">environment</th>
              <th scope="col">images</th>
              <th scope="col">failing policy</th>
              {GRADES.map((g) => (
                <th scope="col" key={g}>
                  <GradeBadge grade={g} />
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {o.environments.map((env) => (
              <tr key={env.name}>
                <th scope="row">{env.name}</th>
                <td>{env.images}</td>
                <td class={env.failing > 0 ? 'bad' : ''}>{env.failing}</td>
                {GRADES.map((g) => (
                  <td key={g}>{env.grades[g]}</td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
      <h2>Images</h2>
      <Status error={images.error} loading={images.loading && images.data === null} />
      <ImagesTable items={images.data?.items ?? []} />
      {pager(images.data?.nextCursor, 'image pages')}
    </section>
  );
}

function ImagesTable({ items }: { items: readonly ImageSummary[] }) {
  if (items.length === 0) return <p class="muted">No images match.</p>;
  return (
    <table class="table" data-testid="images">
      <thead>
        <tr>
          <th scope="col">image</th>
          <th scope="col">environment</th>
          <th scope="col">grade</th>
          <th scope="col">policy</th>
          <th scope="col" title="critical / high / medium / low">
            vulnerabilities
          </th>
          <th scope="col">KEV</th>
          <th scope="col">scanned</th>
        </tr>
      </thead>
      <tbody>
        {items.map((i) => (
          <tr key={i.digest}>
            <td>
              <a href={`#/images/${encodeURIComponent(i.digest)}`}>{i.repositories[0] ?? shortDigest(i.digest)}</a>
              {i.tags.length > 0 ? <span class="muted"> :{i.tags.join(', :')}</span> : null}
              <div class="mono muted">{shortDigest(i.digest)}</div>
            </td>
            <td>{i.decision?.environment ?? i.environment ?? '—'}</td>
            <td>
              <GradeBadge grade={i.decision?.grade} />
            </td>
            <td class={i.decision?.result === 'fail' ? 'bad' : i.decision?.result === 'warn' ? 'warn' : ''}>{i.decision?.result ?? 'not evaluated'}</td>
            <td>
              <SeverityCountsView counts={i.severityCounts} />
              {i.status === 'incomplete' ? <span class="warn"> incomplete</span> : null}
            </td>
            <td class={i.kev > 0 ? 'bad' : ''}>{i.kev}</td>
            <td>{ago(i.lastScannedAt)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
