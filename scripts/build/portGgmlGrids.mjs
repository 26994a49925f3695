// Writes src/core/quant/ggml/grids/*.ts: the lattice and sign tables of ggml-common.h, values verbatim.
// Run: node scripts/build/portGgmlGrids.mjs [path/to/ggml-common.h] (default: the llama.cpp source in
// shared/tools, commit 81ff7abe50b95fb81cc70a6cdba1eb1a02a48f62). test/unit/ggml/grids.test.ts checks the
// result against the bytes ggml's own compiled tables hold (test/fixtures/ggml/grid/*.bin).
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const COMMIT = '81ff7abe50b95fb81cc70a6cdba1eb1a02a48f62';
const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const header = process.argv[2] ?? join(root, '..', 'shared', 'tools', 'llama.cpp', 'source', 'ggml', 'src', 'ggml-common.h');
const text = readFileSync(header, 'utf8');
const outDir = join(root, 'src', 'core', 'quant', 'ggml', 'grids');

/** [ggml name, TS file, TS constant, item type, values per line, doc] */
const TABLES = [
  ['iq2xxs_grid', 'iq2xxsGrid', 'IQ2XXS_GRID', 'u64', 4, 'IQ2_XXS: 256 points of the E8 lattice, 8 magnitudes (1 byte each, low byte first) per index'],
  ['iq2xs_grid', 'iq2xsGrid', 'IQ2XS_GRID', 'u64', 4, 'IQ2_XS: 512 points of the E8 lattice, 8 magnitudes per index'],
  ['iq2s_grid', 'iq2sGrid', 'IQ2S_GRID', 'u64', 4, 'IQ2_S: 1024 points of the E8 lattice, 8 magnitudes per index'],
  ['iq3xxs_grid', 'iq3xxsGrid', 'IQ3XXS_GRID', 'u32', 8, 'IQ3_XXS: 256 points of the D4 lattice, 4 magnitudes per index'],
  ['iq3s_grid', 'iq3sGrid', 'IQ3S_GRID', 'u32', 8, 'IQ3_S: 512 points of the D4 lattice, 4 magnitudes per index'],
  ['iq1s_grid', 'iq1sGrid', 'IQ1S_GRID', 'u64', 4, 'IQ1_S and IQ1_M: 2048 points, 8 values in {-1, 0, 1} (int8: 0xff is -1) per index'],
];

function values(name) {
  const m = new RegExp(`GGML_TABLE_BEGIN\\(\\w+, ${name}, \\w+\\)([\\s\\S]*?)GGML_TABLE_END\\(\\)`).exec(text);
  if (!m) throw new Error(`${name} not found in ${header}`);
  return m[1].split(',').map((s) => s.trim()).filter((s) => s.length > 0);
}

function lines(items, perLine, suffix) {
  const out = [];
  for (let i = 0; i < items.length; i += perLine) out.push('  ' + items.slice(i, i + perLine).map((v) => v + suffix).join(', ') + ',');
  return out.join('\n');
}

for (const [name, file, constant, type, perLine, doc] of TABLES) {
  const items = values(name);
  const ts = `// ggml-common.h ${name} (llama.cpp ${COMMIT}), verbatim; written by scripts/build/portGgmlGrids.mjs.
import { ${type}Grid } from './gridBytes';

/** ${doc}. */
export const ${constant} = ${type}Grid([
${lines(items, perLine, type === 'u64' ? 'n' : '')}
]);
`;
  writeFileSync(join(outDir, `${file}.ts`), ts);
}

const signs = values('ksigns_iq2xs');
const masks = values('kmask_iq2xs');
writeFileSync(join(outDir, 'signs.ts'), `// ggml-common.h ksigns_iq2xs and kmask_iq2xs (llama.cpp ${COMMIT}), verbatim; written by scripts/build/portGgmlGrids.mjs.

/** 7 sign bits -> 8 sign bits with even parity (bit 7 makes the count of minus signs even). */
export const KSIGNS_IQ2XS = new Uint8Array([
${lines(signs, 16, '')}
]);

/** Bit j of a sign byte is the sign of value j. */
export const KMASK_IQ2XS = new Uint8Array([${masks.join(', ')}]);
`);
