/**
 * A box-drawn text table (the compact layout cli-table3 draws: a rule under the head, none between
 * rows) in linear time: one pass over the rows for the column widths, one to draw them. cli-table3
 * lays tables out in time quadratic in the row count (its span-conflict search) and fails with
 * "Maximum call stack size exceeded" past ~100,000 rows, which a large SBOM reaches.
 */
export interface BoxTableOptions {
  readonly head: readonly string[];
  /** Fixed column widths, padding included; text wraps on spaces and long words are cut with `…`. Default: as wide as the widest cell. */
  readonly widths?: readonly number[];
}

const PAD = 1;

function width(text: string): number {
  let n = 0;
  for (const _ of text) n++;
  return n;
}

function cut(text: string, max: number): string {
  if (width(text) <= max) return text;
  return `${Array.from(text).slice(0, Math.max(0, max - 1)).join('')}…`;
}

/** Greedy wrap on spaces to `max` characters per line; a word longer than a line is cut. */
function wrap(text: string, max: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(' ')) {
    if (line === '') line = word;
    else if (width(line) + 1 + width(word) <= max) line = `${line} ${word}`;
    else {
      lines.push(cut(line, max));
      line = word;
    }
  }
  lines.push(cut(line, max));
  return lines;
}

/**
 * The table's lines, in order: top rule, head, rule, one or more lines per row, bottom rule. Rows
 * are read twice (widths, then drawing), so pass an array, not a one-shot iterator.
 */
export function* boxTableLines(rows: readonly (readonly string[])[], options: BoxTableOptions): Generator<string> {
  const columns = options.head.length;
  let widths: number[];
  if (options.widths !== undefined) {
    widths = options.widths.slice(0, columns);
  } else {
    widths = options.head.map((h) => width(h) + 2 * PAD);
    for (const row of rows) {
      for (let i = 0; i < columns; i++) {
        const w = width(row[i] ?? '') + 2 * PAD;
        if (w > widths[i]!) widths[i] = w;
      }
    }
  }
  const rule = (left: string, mid: string, right: string): string => `${left}${widths.map((w) => '─'.repeat(w)).join(mid)}${right}`;
  const draw = function* (cells: readonly string[]): Generator<string> {
    const texts = widths.map((w, i) => {
      const text = cells[i] ?? '';
      return options.widths === undefined ? [text] : wrap(text, w - 2 * PAD);
    });
    let height = 1;
    for (const t of texts) if (t.length > height) height = t.length;
    for (let line = 0; line < height; line++) {
      let out = '│';
      for (let i = 0; i < widths.length; i++) {
        const text = texts[i]![line] ?? '';
        out += `${' '.repeat(PAD)}${text}${' '.repeat(Math.max(0, widths[i]! - 2 * PAD - width(text)))}${' '.repeat(PAD)}│`;
      }
      yield out;
    }
  };
  yield rule('┌', '┬', '┐');
  yield* draw(options.head);
  yield rule('├', '┼', '┤');
  for (const row of rows) yield* draw(row);
  yield rule('└', '┴', '┘');
}
