/** A text label that names a vertical line at pixel `x`. */
export interface LineLabel {
  readonly x: number;
  readonly text: string;
  /** Measured text width, px. */
  readonly width: number;
}

/** Where a label is drawn: its box in canvas pixels (CSS px). */
export interface LabelBox {
  readonly text: string;
  readonly left: number;
  readonly top: number;
  readonly width: number;
  readonly height: number;
}

/** The band the labels go in: its bottom edge is the plot's top. */
export interface LabelBand {
  readonly left: number;
  readonly right: number;
  readonly top: number;
  readonly bottom: number;
}

export interface LabelSpacing {
  /** Height of a label row (text plus leading). */
  readonly rowHeight: number;
  /** Space between a line and its label, and between two labels on a row. */
  readonly gap: number;
}

function overlaps(a: LabelBox, b: LabelBox, gap: number): boolean {
  return a.left < b.left + b.width + gap && b.left < a.left + a.width + gap && a.top < b.top + b.height && b.top < a.top + a.height;
}

/**
 * Places each label beside its line, right of it if it fits in the band, else left, on the row
 * nearest the band's bottom where it overlaps no label placed before it (earlier labels sit
 * nearer the plot). A label with no free place is left out (null) rather than drawn over another.
 */
export function placeLabels(labels: readonly LineLabel[], band: LabelBand, spacing: LabelSpacing): (LabelBox | null)[] {
  const { rowHeight, gap } = spacing;
  const rows = Math.floor((band.bottom - band.top) / rowHeight);
  const placed: LabelBox[] = [];
  return labels.map((label) => {
    const sides = [label.x + gap, label.x - gap - label.width].filter((left) => left >= band.left && left + label.width <= band.right);
    let box: LabelBox | undefined;
    for (let row = 0; row < rows && !box; row++) {
      const top = band.bottom - (row + 1) * rowHeight;
      box = sides.map((left) => ({ text: label.text, left, top, width: label.width, height: rowHeight }))
        .find((candidate) => !placed.some((p) => overlaps(candidate, p, gap)));
    }
    if (!box) return null;
    placed.push(box);
    return box;
  });
}

/** How many rows the placed labels take, counted up from the band's bottom. */
export function rowsUsed(boxes: readonly (LabelBox | null)[], band: LabelBand, spacing: LabelSpacing): number {
  return boxes.reduce((rows, box) => (box ? Math.max(rows, Math.round((band.bottom - box.top) / spacing.rowHeight)) : rows), 0);
}
