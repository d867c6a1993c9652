import type { SpecOp } from '../../../machines/atomic_state.ts';
import { knownIssue } from '../../../properties/known_issues.ts';
import type { CheckResult } from '../check_result.ts';
import { formatCounterexample } from '../format_counterexample.ts';
import { sequencePath } from '../trace_file.ts';

/** The text report of a check: what ran, what was checked, the known issues met, and the verdict. */
export function textReport(r: CheckResult, setup: readonly SpecOp[], tracePath: string | null): string {
  const lines: string[] = [];
  lines.push(`mdevspec check: ${r.system}`);
  lines.push(
    `  scheduler ${r.scheduler}, seed ${r.seed}${r.interrupted ? ' (stopped by the time limit)' : ''}, ${(r.durationMs / 1000).toFixed(1)} s`,
  );
  lines.push(`  runs            ${r.runs}${r.shrinks ? ` (+ ${r.shrinks} shrinking)` : ''}`);
  lines.push(`  operations      ${r.operations}`);
  lines.push(`  interleavings   ${r.interleavings} distinct (${r.decisions} scheduling decisions)`);
  lines.push(
    `  invariants      ${r.invariants.length} (${r.invariants.map((i) => i.name).join(', ')}), ${r.invariantChecks} evaluations; linearizability and the device monitor on every run`,
  );
  const pct = Math.round((100 * r.coverage.covered) / Math.max(1, r.coverage.total));
  lines.push(
    `  spec coverage   ${r.coverage.covered}/${r.coverage.total} transitions of the mdev device machine (${pct}%)`,
  );
  if (r.parallel)
    lines.push('  runs are       parallel programs: a prefix, then 2-3 branches running concurrently');
  if (r.exhaustive) {
    const e = r.exhaustive;
    lines.push(
      `  exhaustive      ${e.exhausted} operation set(s) fully explored (a proof within ${e.bound} interleavings), ${e.cut} cut at the bound; ${e.states} states, ${e.sleepPruned} orders skipped as equivalent, ${e.cacheHits} revisited states skipped`,
    );
  }
  if (r.pct) {
    lines.push(
      `  PCT             depth ${r.pct.depth}, k=${r.pct.steps} steps, n=${r.pct.threads} threads: each run finds a depth-${r.pct.depth} bug with probability ≥ ${r.pct.guarantee.toExponential(2)}`,
    );
  }
  if (r.paths) {
    const p = r.paths;
    lines.push(
      `  lifecycle paths ${p.paths} paths, ${p.steps} steps over ${p.slots} slots, covering ${p.transitions.covered}/${p.transitions.total} transitions of the system machine: ${p.failures.length ? `${p.failures.length} path(s) differ from the spec` : 'every step as the spec expects'} (${(p.durationMs / 1000).toFixed(1)} s)`,
    );
    for (const f of p.failures)
      lines.push(`    path ${f.path}:\n      ${f.mismatches.replace(/\n/g, '\n      ')}`);
  }
  const windows = Object.entries(r.windows);
  if (windows.length) lines.push(`  overlap windows ${windows.map(([w, n]) => `${w} ×${n}`).join(', ')}`);
  const known = Object.entries(r.knownIssues);
  lines.push(known.length ? '  known kernel issues met (not failures):' : '  known kernel issues met: none');
  for (const [id, n] of known) {
    const k = knownIssue(id);
    lines.push(`    ${id} in ${n} run(s): ${k?.title ?? ''}${k ? ` [${k.source}; ${k.established}]` : ''}`);
  }
  if (r.counterexample) {
    lines.push('');
    if (r.scheduleShrink) {
      const { before, after, attempts } = r.scheduleShrink;
      lines.push(
        `Schedule shrinking (${attempts} runs): ${before.commands} → ${after.commands} commands, ${before.preemptions} → ${after.preemptions} preemptions, ${before.switches} → ${after.switches} context switches, ${before.decisions} → ${after.decisions} decisions`,
      );
    }
    lines.push(formatCounterexample(r.counterexample, setup));
    if (tracePath) {
      lines.push(`\nTrace written to ${tracePath}: replay it with \`npx mdevspec replay ${tracePath}\``);
      lines.push(`Sequence diagram (Mermaid) in ${sequencePath(tracePath)}`);
    }
  }
  lines.push('');
  lines.push(
    r.verdict === 'pass'
      ? 'PASS: no violation outside the known kernel issues'
      : 'FAIL: a violation the known kernel issues do not explain',
  );
  return lines.join('\n');
}
