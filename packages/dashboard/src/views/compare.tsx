import { useMemo, useState } from 'preact/hooks';
import { Api } from '../api.js';
import { SeverityBadge, Status, useLoad } from '../components.js';
import { shortDigest } from '../format.js';

interface Comparison {
  readonly before: { readonly reference: string; readonly vulnerabilities: Record<string, number> };
  readonly after: { readonly reference: string; readonly vulnerabilities: Record<string, number> };
  readonly packages: {
    readonly added: readonly { name: string; version: string }[];
    readonly removed: readonly { name: string; version: string }[];
    readonly changed: readonly { name: string; from: string; to: string; direction: string }[];
    readonly unchanged: number;
  };
  readonly vulnerabilities: {
    readonly fixed: readonly { id: string; severity: string; packageName: string }[];
    readonly introduced: readonly { id: string; severity: string; packageName: string }[];
    readonly unchanged: number;
  };
  readonly base: { readonly before: string | null; readonly after: string | null; readonly changed: boolean };
}

export function CompareView() {
  const images = useLoad(() => Api.images({ limit: 200 }), []);
  const options = useMemo(
    () => (images.data?.items ?? []).filter((i) => i.scanId !== null).map((i) => ({ id: i.scanId as string, label: `${i.repositories[0] ?? ''} ${shortDigest(i.digest)}` })),
    [images.data],
  );
  const [before, setBefore] = useState('');
  const [after, setAfter] = useState('');
  const [run, setRun] = useState<[string, string] | null>(null);
  const result = useLoad(() => (run === null ? Promise.resolve(null) : (Api.compare(run[0], run[1]) as Promise<unknown> as Promise<Comparison>)), [run?.[0], run?.[1]]);
  const c = result.data;
  return (
    <section aria-labelledby="compare-title">
      <h1 id="compare-title">Compare two scans</h1>
      <form
        class="filters"
        onSubmit={(e) => {
          e.preventDefault();
          if (before !== '' && after !== '') setRun([before, after]);
        }}
      >
        <label>
          Before
          <select value={before} onChange={(e) => setBefore((e.target as HTMLSelectElement).value)} data-testid="compare-before">
            <option value="">choose…</option>
            {options.map((o) => (
              <option key={o.id} value={o.id}>
                {o.label}
              </option>
            ))}
          </select>
        </label>
        <label>
          After
          <select value={after} onChange={(e) => setAfter((e.target as HTMLSelectElement).value)} data-testid="compare-after">
            <option value="">choose…</option>
            {options.map((o) => (
              <option key={o.id} value={o.id}>
                {o.label}
              </option>
            ))}
          </select>
        </label>
        <button type="submit" data-testid="compare-run">
          Compare
        </button>
      </form>
      <Status error={result.error} loading={result.loading && run !== null && c === null} />
      {c !== null ? (
        <div data-testid="comparison">
          <p>
            {c.before.reference} → {c.after.reference}
            {c.base.changed ? ` · base image ${c.base.before ?? '?'} → ${c.base.after ?? '?'}` : ''}
          </p>
          <h2>Packages</h2>
          <p>
            {c.packages.added.length} added, {c.packages.removed.length} removed, {c.packages.changed.length} changed, {c.packages.unchanged} unchanged
          </p>
          <ul>
            {c.packages.changed.map((p) => (
              <li key={`c-${p.name}`}>
                {p.name} {p.from} → {p.to} <span class="muted">({p.direction})</span>
              </li>
            ))}
            {c.packages.added.map((p) => (
              <li key={`a-${p.name}`}>
                + {p.name} {p.version}
              </li>
            ))}
            {c.packages.removed.map((p) => (
              <li key={`r-${p.name}`}>
                − {p.name} {p.version}
              </li>
            ))}
          </ul>
          <h2>Vulnerabilities</h2>
          <p>
            {c.vulnerabilities.fixed.length} fixed, {c.vulnerabilities.introduced.length} introduced, {c.vulnerabilities.unchanged} unchanged
          </p>
          <ul>
            {c.vulnerabilities.fixed.map((v) => (
              <li key={`f-${v.id}-${v.packageName}`}>
                fixed <span class="mono">{v.id}</span> in {v.packageName} <SeverityBadge severity={v.severity} />
              </li>
            ))}
            {c.vulnerabilities.introduced.map((v) => (
              <li key={`i-${v.id}-${v.packageName}`}>
                introduced <span class="mono">{v.id}</span> in {v.packageName} <SeverityBadge severity={v.severity} />
              </li>
            ))}
          </ul>
        </div>
      ) : null}
    </section>
  );
}
