/** Colours from the VS Code theme (or the report's stand-in variables), read when charts draw. */
export const CHART_COLOR_VARS = [
  '--vscode-charts-blue', '--vscode-charts-orange', '--vscode-charts-green',
  '--vscode-charts-purple', '--vscode-charts-red', '--vscode-charts-yellow',
] as const;

const FALLBACK = '#888888';

export function cssVar(name: string): string {
  return getComputedStyle(document.body).getPropertyValue(name).trim() || FALLBACK;
}

export function seriesColor(i: number): string {
  return cssVar(CHART_COLOR_VARS[i % CHART_COLOR_VARS.length] ?? CHART_COLOR_VARS[0]);
}

/** `#rrggbb` or `rgb(...)` at the given opacity, for fills under lines. */
export function withAlpha(color: string, alpha: number): string {
  const hex = /^#([0-9a-f]{6})([0-9a-f]{2})?$/i.exec(color);
  if (hex?.[1]) {
    const v = parseInt(hex[1], 16);
    return `rgba(${(v >> 16) & 255}, ${(v >> 8) & 255}, ${v & 255}, ${alpha})`;
  }
  const rgb = /^rgba?\(([^)]+)\)$/.exec(color);
  if (rgb?.[1]) {
    const [r, g, b] = rgb[1].split(',').map((s) => s.trim());
    return `rgba(${r}, ${g}, ${b}, ${alpha})`;
  }
  return color;
}

/** Calls `onChange` when VS Code switches theme (it rewrites the body's class list). */
export function watchTheme(onChange: () => void): void {
  new MutationObserver(onChange).observe(document.body, { attributes: true, attributeFilter: ['class'] });
}
