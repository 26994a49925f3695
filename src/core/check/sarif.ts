import { QUANTLENS_VERSION } from '../version';
import type { CheckCase, CheckRule } from './thresholds';

const SARIF_SCHEMA = 'https://json.schemastore.org/sarif-2.1.0.json';
const RULES: Readonly<Record<CheckRule, string>> = {
  'min-sqnr': 'SQNR below the --min-sqnr threshold',
  'max-rel-err': 'relative Frobenius error above the --max-rel-err threshold',
  'no-nonfinite': 'NaN or Inf values (--no-nonfinite)',
  plan: 'stored type differs from the plan (--plan)',
};

/** A SARIF 2.1.0 log: one result per failure, located at the file checked. */
export function sarifLog(cases: readonly CheckCase[]): unknown {
  const ids = Object.keys(RULES) as CheckRule[];
  return {
    $schema: SARIF_SCHEMA,
    version: '2.1.0',
    runs: [{
      tool: { driver: { name: 'quantlens', version: QUANTLENS_VERSION, rules: ids.map((id) => ({ id, shortDescription: { text: RULES[id] } })) } },
      results: cases.flatMap((c) => c.failures.map((f) => ({
        ruleId: f.rule,
        ruleIndex: ids.indexOf(f.rule),
        level: 'error',
        message: { text: `${c.name}: ${f.message}` },
        locations: [{ physicalLocation: { artifactLocation: { uri: c.file } }, logicalLocations: [{ name: c.name }] }],
      }))),
    }],
  };
}
