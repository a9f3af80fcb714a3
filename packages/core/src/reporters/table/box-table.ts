/**
 * A box-drawn text table (the compact layout cli-table3 draws: a rule under the head, none between
 * rows) in linear time: one pass over the rows for the column widths, one to draw them. cli-table3
 * lays tables out in time quadratic in the row count (its span-conflict search) and fails with
 * "Maximum call stack size exceeded" past ~100,000 rows, which a large SBOM reaches.
 */
export interface BoxTableOptions {
  readonly head: readonly string[];
  /** Fixed column widths, padding included; text wraps on spaces, and a word longer than a line is split across lines. Default: as wide as the widest cell. */
  readonly widths?: readonly number[];
  /** Decorates a body cell's text after layout (ANSI colour): widths count the plain text only. */
  readonly style?: (column: number, text: string) => string;
}

const PAD = 1;

function width(text: string): number {
  let n = 0;
  for (const _ of text) n++;
  return n;
}

/** Greedy wrap on spaces to `max` characters per line; a word longer than a line is split, never cut: nothing is lost. */
export function wrapText(text: string, max: number): string[] {
  const limit = Math.max(1, max);
  const lines: string[] = [];
  let line = '';
  const push = (word: string): void => {
    let rest = Array.from(word);
    while (rest.length > limit) {
      lines.push(rest.slice(0, limit).join(''));
      rest = rest.slice(limit);
    }
    line = rest.join('');
  };
  for (const word of text.split(' ')) {
    if (line === '') push(word);
    else if (width(line) + 1 + width(word) <= limit) line = `${line} ${word}`;
    else {
      lines.push(line);
      push(word);
    }
  }
  lines.push(line);
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
  const draw = function* (cells: readonly string[], body: boolean): Generator<string> {
    const texts = widths.map((w, i) => {
      const text = cells[i] ?? '';
      return options.widths === undefined ? [text] : wrapText(text, w - 2 * PAD);
    });
    let height = 1;
    for (const t of texts) if (t.length > height) height = t.length;
    for (let line = 0; line < height; line++) {
      let out = '│';
      for (let i = 0; i < widths.length; i++) {
        const text = texts[i]![line] ?? '';
        const shown = body && options.style !== undefined && text !== '' ? options.style(i, text) : text;
        out += `${' '.repeat(PAD)}${shown}${' '.repeat(Math.max(0, widths[i]! - 2 * PAD - width(text)))}${' '.repeat(PAD)}│`;
      }
      yield out;
    }
  };
  yield rule('┌', '┬', '┐');
  yield* draw(options.head, false);
  yield rule('├', '┼', '┤');
  for (const row of rows) yield* draw(row, true);
  yield rule('└', '┴', '┘');
}
