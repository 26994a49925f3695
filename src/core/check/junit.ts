import type { CheckCase } from './thresholds';

function xml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** JUnit XML (testsuites > testsuite > testcase > failure), one testcase per thing checked, as CI systems read it. */
export function junitXml(cases: readonly CheckCase[]): string {
  const failures = cases.filter((c) => c.failures.length > 0).length;
  const lines = ['<?xml version="1.0" encoding="UTF-8"?>', `<testsuites name="quantlens check" tests="${cases.length}" failures="${failures}">`,
    `  <testsuite name="quantlens check" tests="${cases.length}" failures="${failures}" errors="0" skipped="0">`];
  for (const c of cases) {
    const head = `    <testcase classname="${xml(c.file)}" name="${xml(c.name)}"`;
    if (c.failures.length === 0) {
      lines.push(`${head}/>`);
      continue;
    }
    lines.push(`${head}>`);
    for (const f of c.failures) lines.push(`      <failure type="${f.rule}" message="${xml(f.message)}">${xml(`${c.name}: ${f.message}`)}</failure>`);
    lines.push('    </testcase>');
  }
  lines.push('  </testsuite>', '</testsuites>', '');
  return lines.join('\n');
}
