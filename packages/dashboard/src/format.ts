import type { Severity } from '@sekisho/model';

export const SEVERITY_ORDER: readonly Severity[] = ['critical', 'high', 'medium', 'low', 'negligible', 'unknown'];

export function shortDigest(digest: string): string {
  const hex = digest.replace(/^sha256:/, '');
  return `sha256:${hex.slice(0, 12)}`;
}

export function ago(iso: string | null, now: Date = new Date()): string {
  if (iso === null) return 'never';
  const ms = now.getTime() - Date.parse(iso);
  if (!Number.isFinite(ms)) return iso;
  const days = Math.floor(ms / 86_400_000);
  if (days >= 2) return `${days} days ago`;
  const hours = Math.floor(ms / 3_600_000);
  if (hours >= 1) return `${hours} h ago`;
  return `${Math.max(0, Math.floor(ms / 60_000))} min ago`;
}

export function bytes(n: number | null): string {
  if (n === null) return '—';
  const units = ['B', 'KB', 'MB', 'GB'];
  let v = n;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${v.toFixed(i === 0 ? 0 : 1)} ${units[i]}`;
}
