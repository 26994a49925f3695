/** A column's width for its body cells: fixed px, or a share of the spare width above a floor (px). */
export type ColumnWidth = number | { readonly min: number; readonly share: number };

export interface GridColumns {
  /** CSS grid-template-columns. */
  readonly template: string;
  /** The narrowest the row can be without cutting a column: wider than the panel, the table scrolls sideways. */
  readonly minWidth: number;
}

/** Each column as wide as its body cells ask, widened to what its header and footer need (`needed[i]`, px). */
export function gridColumns(widths: readonly ColumnWidth[], needed: readonly number[]): GridColumns {
  let minWidth = 0;
  const parts = widths.map((w, i) => {
    const floor = Math.ceil(Math.max(typeof w === 'number' ? w : w.min, needed[i] ?? 0));
    minWidth += floor;
    return typeof w === 'number' ? `${floor}px` : `minmax(${floor}px, ${w.share}fr)`;
  });
  return { template: parts.join(' '), minWidth };
}
