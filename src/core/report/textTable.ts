export type Align = 'left' | 'right';

/** Escape sequences (colours) take no room on screen. */
const ANSI = /\x1b\[[0-9;]*m/g;

function visibleLength(text: string): number {
  return text.replace(ANSI, '').length;
}

function pad(text: string, width: number, align: Align): string {
  const fill = ' '.repeat(Math.max(0, width - visibleLength(text)));
  return align === 'left' ? text + fill : fill + text;
}

/** Rows of cells as aligned lines, columns two spaces apart, trailing blanks trimmed. */
export function alignColumns(rows: readonly (readonly string[])[], align: readonly Align[]): string[] {
  const widths: number[] = [];
  for (const row of rows) row.forEach((c, i) => { widths[i] = Math.max(widths[i] ?? 0, visibleLength(c)); });
  return rows.map((row) => row.map((c, i) => pad(c, widths[i]!, align[i] ?? 'left')).join('  ').trimEnd());
}
