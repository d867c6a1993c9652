import type { SpecOp } from '../../../machines/atomic_state.ts';
import { knownIssue } from '../../../properties/known_issues.ts';
import type { CheckResult } from '../check_result.ts';
import { formatCounterexample } from '../format_counterexample.ts';

const xmlEscape = (s: string): string =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/**
 * The JUnit XML report of a check, for CI dashboards: one test case per invariant, for linearizability,
 * for the device monitor and for the kernel's own bug detectors; a failure carries the counterexample's
 * violations of that check and the counterexample's step list (`setup` is the system's setup, for it);
 * each known issue met is a skipped case naming its source.
 */
export function junitReport(r: CheckResult, setup: readonly SpecOp[]): string {
  const steps = r.counterexample ? `\n\n${formatCounterexample(r.counterexample, setup)}` : '';
  const violations = (r.counterexample?.violations ?? []).filter((v) => !v.known);
  const cases: string[] = [];
  const checks = [
    ...r.invariants.map((i) => ({
      name: i.name,
      match: (k: string, c: string) => k === 'invariant' && c === i.name,
    })),
    { name: 'linearizable', match: (k: string) => k === 'linearizability' },
    { name: 'mdev_device monitor', match: (k: string) => k === 'monitor' },
    {
      name: 'kernel bugs (use after free, refcount, WARN, oops, deadlock)',
      match: (k: string) => ['kernel-bug', 'oops', 'deadlock'].includes(k),
    },
  ];
  let failures = 0;
  for (const c of checks) {
    const mine = violations.filter((v) => c.match(v.kind, v.check));
    if (mine.length) failures++;
    const failure = mine.length
      ? `<failure message="${xmlEscape(mine[0]!.message.split('\n')[0]!)}">${xmlEscape(mine.map((v) => v.message).join('\n\n') + steps)}</failure>`
      : '';
    cases.push(`    <testcase classname="mdevspec.check" name="${xmlEscape(c.name)}">${failure}</testcase>`);
  }
  if (r.paths) {
    const failed = r.paths.failures;
    if (failed.length) failures++;
    const failure = failed.length
      ? `<failure message="${xmlEscape(`${failed.length} lifecycle path(s) differ from the spec`)}">${xmlEscape(failed.map((f) => `path ${f.path}: ${f.mismatches}`).join('\n\n'))}</failure>`
      : '';
    cases.push(
      `    <testcase classname="mdevspec.check" name="lifecycle paths (${r.paths.paths} paths, ${r.paths.steps} steps)">${failure}</testcase>`,
    );
  }
  for (const [id, n] of Object.entries(r.knownIssues)) {
    const k = knownIssue(id);
    cases.push(
      `    <testcase classname="mdevspec.known" name="${xmlEscape(`${id} ${k?.title ?? ''}`)}"><skipped message="${xmlEscape(`known kernel issue, met in ${n} run(s): ${k?.source ?? ''}`)}"/></testcase>`,
    );
  }
  const skipped = Object.keys(r.knownIssues).length;
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="mdevspec check" tests="${cases.length}" failures="${failures}" skipped="${skipped}" time="${(r.durationMs / 1000).toFixed(3)}">`,
    `  <testsuite name="${xmlEscape(r.system)}" tests="${cases.length}" failures="${failures}" skipped="${skipped}" time="${(r.durationMs / 1000).toFixed(3)}">`,
    `    <properties><property name="scheduler" value="${r.scheduler}"/><property name="seed" value="${r.seed}"/><property name="runs" value="${r.runs}"/><property name="coverage" value="${r.coverage.covered}/${r.coverage.total}"/></properties>`,
    ...cases,
    '  </testsuite>',
    '</testsuites>',
    '',
  ].join('\n');
}
