/**
 * Time to the first failure, for every deliberately faulty example driver and every race-catalogue entry,
 * with fast-check's uniform scheduler (`fc.scheduler()`) and with PCT (depth 3), for many seeds, side by
 * side: the median time and its spread (25th–75th percentile), the median number of runs, how many seeds
 * found it within the cap, and how many times faster PCT's median is. Two settings:
 *  - `given`: the bug's own small parallel program (properties/catalogue), run again and again under fresh
 *    schedules until one shows the bug: the schedulers alone are compared;
 *  - `generated`: `mdevspec check --parallel --max-ops 3` (fast-check generates the programs too).
 * Not a test.
 *
 *   npx tsx bench/time_to_failure.ts [--seeds 30] [--cap 20] [--mode given|generated|both] [--only C-9,mtty-racy-ports]
 */
import { parseArgs } from 'node:util';
import fc from 'fast-check';
import { shows } from '../properties/catalogue/catalogue_entry.ts';
import { DRIVER_WITNESSES } from '../properties/catalogue/driver_witnesses.ts';
import { CATALOGUE } from '../properties/catalogue/index.ts';
import { INVARIANTS } from '../properties/invariants/index.ts';
import type { TraceProgram } from '../properties/trace_program.ts';
import type { Violation } from '../properties/violation.ts';
import type { SchedulerKind } from '../src/check/check_result.ts';
import { type CheckSystem, driverSystem, sampleSystem } from '../src/check/check_system.ts';
import { DeviceSpec } from '../src/check/device_monitor.ts';
import { caseWork } from '../src/check/explore_case.ts';
import { runCase } from '../src/check/run_case.ts';
import { choiceSteps, runCheck } from '../src/check/run_check.ts';
import { loadDriverFile } from '../src/driver/load_driver_file.ts';
import { pctScheduler } from '../src/sched/arbitrary/pct_scheduler.ts';
import { FastCheckAdapter } from '../src/sched/fast_check_adapter.ts';

const { values: args } = parseArgs({
  options: {
    seeds: { type: 'string', default: '30' },
    cap: { type: 'string', default: '20' },
    only: { type: 'string' },
    mode: { type: 'string', default: 'both' },
  },
});
const SEEDS = Number(args.seeds);
const CAP_MS = 1000 * Number(args.cap);
const only = args.only?.split(',');

interface Target {
  readonly name: string;
  readonly system: CheckSystem;
  readonly failsOn: (v: Violation) => boolean;
  /** The bug's own small parallel program. */
  readonly program: TraceProgram;
}

const targets: Target[] = [];
for (const w of DRIVER_WITNESSES) {
  const loaded = await loadDriverFile(`examples/buggy-drivers/${w.file}.ts`);
  if (typeof loaded === 'string') throw new Error(loaded);
  targets.push({
    name: w.file,
    system: driverSystem(loaded.driver),
    failsOn: (v) => !v.known,
    program: w.program,
  });
}
for (const entry of CATALOGUE) {
  targets.push({
    name: `${entry.id} ${entry.buggy.name}`,
    system: sampleSystem(entry.buggy, entry.parents),
    failsOn: (v) => shows(entry, v),
    program: entry.program,
  });
}

/** The q-quantile of sorted numbers (Infinity for seeds that did not find it). */
const quantile = (sorted: readonly number[], q: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
const fmt = (ms: number) =>
  Number.isFinite(ms)
    ? ms >= 10000
      ? `${(ms / 1000).toFixed(0)} s`
      : ms >= 1000
        ? `${(ms / 1000).toFixed(1)} s`
        : `${Math.round(ms)} ms`
    : '—';

type Mode = 'given' | 'generated';

/**
 * Runs the target's own program under fresh schedules of `scheduler` until one shows the bug (or the cap):
 * whether it did, and after how many runs.
 */
async function givenProgram(
  t: Target,
  scheduler: SchedulerKind,
  seed: number,
): Promise<{ found: boolean; runs: number }> {
  const checks = { invariants: INVARIANTS, deviceSpec: new DeviceSpec(t.system.profile.kernel) };
  let steps = 10;
  const arb =
    scheduler === 'pct'
      ? pctScheduler({ depth: 3, steps: () => steps })
      : fc.scheduler().map((s) => new FastCheckAdapter(s));
  const r = await fc.check(
    fc.asyncProperty(arb, async (sched) => {
      const outcome = await runCase(t.system, caseWork(t.program), sched, checks);
      steps = Math.max(steps, choiceSteps(outcome.decisions));
      return !outcome.violations.some(t.failsOn);
    }),
    { seed, numRuns: 10_000_000, endOnFailure: true, interruptAfterTimeLimit: CAP_MS },
  );
  return { found: r.failed, runs: r.numRuns };
}

/** `mdevspec check --parallel --max-ops 3` until its first failure (or the cap). */
async function generatedPrograms(
  t: Target,
  scheduler: SchedulerKind,
  seed: number,
): Promise<{ found: boolean; runs: number }> {
  const r = await runCheck({
    system: t.system,
    scheduler,
    depth: 3,
    runs: 1_000_000,
    seed,
    maxOps: 3,
    parallel: true,
    endOnFailure: true,
    timeLimitMs: CAP_MS,
    failsOn: t.failsOn,
  });
  return { found: r.verdict === 'fail', runs: r.runs };
}

/** Time (ms) and runs to the first failure for each seed. */
async function measure(
  t: Target,
  scheduler: SchedulerKind,
  mode: Mode,
): Promise<{ ms: number[]; runs: number[] }> {
  const ms: number[] = [];
  const runs: number[] = [];
  for (let seed = 1; seed <= SEEDS; seed++) {
    const t0 = performance.now();
    const r = await (mode === 'given' ? givenProgram : generatedPrograms)(t, scheduler, seed);
    ms.push(r.found ? performance.now() - t0 : Number.POSITIVE_INFINITY);
    runs.push(r.found ? r.runs : Number.POSITIVE_INFINITY);
  }
  return { ms: ms.sort((a, b) => a - b), runs: runs.sort((a, b) => a - b) };
}

const count = (n: number) => (Number.isFinite(n) ? String(n) : '—');
const MODES: readonly Mode[] = args.mode === 'both' ? ['given', 'generated'] : [args.mode as Mode];
for (const mode of MODES) {
  console.log(
    mode === 'given'
      ? `\nTime to the first failure on the bug's own program (the schedulers alone), ${SEEDS} seeds, cap ${args.cap} s; PCT depth 3.`
      : `\nTime to the first failure of mdevspec check --parallel --max-ops 3 (programs generated too), ${SEEDS} seeds, cap ${args.cap} s; PCT depth 3.`,
  );
  console.log(
    [
      'target',
      'uniform (fast-check) median',
      'p25–p75',
      'runs',
      'found',
      'PCT median',
      'p25–p75',
      'runs',
      'found',
      'PCT ×',
    ].join(' | '),
  );
  for (const t of targets) {
    if (only && !only.some((o) => t.name.startsWith(o))) continue;
    const u = await measure(t, 'random', mode);
    const p = await measure(t, 'pct', mode);
    const um = quantile(u.ms, 0.5);
    const pm = quantile(p.ms, 0.5);
    const found = (xs: number[]) => `${xs.filter(Number.isFinite).length}/${SEEDS}`;
    const ratio = Number.isFinite(pm)
      ? Number.isFinite(um)
        ? (um / pm).toFixed(1)
        : `> ${(CAP_MS / pm).toFixed(0)}`
      : '—';
    console.log(
      [
        t.name,
        fmt(um),
        `${fmt(quantile(u.ms, 0.25))}–${fmt(quantile(u.ms, 0.75))}`,
        count(quantile(u.runs, 0.5)),
        found(u.ms),
        fmt(pm),
        `${fmt(quantile(p.ms, 0.25))}–${fmt(quantile(p.ms, 0.75))}`,
        count(quantile(p.runs, 0.5)),
        found(p.ms),
        ratio,
      ].join(' | '),
    );
  }
}
