import parse from 'spdx-expression-parse';

/** True when `text` is a valid SPDX license expression (ids from the SPDX license list, AND/OR/WITH). */
export function isSpdxExpression(text: string): boolean {
  if (text.length === 0 || text.length > 1000) return false;
  try {
    parse(text);
    return true;
  } catch {
    return false;
  }
}

/** True when `text` is a single license id from the SPDX list (no operators). */
export function isSpdxId(text: string): boolean {
  if (!isSpdxExpression(text)) return false;
  const parsed = parse(text) as { license?: string; conjunction?: string; exception?: string };
  return parsed.license !== undefined && parsed.conjunction === undefined && parsed.exception === undefined && !text.includes('+');
}
