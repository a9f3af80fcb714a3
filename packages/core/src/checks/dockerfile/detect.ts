/** How a file was recognised: by its name, or by sniffing its content. */
export type DetectedBy = 'name' | 'content';

const NAME = /^(dockerfile|containerfile)(\.[\w-]+)?$|\.(dockerfile|containerfile)$/i;
/** `Dockerfile.md` or `dockerfile.test.ts`-like names are documents and code about Dockerfiles. */
const NOT_DOCKERFILE_EXT = /\.(md|markdown|txt|rst|adoc|json|ya?ml|toml|ts|tsx|js|mjs|cjs|py|go|rs|rb|java|sh|snap|html|lock)$/i;

/**
 * A Dockerfile by name (`Dockerfile`, `Containerfile`, `Dockerfile.prod`, `api.dockerfile`) or by
 * content: the first instruction after directives and comments is FROM, or ARGs followed by FROM.
 */
export function detectDockerfile(path: string, content: string): DetectedBy | null {
  const base = path.slice(path.replace(/\\/g, '/').lastIndexOf('/') + 1);
  if (NAME.test(base) && !NOT_DOCKERFILE_EXT.test(base)) return 'name';
  let seen = 0;
  for (const line of content.slice(0, 64 * 1024).split(/\r?\n/, 200)) {
    const t = line.trim();
    if (t === '' || t.startsWith('#')) continue;
    // FROM [--platform=…] <image> [AS <name>]: prose starting with "from" does not fit.
    if (/^from\s/i.test(t)) return /^from(\s+--\S+)*\s+[\w.${}/:@-]+(\s+as\s+[\w.-]+)?$/i.test(t) ? 'content' : null;
    if (!/^arg\s+[A-Za-z_]/i.test(t) || ++seen > 50) return null;
  }
  return null;
}
