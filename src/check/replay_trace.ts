import { INVARIANTS } from '../../properties/invariants/index.ts';
import type { Violation } from '../../properties/violation.ts';
import { ControlledScheduler } from '../sched/controlled_scheduler.ts';
import { replayPolicy } from '../sched/replay_policy.ts';
import type { CheckSystem } from './check_system.ts';
import { DeviceSpec } from './device_monitor.ts';
import { caseWork } from './explore_case.ts';
import { type CaseOutcome, runCase } from './run_case.ts';
import type { CheckTrace } from './trace_file.ts';

/** What a replay did: the run, and whether it found exactly the recorded violations and results. */
export interface ReplayResult {
  readonly outcome: CaseOutcome;
  readonly reproduced: boolean;
  /** What differs from the recording (empty when reproduced). */
  readonly differences: readonly string[];
}

const key = (v: Violation) => `${v.kind} ${v.check}${v.known ? ` [${v.known}]` : ''}: ${v.message}`;

/**
 * Runs a trace's commands again under a scheduler that takes exactly the recorded decisions (no fast-check,
 * no seed: the trace alone decides), and compares the operations' results and the violations with the
 * recording. The same system — profile and driver — must be given; a run that cannot take a recorded
 * decision (another system, an edited trace) is reported as diverged.
 */
export async function replayTrace(
  trace: CheckTrace,
  system: CheckSystem,
): Promise<ReplayResult | { readonly diverged: string }> {
  let outcome: CaseOutcome;
  try {
    outcome = await runCase(
      system,
      caseWork(trace.program ?? trace.commands),
      new ControlledScheduler(replayPolicy(trace.decisions)),
      {
        invariants: INVARIANTS,
        deviceSpec: new DeviceSpec(system.profile.kernel),
      },
    );
  } catch (e) {
    return { diverged: (e as Error).message };
  }
  const differences: string[] = [];
  const recorded = new Set(trace.violations.map(key));
  const found = new Set(outcome.violations.map(key));
  for (const v of recorded) if (!found.has(v)) differences.push(`recorded, not found now: ${v}`);
  for (const v of found) if (!recorded.has(v)) differences.push(`found now, not recorded: ${v}`);
  for (const o of trace.ops) {
    const now = outcome.ops[o.id];
    if (JSON.stringify(now?.result) !== JSON.stringify(o.result)) {
      differences.push(
        `#${o.id}: recorded ${JSON.stringify(o.result)}, now ${JSON.stringify(now?.result ?? null)}`,
      );
    }
  }
  return { outcome, reproduced: differences.length === 0, differences };
}
