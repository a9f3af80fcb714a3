/**
 * The form a secret takes in findings: its first characters and its length, e.g. `AKIA…(20 chars)`.
 * Four characters are shown for secrets of 16 characters or more; shorter ones show at most a
 * quarter, so a short password is never half-revealed.
 */
export function redact(secret: string): string {
  const chars = [...secret];
  const shown = chars.length >= 16 ? 4 : Math.floor(chars.length / 4);
  return `${chars.slice(0, shown).join('')}…(${chars.length} chars)`;
}
