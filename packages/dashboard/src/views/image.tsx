import { useMemo, useState } from 'preact/hooks';
import { Api } from '../api.js';
import type { ReportDocument, ReportFinding } from '../api.js';
import { GradeBadge, SeverityBadge, Status, useLoad } from '../components.js';
import { ago, bytes, shortDigest, SEVERITY_ORDER } from '../format.js';

type Tab = 'vulnerabilities' | 'packages' | 'layers' | 'other' | 'policy' | 'history';
const TABS: readonly [Tab, string][] = [
  ['vulnerabilities', 'Vulnerabilities'],
  ['packages', 'Packages'],
  ['layers', 'Layers'],
  ['other', 'Secrets, malware, hardening'],
  ['policy', 'Policy'],
  ['history', 'Scans'],
];

export function ImageView({ digest }: { digest: string }) {
  const image = useLoad(() => Api.image(digest), [digest]);
  const scans = useLoad(() => Api.scans(digest), [digest]);
  const latest = scans.data?.items[0] ?? null;
  const report = useLoad(() => (latest === null ? Promise.resolve(null) : Api.report(latest.id)), [latest?.id]);
  const [tab, setTab] = useState<Tab>('vulnerabilities');
  const r = report.data;
  return (
    <section aria-labelledby="image-title">
      <p>
        <a href="#/">← overview</a>
      </p>
      <h1 id="image-title">{image.data?.repositories[0] ?? shortDigest(digest)}</h1>
      <p class="mono muted">{digest}</p>
      <Status error={image.error ?? scans.error ?? report.error} loading={report.loading && r === null} />
      {r !== null ? (
        <div class="facts">
          <span>{r.distro?.prettyName ?? 'no OS detected'}</span>
          {r.distro?.eol?.phase ? <span class={r.distro.eol.phase === 'eol' ? 'bad' : ''}>support: {r.distro.eol.phase}</span> : null}
          <span>{r.packages.length} packages</span>
          <span>{r.image?.layers.length ?? 0} layers</span>
          {r.policy ? (
            <span>
              policy {r.policy.environment}: <GradeBadge grade={r.policy.grade} /> {r.policy.result} ({r.policy.score}/100)
            </span>
          ) : null}
          <SupplyChainStatus report={r} />
          {r.status === 'incomplete' ? <span class="warn">incomplete scan: {(r.statusReasons ?? []).join('; ')}</span> : null}
          {latest !== null ? (
            <span>
              scanned {ago(latest.scannedAt)} with DB {latest.dbVersion}
            </span>
          ) : null}
        </div>
      ) : null}
      <div role="tablist" class="tabs" aria-label="image details">
        {TABS.map(([id, label]) => (
          <button key={id} role="tab" type="button" aria-selected={tab === id} data-testid={`tab-${id}`} onClick={() => setTab(id)}>
            {label}
          </button>
        ))}
      </div>
      <div role="tabpanel">
        {r === null ? null : tab === 'vulnerabilities' ? (
          <Vulnerabilities report={r} />
        ) : tab === 'packages' ? (
          <Packages report={r} />
        ) : tab === 'layers' ? (
          <Layers report={r} />
        ) : tab === 'other' ? (
          <OtherFindings report={r} />
        ) : tab === 'policy' ? (
          <Policy report={r} />
        ) : (
          <table class="table">
            <thead>
              <tr>
                <th scope="col">scanned</th>
                <th scope="col">database</th>
                <th scope="col">status</th>
                <th scope="col">findings</th>
              </tr>
            </thead>
            <tbody>
              {(scans.data?.items ?? []).map((s) => (
                <tr key={s.id}>
                  <td>{s.scannedAt}</td>
                  <td>{s.dbVersion}</td>
                  <td>{s.status}</td>
                  <td>{s.findingCount}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </div>
    </section>
  );
}

function Vulnerabilities({ report }: { report: ReportDocument }) {
  const groups = useMemo(() => {
    const byPackage = new Map<string, ReportFinding[]>();
    for (const f of report.findings) {
      if (f.kind !== 'vulnerability') continue;
      const key = `${f.packageName ?? '?'} ${f.installedVersion ?? ''}`;
      byPackage.set(key, [...(byPackage.get(key) ?? []), f]);
    }
    const rank = (f: ReportFinding | undefined) => (f === undefined ? SEVERITY_ORDER.length : SEVERITY_ORDER.indexOf(f.severity));
    return [...byPackage.entries()].map(([pkg, list]) => [pkg, list.sort((a, b) => rank(a) - rank(b))] as const).sort((a, b) => rank(a[1][0]) - rank(b[1][0]) || a[0].localeCompare(b[0]));
  }, [report]);
  if (groups.length === 0) return <p>No vulnerabilities found{report.status === 'incomplete' ? ' in what was read (the scan is incomplete)' : ''}.</p>;
  return (
    <div data-testid="vulnerabilities">
      {groups.map(([pkg, list]) => (
        <details key={pkg} open={list.some((f) => f.severity === 'critical' || f.kev)}>
          <summary>
            <strong>{pkg}</strong> — {list.length} vulnerabilit{list.length === 1 ? 'y' : 'ies'}, worst <SeverityBadge severity={list[0]?.severity ?? 'unknown'} />
            {list.some((f) => (f.fixedVersions ?? []).length > 0) ? <span class="muted"> · fix: {[...new Set(list.flatMap((f) => f.fixedVersions?.slice(0, 1) ?? []))].join(', ')}</span> : null}
          </summary>
          <table class="table">
            <thead>
              <tr>
                <th scope="col">id</th>
                <th scope="col">severity</th>
                <th scope="col">priority and why</th>
                <th scope="col">fixed in</th>
              </tr>
            </thead>
            <tbody>
              {list.map((f) => (
                <tr key={f.id}>
                  <td class="mono">{f.vulnerabilityId}</td>
                  <td>
                    <SeverityBadge severity={f.severity} />
                  </td>
                  <td>
                    {f.priority?.level ?? '—'}
                    <div class="muted small">
                      {[f.kev ? 'known exploited (KEV)' : null, f.epss ? `EPSS ${(f.epss.score * 100).toFixed(1)}%` : null, ...(f.priority?.factors ?? [])].filter((x) => x !== null).join(' · ')}
                    </div>
                  </td>
                  <td>{(f.fixedVersions ?? []).join(', ') || <span class="muted">no fix yet</span>}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </details>
      ))}
    </div>
  );
}

function Packages({ report }: { report: ReportDocument }) {
  const [q, setQ] = useState('');
  const shown = report.packages.filter((p) => q === '' || p.name.toLowerCase().includes(q.toLowerCase()) || p.type === q.toLowerCase());
  return (
    <div>
      <label>
        Search packages <input type="search" value={q} onInput={(e) => setQ((e.target as HTMLInputElement).value)} data-testid="package-search" />
      </label>
      <p class="muted">
        {shown.length} of {report.packages.length}
      </p>
      <table class="table" data-testid="packages">
        <thead>
          <tr>
            <th scope="col">name</th>
            <th scope="col">version</th>
            <th scope="col">type</th>
            <th scope="col">licences</th>
            <th scope="col">layer</th>
          </tr>
        </thead>
        <tbody>
          {shown.slice(0, 500).map((p) => (
            <tr key={p.id}>
              <td>{p.name}</td>
              <td class="mono">{p.version}</td>
              <td>{p.type}</td>
              <td>{p.licenses.join(', ') || <span class="muted">—</span>}</td>
              <td>{p.locations[0]?.layerIndex ?? '—'}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {shown.length > 500 ? <p class="muted">First 500 shown; narrow the search.</p> : null}
    </div>
  );
}

/** Signatures and attestations as the scan's trust-policy check found them (`--trust-policy`), or that they were not checked. */
function SupplyChainStatus({ report }: { report: ReportDocument }) {
  if (!(report.scanners ?? []).includes('supply-chain'))
    return (
      <span class="muted" data-testid="supply-chain" title="scan the image with --trust-policy to check its signatures and attestations">
        signatures and attestations: not checked
      </span>
    );
  const problems = report.findings.filter((f) => f.kind === 'supply-chain');
  return problems.length === 0 ? (
    <span data-testid="supply-chain">signatures and attestations: verified against the trust policy</span>
  ) : (
    <span class="bad" data-testid="supply-chain" title={problems.map((p) => p.title).join('\n')}>
      signatures and attestations: {problems.length} problem(s) — {problems[0]?.title}
    </span>
  );
}

function Layers({ report }: { report: ReportDocument }) {
  const layers = report.image?.layers ?? [];
  return (
    <table class="table" data-testid="layers">
      <thead>
        <tr>
          <th scope="col">#</th>
          <th scope="col">build step</th>
          <th scope="col">size</th>
          <th scope="col">packages added</th>
        </tr>
      </thead>
      <tbody>
        {layers.map((l) => (
          <tr key={l.index}>
            <td>{l.index}</td>
            <td class="mono small">{l.createdBy ?? <span class="muted">unknown</span>}</td>
            <td>{bytes(l.size)}</td>
            <td>{report.packages.filter((p) => p.locations[0]?.layerIndex === l.index).length}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function OtherFindings({ report }: { report: ReportDocument }) {
  const other = report.findings.filter((f) => f.kind !== 'vulnerability');
  if (other.length === 0) return <p>No secrets, malware, hardening or configuration findings.</p>;
  return (
    <table class="table" data-testid="other-findings">
      <thead>
        <tr>
          <th scope="col">severity</th>
          <th scope="col">kind</th>
          <th scope="col">what</th>
          <th scope="col">where</th>
          <th scope="col">fix</th>
        </tr>
      </thead>
      <tbody>
        {other.map((f) => (
          <tr key={f.id}>
            <td>
              <SeverityBadge severity={f.severity} />
            </td>
            <td>{f.kind}</td>
            <td>
              {f.title}
              {f.match ? <div class="mono small muted">{f.match}</div> : null}
            </td>
            <td class="mono small">{f.location?.path ?? '—'}</td>
            <td class="small">{f.fix ?? '—'}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function Policy({ report }: { report: ReportDocument }) {
  const p = report.policy;
  if (!p) return <p class="muted">No policy was evaluated for this scan.</p>;
  return (
    <div data-testid="policy">
      <p>
        Environment <strong>{p.environment}</strong>: <GradeBadge grade={p.grade} /> {p.result}, score {p.score}/100
      </p>
      <table class="table">
        <thead>
          <tr>
            <th scope="col">rule</th>
            <th scope="col">outcome</th>
            <th scope="col">why</th>
            <th scope="col">fix</th>
          </tr>
        </thead>
        <tbody>
          {p.rules.map((rule) => (
            <tr key={rule.id} class={rule.outcome === 'fail' ? 'row-bad' : rule.outcome === 'warn' ? 'row-warn' : ''}>
              <td>
                {rule.id} <span class="muted small">({rule.kind})</span>
              </td>
              <td>{rule.status === 'not-evaluated' ? `${rule.outcome} (not judged)` : rule.outcome}</td>
              <td>
                {rule.message}
                <ul class="small">
                  {rule.evidence.slice(0, 5).map((e, i) => (
                    <li key={i}>{e.text}</li>
                  ))}
                </ul>
              </td>
              <td class="small">{[...new Set(rule.evidence.map((e) => e.fix).filter((x): x is string => x !== null))].slice(0, 3).join('; ') || '—'}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
