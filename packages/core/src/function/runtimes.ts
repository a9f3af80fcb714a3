import type { FunctionProvider } from './spec.js';

/**
 * When each AWS Lambda runtime identifier stopped (or stops) receiving security patches: the
 * "Deprecation date" column of https://docs.aws.amazon.com/lambda/latest/dg/lambda-runtimes.html
 * (the supported and deprecated runtime tables), as of CATALOG_AS_OF. A runtime not listed is
 * reported as not catalogued, never as supported.
 */
export const CATALOG_AS_OF = '2026-12-01';
export const CATALOG_SOURCE = 'https://docs.aws.amazon.com/lambda/latest/dg/lambda-runtimes.html';

const AWS_DEPRECATION: Readonly<Record<string, string | null>> = {
  nodejs: '2016-10-31',
  'nodejs4.3': '2020-03-05',
  'nodejs6.10': '2019-08-12',
  'nodejs8.10': '2020-03-06',
  'nodejs10.x': '2021-07-30',
  'nodejs12.x': '2023-03-31',
  'nodejs14.x': '2023-12-04',
  'nodejs16.x': '2024-06-12',
  'nodejs18.x': '2025-09-01',
  'nodejs20.x': '2026-04-30',
  'nodejs22.x': '2027-04-30',
  'nodejs24.x': null,
  'python2.7': '2021-07-15',
  'python3.6': '2022-07-18',
  'python3.7': '2023-12-04',
  'python3.8': '2024-10-14',
  'python3.9': '2025-12-15',
  'python3.10': '2026-06-30',
  'python3.11': '2026-06-30',
  'python3.12': null,
  'python3.13': null,
  'python3.14': null,
  java8: '2024-01-08',
  java21: null,
  'go1.x': '2024-01-08',
  provided: '2024-01-08',
  'provided.al2': null,
  'provided.al2023': null,
  'ruby2.5': '2021-07-30',
  'ruby2.7': '2023-12-07',
  'ruby3.2': '2026-03-31',
  'ruby3.3': null,
  'ruby3.4': null,
  'dotnetcore1.0': '2019-07-30',
  'dotnetcore2.0': '2019-05-30',
  'dotnetcore2.1': '2022-01-05',
  'dotnetcore3.1': '2023-04-03',
  'dotnet5.0': '2022-05-10',
  dotnet6: '2024-12-20',
  dotnet7: '2024-05-14',
  dotnet8: '2026-11-10',
  dotnet10: null,
};

export type RuntimeSupport =
  | { readonly state: 'deprecated'; readonly since: string }
  | { readonly state: 'deprecating'; readonly on: string; readonly days: number }
  | { readonly state: 'supported'; readonly until: string | null }
  | { readonly state: 'not-catalogued' };

/** Days before its deprecation date a runtime is reported as deprecating. */
export const DEPRECATION_WARNING_DAYS = 90;

export function runtimeSupport(provider: FunctionProvider, runtime: string, now: Date): RuntimeSupport {
  if (provider !== 'aws' || !(runtime in AWS_DEPRECATION)) return { state: 'not-catalogued' };
  const date = AWS_DEPRECATION[runtime] ?? null;
  if (date === null) return { state: 'supported', until: null };
  const days = Math.ceil((Date.parse(`${date}T00:00:00Z`) - now.getTime()) / 86_400_000);
  if (days <= 0) return { state: 'deprecated', since: date };
  if (days <= DEPRECATION_WARNING_DAYS) return { state: 'deprecating', on: date, days };
  return { state: 'supported', until: date };
}
