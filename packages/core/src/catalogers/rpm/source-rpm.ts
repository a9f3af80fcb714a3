/** `openssl-3.0.7-27.el9.src.rpm` → name `openssl`, version `3.0.7-27.el9`. */
export function sourceOf(sourceRpm: string | null): { name: string; version: string } | null {
  if (sourceRpm === null) return null;
  const match = /^(.+)-([^-]+)-([^-]+)\.(?:no)?src\.rpm$/.exec(sourceRpm);
  if (!match?.[1]) return null;
  return { name: match[1], version: `${match[2]}-${match[3]}` };
}
