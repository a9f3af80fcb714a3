/**
 * The order of two strings by UTF-16 code units: the same on every machine. `localeCompare`
 * orders by the user's locale (Swedish puts "ä" after "z", Turkish sorts i and ı its own way), so
 * reports, SBOMs and cached results sorted with it came out differently on different machines; it
 * also pages in ICU's collation data.
 */
export function compareText(a: string, b: string): -1 | 0 | 1 {
  return a < b ? -1 : a > b ? 1 : 0;
}
