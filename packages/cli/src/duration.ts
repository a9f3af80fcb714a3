import { SekishoError } from '@sekisho/core/startup';

const UNITS: Readonly<Record<string, number>> = { ns: 1e-6, us: 1e-3, µs: 1e-3, ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/**
 * A duration as Go's time.ParseDuration spells it (Trivy's `--timeout 5m0s`): a sequence of
 * decimal numbers with units ns, us/µs, ms, s, m, h (`90s`, `1m30s`, `1.5h`); `0` alone is zero.
 * Returns milliseconds (rounded up, so a positive duration is never 0); USAGE_INVALID otherwise.
 */
export function parseDuration(text: string, flag: string): number {
  const input = text.trim();
  if (input === '0') return 0;
  const part = /(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|ms|s|m|h)/y;
  let total = 0;
  let at = 0;
  while (at < input.length) {
    part.lastIndex = at;
    const match = part.exec(input);
    if (match === null) break;
    total += Number(match[1]) * (UNITS[match[2] ?? ''] ?? Number.NaN);
    at = part.lastIndex;
  }
  if (input === '' || at !== input.length || !Number.isFinite(total)) {
    throw new SekishoError('USAGE_INVALID', `${flag}: ${JSON.stringify(text.slice(0, 40))} is not a duration (e.g. 5m, 90s, 1m30s)`);
  }
  return Math.ceil(total);
}
