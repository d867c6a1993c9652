import type { CoverageReport } from './coverage.ts';
import type { GenerateOptions } from './generate.ts';

const percent = (covered: number, total: number) =>
  total ? `${((100 * covered) / total).toFixed(1)}%` : '100%';

/** The coverage report as a few human-readable lines (what `mdevspec paths` prints on stderr). */
export function formatReport(report: CoverageReport, options: GenerateOptions): string {
  const lines = [
    `${report.machine} at ${options.profile} (${report.bounds}), ${report.goal} coverage: ${report.paths.count} paths, ${report.paths.steps} steps (longest ${report.paths.longest})`,
    `  ${Object.entries(report.kinds)
      .map(([kind, c]) => `${kind} ${c.covered}/${c.total} (${percent(c.covered, c.total)})`)
      .join(', ')}`,
    `  transition definitions taken ${report.definitions.covered}/${report.definitions.total}, state nodes entered ${report.stateNodes.covered}/${report.stateNodes.total}, events the spec accepts in no transition ${report.refusedBySpec}`,
  ];
  const unreached = [...report.stateNodes.unreached, ...report.definitions.unreached];
  if (unreached.length) {
    lines.push('  not reachable within the bounds:');
    for (const u of unreached) lines.push(`    ${u.id}: ${u.reason}`);
  }
  return lines.join('\n');
}
