import { generatePaths, toSuite } from '../paths/generate.ts';
import { formatMismatches, replayPaths } from '../paths/replay.ts';
import type { PathsReport } from './check_result.ts';
import type { CheckSystem } from './check_system.ts';

/**
 * `mdevspec check --paths`: generates the transition-covering lifecycle paths of the system machine for the
 * check's parents (with their load parameters and accounting) and `slots` device slots, and replays every
 * path on the implementation — the samples, or the driver under check — step by step.
 */
export async function checkPaths(system: CheckSystem, slots: number): Promise<PathsReport> {
  const started = Date.now();
  const parents = Object.entries(system.parents).map(([name, accounting]) => ({
    name,
    accounting,
    ...(system.space.params[name] ? { params: system.space.params[name] } : {}),
  }));
  const generated = generatePaths({
    machine: 'system',
    profile: system.profile.kernel,
    parents,
    slots,
    goal: 'transitions',
  });
  const suite = toSuite(generated);
  const replays = await replayPaths(suite.paths, {
    profile: system.profile.name,
    extraModules: system.extraModules,
  });
  return {
    slots,
    paths: suite.paths.length,
    steps: suite.report.paths.steps,
    transitions: suite.report.kinds.transitions,
    failures: replays
      .filter((r) => r.mismatches.length > 0)
      .map((r) => ({ path: r.id, mismatches: formatMismatches(r.mismatches) })),
    durationMs: Date.now() - started,
  };
}
