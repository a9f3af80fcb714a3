import type { Platform } from '@sekisho/model';
import { SekishoError } from '../errors.js';

const NODE_ARCH: Record<string, string> = { x64: 'amd64', arm64: 'arm64', arm: 'arm', ppc64: 'ppc64le', s390x: 's390x', riscv64: 'riscv64', ia32: '386' };

/** `os/arch[/variant]`; the default is linux on the host's architecture, as `docker pull` does. */
export function parsePlatform(text: string | undefined): Platform {
  if (text === undefined || text === '') {
    return { os: 'linux', architecture: NODE_ARCH[process.arch] ?? process.arch, variant: null };
  }
  const parts = text.split('/');
  if (parts.length < 2 || parts.length > 3 || parts.some((p) => p === '')) {
    throw new SekishoError('USAGE_INVALID', `invalid platform ${JSON.stringify(text)}: expected os/arch[/variant]`);
  }
  return { os: parts[0] ?? '', architecture: parts[1] ?? '', variant: parts[2] ?? null };
}

export function formatPlatform(platform: Platform): string {
  return [platform.os, platform.architecture, platform.variant].filter((p) => p !== null).join('/');
}

/** Variant matches when requested and equal, or when not requested (arm64 images often omit `v8`). */
export function platformMatches(candidate: { os: string; architecture: string; variant?: string | null | undefined }, wanted: Platform): boolean {
  if (candidate.os !== wanted.os || candidate.architecture !== wanted.architecture) return false;
  if (wanted.variant === null) return true;
  return (candidate.variant ?? (candidate.architecture === 'arm64' ? 'v8' : null)) === wanted.variant;
}

/** The platform an image config declares, when it names both OS and architecture. */
export function configPlatform(config: { os?: string | undefined; architecture?: string | undefined; variant?: string | undefined }) {
  if (config.os === undefined || config.architecture === undefined) return null;
  return { os: config.os, architecture: config.architecture, variant: config.variant ?? null };
}
