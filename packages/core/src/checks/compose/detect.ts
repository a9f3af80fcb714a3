import type { DetectedBy } from '../dockerfile/detect.js';

const NAME = /^(docker-)?compose([.-][\w.-]+)?\.ya?ml$/i;

/**
 * A Compose file by name (`compose.yaml`, `docker-compose.yml`, `docker-compose.prod.yml`,
 * `compose.override.yaml`) or by content: a top-level `services:` block whose entries are maps
 * (Kubernetes manifests have `apiVersion`/`kind` instead).
 */
export function detectCompose(path: string, content: string): DetectedBy | null {
  const base = path.slice(path.replace(/\\/g, '/').lastIndexOf('/') + 1);
  if (NAME.test(base)) return 'name';
  if (!/\.ya?ml$/i.test(base) && base.includes('.')) return null;
  const head = content.slice(0, 256 * 1024);
  if (/^(apiVersion|kind):/m.test(head)) return null;
  return /^services:[ \t]*(#.*)?\r?\n([ \t]*(#.*)?\r?\n)*[ \t]+["']?[\w.-]+["']?:/m.test(head) ? 'content' : null;
}
