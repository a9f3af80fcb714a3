import type { DetectedBy } from '../dockerfile/detect.js';

/** `docker inspect` output: a JSON array whose first object has `Id` and `HostConfig` (sniffed, not parsed). */
export function detectDockerInspect(_path: string, content: string): DetectedBy | null {
  const head = content.slice(0, 64 * 1024);
  if (!/^\s*\[\s*\{/.test(head)) return null;
  return /"Id"\s*:\s*"/.test(head) && /"HostConfig"\s*:\s*\{/.test(head) ? 'content' : null;
}
