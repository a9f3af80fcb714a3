import type { ComponentChildren } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import type { HealthGrade, SeverityCounts } from '@sekisho/model';
import { ApiFailure } from './api.js';
import { SEVERITY_ORDER } from './format.js';

/** `severity` is a Severity; comparison documents carry it as a plain string. */
export function SeverityBadge({ severity }: { severity: string }) {
  return <span class={`sev sev-${severity}`}>{severity}</span>;
}

export function GradeBadge({ grade }: { grade: HealthGrade | null | undefined }) {
  return grade ? (
    <span class={`grade grade-${grade}`} aria-label={`health grade ${grade}`}>
      {grade}
    </span>
  ) : (
    <span class="muted">—</span>
  );
}

export function SeverityCountsView({ counts }: { counts: SeverityCounts | null }) {
  if (counts === null) return <span class="muted">not scanned</span>;
  return (
    <span class="counts">
      {SEVERITY_ORDER.filter((s) => s !== 'unknown' && s !== 'negligible').map((s) => (
        <span key={s} class={`count sev-${s}`} title={`${counts[s]} ${s}`}>
          {counts[s]}
        </span>
      ))}
    </span>
  );
}

export function Card({ label, value, hint, testId }: { label: string; value: ComponentChildren; hint?: string; testId?: string }) {
  return (
    <div class="card" data-testid={testId}>
      <div class="card-value">{value}</div>
      <div class="card-label">{label}</div>
      {hint ? <div class="card-hint">{hint}</div> : null}
    </div>
  );
}

/** Load once per `deps` change; errors are shown, never swallowed. */
export function useLoad<T>(load: () => Promise<T>, deps: readonly unknown[]): { data: T | null; error: string | null; loading: boolean; reload: () => void } {
  const [data, setData] = useState<T | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [loading, setLoading] = useState(true);
  const [tick, setTick] = useState(0);
  useEffect(() => {
    let live = true;
    setLoading(true);
    load()
      .then((d) => {
        if (!live) return;
        setData(d);
        setError(null);
      })
      .catch((e: unknown) => {
        if (live) setError(e instanceof ApiFailure ? `${e.status}: ${e.message}` : String(e));
      })
      .finally(() => {
        if (live) setLoading(false);
      });
    return () => {
      live = false;
    };
  }, [...deps, tick]);
  return { data, error, loading, reload: () => setTick((t) => t + 1) };
}

export function Status({ error, loading }: { error: string | null; loading: boolean }) {
  if (error !== null)
    return (
      <p class="error" role="alert">
        Could not load: {error}
      </p>
    );
  if (loading)
    return (
      <p class="muted" aria-live="polite">
        Loading…
      </p>
    );
  return null;
}

/** Keyset paging: the current cursor, and the cursors of the pages before it for "previous". */
export function usePager(): { cursor: string | null; reset: () => void; pager: (nextCursor: string | null | undefined, label: string) => preact.JSX.Element } {
  const [cursor, setCursor] = useState<string | null>(null);
  const [history, setHistory] = useState<(string | null)[]>([]);
  const reset = () => {
    setCursor(null);
    setHistory([]);
  };
  const pager = (nextCursor: string | null | undefined, label: string) => (
    <nav class="pager" aria-label={label}>
      <button
        type="button"
        disabled={history.length === 0}
        onClick={() => {
          setCursor(history[history.length - 1] ?? null);
          setHistory(history.slice(0, -1));
        }}
      >
        ← previous
      </button>
      <button
        type="button"
        disabled={nextCursor == null}
        data-testid="next-page"
        onClick={() => {
          setHistory([...history, cursor]);
          setCursor(nextCursor ?? null);
        }}
      >
        next →
      </button>
    </nav>
  );
  return { cursor, reset, pager };
}
