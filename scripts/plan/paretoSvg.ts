/**
 * The README's Pareto chart from a `quantlens plan --budget-* --presets ... --json` output: the
 * solver's front (size against predicted damage, damage on a log scale), each stock preset as a
 * labelled point, the plan at the budget highlighted. Plain SVG, no dependencies.
 *
 *   npx tsx src/cli/main.ts plan test/fixtures/plan/llama-gqa.gguf --budget-bytes 364736 \
 *     --presets Q4_0,Q4_K_S,Q4_K_M,Q5_0,Q5_K_M,Q6_K,Q8_0 \
 *     --imatrix test/fixtures/plan/imatrix/llama-gqa.imatrix.gguf --no-cache --json > /tmp/plan.json
 *   npx tsx scripts/plan/paretoSvg.ts /tmp/plan.json media/plan-pareto.svg
 */
import { promises as fs } from 'node:fs';

interface Point {
  readonly bitsPerWeight: number;
  readonly predictedDamage: number;
}

interface PlanJson extends Point {
  readonly pareto: readonly Point[];
  readonly presets: readonly (Point & { readonly preset: string })[];
}

const WIDTH = 640;
const HEIGHT = 400;
const MARGIN = { left: 70, right: 20, top: 20, bottom: 50 };
const TICKS = 6;

function escape(text: string): string {
  return text.replace(/[<>&"]/g, (c) => `&#${c.charCodeAt(0)};`);
}

export function paretoSvg(plan: PlanJson): string {
  const points = [...plan.pareto, ...plan.presets, plan].filter((p) => p.predictedDamage > 0);
  const xs = points.map((p) => p.bitsPerWeight);
  const ys = points.map((p) => Math.log10(p.predictedDamage));
  const [x0, x1] = [Math.min(...xs), Math.max(...xs)];
  const [y0, y1] = [Math.floor(Math.min(...ys)), Math.ceil(Math.max(...ys))];
  const px = (bpw: number): number => MARGIN.left + ((bpw - x0) / (x1 - x0 || 1)) * (WIDTH - MARGIN.left - MARGIN.right);
  const py = (damage: number): number => HEIGHT - MARGIN.bottom - ((Math.log10(damage) - y0) / (y1 - y0 || 1)) * (HEIGHT - MARGIN.top - MARGIN.bottom);
  const front = plan.pareto.filter((p) => p.predictedDamage > 0).map((p) => `${px(p.bitsPerWeight).toFixed(1)},${py(p.predictedDamage).toFixed(1)}`).join(' ');
  const xTicks = Array.from({ length: TICKS }, (_, k) => x0 + ((x1 - x0) * k) / (TICKS - 1));
  const yTicks = Array.from({ length: y1 - y0 + 1 }, (_, k) => y0 + k);
  const parts = [
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${WIDTH} ${HEIGHT}" width="${WIDTH}" height="${HEIGHT}" font-family="sans-serif" font-size="12">`,
    `<rect width="${WIDTH}" height="${HEIGHT}" fill="#ffffff"/>`,
    ...xTicks.map((x) => `<line x1="${px(x).toFixed(1)}" y1="${MARGIN.top}" x2="${px(x).toFixed(1)}" y2="${HEIGHT - MARGIN.bottom}" stroke="#e5e5e5"/><text x="${px(x).toFixed(1)}" y="${HEIGHT - MARGIN.bottom + 16}" text-anchor="middle" fill="#333">${x.toFixed(2)}</text>`),
    ...yTicks.map((y) => `<line x1="${MARGIN.left}" y1="${py(10 ** y).toFixed(1)}" x2="${WIDTH - MARGIN.right}" y2="${py(10 ** y).toFixed(1)}" stroke="#e5e5e5"/><text x="${MARGIN.left - 6}" y="${(py(10 ** y) + 4).toFixed(1)}" text-anchor="end" fill="#333">1e${y}</text>`),
    `<text x="${(MARGIN.left + WIDTH - MARGIN.right) / 2}" y="${HEIGHT - 12}" text-anchor="middle" fill="#333">bits per weight</text>`,
    `<text transform="translate(16 ${(MARGIN.top + HEIGHT - MARGIN.bottom) / 2}) rotate(-90)" text-anchor="middle" fill="#333">predicted damage (sum alpha t^2)</text>`,
    `<polyline points="${front}" fill="none" stroke="#1f77b4" stroke-width="2"/>`,
    ...plan.presets.filter((p) => p.predictedDamage > 0).map((p) => `<circle cx="${px(p.bitsPerWeight).toFixed(1)}" cy="${py(p.predictedDamage).toFixed(1)}" r="5" fill="#d62728"/><text x="${(px(p.bitsPerWeight) + 8).toFixed(1)}" y="${(py(p.predictedDamage) - 6).toFixed(1)}" fill="#d62728">${escape(p.preset)}</text>`),
    `<circle cx="${px(plan.bitsPerWeight).toFixed(1)}" cy="${py(plan.predictedDamage).toFixed(1)}" r="6" fill="none" stroke="#2ca02c" stroke-width="3"/>`,
    `<text x="${(px(plan.bitsPerWeight) + 9).toFixed(1)}" y="${(py(plan.predictedDamage) + 16).toFixed(1)}" fill="#2ca02c">plan at ${plan.bitsPerWeight.toFixed(2)} bpw</text>`,
    `<text x="${WIDTH - MARGIN.right}" y="${MARGIN.top + 12}" text-anchor="end" fill="#1f77b4">solver front</text>`,
    `<text x="${WIDTH - MARGIN.right}" y="${MARGIN.top + 28}" text-anchor="end" fill="#d62728">llama.cpp presets</text>`,
    '</svg>',
  ];
  return parts.join('\n') + '\n';
}

async function main(argv: readonly string[]): Promise<void> {
  const [input, output] = argv;
  if (!input || !output) throw new Error('usage: paretoSvg.ts PLAN.json OUT.svg');
  const plan = JSON.parse(await fs.readFile(input, 'utf8')) as PlanJson;
  if (!Array.isArray(plan.pareto) || !Array.isArray(plan.presets)) throw new Error(`${input}: not a plan --budget-* --presets --json output`);
  await fs.writeFile(output, paretoSvg(plan));
}

if (require.main === module) {
  main(process.argv.slice(2)).catch((e: Error) => {
    process.stderr.write(`paretoSvg: ${e.message}\n`);
    process.exitCode = 1;
  });
}
