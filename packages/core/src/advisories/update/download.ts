import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import { dirname } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';
import type { Dispatcher } from 'undici';
import type { FeedDownload } from './sources.js';

export interface DownloadOptions {
  readonly dispatcher: Dispatcher;
  /** Attempts per file (network errors, 5xx, 429, truncated bodies); default 3. */
  readonly attempts?: number;
  /** First retry delay in ms, doubled per attempt; default 1000. */
  readonly retryDelayMs?: number;
  /** Largest accepted body; default 8 GiB. */
  readonly maxBytes?: number;
  /** Seconds without data before a download is abandoned (default 60). */
  readonly idleTimeoutSeconds?: number;
}

export interface DownloadResult {
  readonly bytes: number;
  readonly verified: 'checksum' | 'size';
}

class PermanentError extends Error {}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** md5 from GCS's `x-goog-hash: crc32c=…,md5=…` header (base64), or null. */
export function googMd5(header: string | null): string | null {
  if (header === null) return null;
  for (const part of header.split(',')) {
    const [key, value] = part.trim().split(/=(.*)/s);
    if (key === 'md5' && value !== undefined && value !== '') return Buffer.from(value, 'base64').toString('hex');
  }
  return null;
}

/** NVD `.meta` files: `sha256:<HEX>` of the uncompressed JSON (and `size:`). */
export function parseNvdMeta(text: string): { sha256: string; size: number | null } | null {
  const sha = /^sha256:([0-9A-Fa-f]{64})\s*$/m.exec(text);
  if (sha === null) return null;
  const size = /^size:(\d+)\s*$/m.exec(text);
  return { sha256: (sha[1] as string).toLowerCase(), size: size === null ? null : Number(size[1]) };
}

async function fetchOnce(url: string, dest: string, options: DownloadOptions): Promise<{ bytes: number; md5: string; contentMd5: string | null }> {
  const { fetch } = await import('undici');
  const response = await fetch(url, {
    dispatcher: options.dispatcher,
    redirect: 'follow',
    signal: AbortSignal.timeout(6 * 60 * 60 * 1000),
  });
  if (!response.ok || response.body === null) {
    const retryable = response.status >= 500 || response.status === 429 || response.status === 408;
    await response.body?.cancel();
    const message = `HTTP ${response.status} for ${url}`;
    throw retryable ? new Error(message) : new PermanentError(message);
  }
  const declared = response.headers.get('content-length');
  const maxBytes = options.maxBytes ?? 8 * 1024 * 1024 * 1024;
  if (declared !== null && Number(declared) > maxBytes) throw new PermanentError(`${url}: ${declared} bytes exceeds the limit of ${maxBytes}`);
  const md5 = createHash('md5');
  let bytes = 0;
  await mkdir(dirname(dest), { recursive: true });
  const body = response.body;
  const idleMs = (options.idleTimeoutSeconds ?? 60) * 1000;
  await pipeline(async function* () {
    const reader = body.getReader();
    try {
      for (;;) {
        let timer: NodeJS.Timeout | undefined;
        const idle = new Promise<never>((_, reject) => {
          timer = setTimeout(() => reject(new Error(`${url}: no data for ${idleMs / 1000} s`)), idleMs);
        });
        const { done, value } = await Promise.race([reader.read(), idle]).finally(() => clearTimeout(timer));
        if (done) break;
        bytes += value.byteLength;
        if (bytes > maxBytes) throw new PermanentError(`${url}: more than ${maxBytes} bytes`);
        md5.update(value);
        yield value;
      }
    } finally {
      reader.releaseLock();
    }
  }, createWriteStream(dest));
  if (declared !== null && Number(declared) !== bytes) throw new Error(`${url}: truncated, ${bytes} of ${declared} bytes`);
  return { bytes, md5: md5.digest('hex'), contentMd5: googMd5(response.headers.get('x-goog-hash')) };
}

async function withRetries<T>(what: string, options: DownloadOptions, run: () => Promise<T>): Promise<T> {
  const attempts = Math.max(1, options.attempts ?? 3);
  let delay = options.retryDelayMs ?? 1000;
  let last: unknown;
  for (let attempt = 1; attempt <= attempts; attempt++) {
    try {
      return await run();
    } catch (error) {
      last = error;
      if (error instanceof PermanentError || attempt === attempts) break;
      await sleep(delay);
      delay *= 2;
    }
  }
  const message = last instanceof Error ? last.message : String(last);
  throw new Error(`${message.includes(what) ? message : `${what}: ${message}`}${last instanceof Error && last.cause instanceof Error ? ` (${last.cause.message})` : ''}`, { cause: last });
}

async function gunzipDigest(path: string): Promise<{ sha256: string; size: number }> {
  const hash = createHash('sha256');
  let size = 0;
  await pipeline(createReadStream(path), createGunzip({ chunkSize: 256 * 1024 }), async function (source: AsyncIterable<Buffer>) {
    for await (const chunk of source) {
      size += chunk.length;
      hash.update(chunk);
    }
  });
  return { sha256: hash.digest('hex'), size };
}

async function fetchText(url: string, options: DownloadOptions): Promise<string> {
  const { fetch } = await import('undici');
  const response = await fetch(url, { dispatcher: options.dispatcher, redirect: 'follow', signal: AbortSignal.timeout(120_000) });
  if (!response.ok) throw new Error(`HTTP ${response.status} for ${url}`);
  const text = await response.text();
  if (text.length > 64 * 1024) throw new Error(`${url}: unexpectedly large`);
  return text;
}

/**
 * Downloads one feed file to `dest`, verifying what the source lets us verify: the published
 * checksum (GCS md5, NVD sha256), the declared length, gzip integrity, a minimum size. Retries
 * transient failures; throws when the file cannot be fetched intact (dest is removed).
 */
export async function downloadFeedFile(file: FeedDownload, url: string, dest: string, options: DownloadOptions): Promise<DownloadResult> {
  try {
    return await withRetries(url, options, async () => {
      const result = await fetchOnce(url, dest, options);
      if (result.bytes < file.minBytes) throw new PermanentError(`${url}: only ${result.bytes} bytes, expected at least ${file.minBytes}`);
      let verified: DownloadResult['verified'] = 'size';
      if (file.checksum === 'goog-hash' && result.contentMd5 !== null) {
        if (result.contentMd5 !== result.md5) throw new Error(`${url}: md5 ${result.md5} does not match the published ${result.contentMd5}`);
        verified = 'checksum';
      }
      if (file.gzip === true || file.checksum === 'nvd-meta') {
        let digest: { sha256: string; size: number };
        try {
          digest = await gunzipDigest(dest);
        } catch (error) {
          throw new Error(`${url}: corrupt or truncated gzip (${error instanceof Error ? error.message : String(error)})`, { cause: error });
        }
        if (file.checksum === 'nvd-meta') {
          const metaUrl = url.replace(/\.json\.gz$/, '.meta');
          const meta = parseNvdMeta(await fetchText(metaUrl, options));
          if (meta === null) throw new Error(`${metaUrl}: no sha256 line`);
          if (meta.sha256 !== digest.sha256) throw new Error(`${url}: sha256 does not match ${metaUrl}`);
          verified = 'checksum';
        }
      }
      return { bytes: result.bytes, verified };
    });
  } catch (error) {
    await rm(dest, { force: true });
    throw error;
  }
}
