/**
 * Scheduling decisions per second. First the schedulers alone, on tasks that do nothing but reach
 * preemption points (4 tasks × 2000 points): the controlled scheduler under the uniform, PCT and replay
 * policies, and fast-check's `fc.scheduler()` behind the kernel's scheduler interface. Then whole checked
 * runs of the default system (1000 generated runs): with every check on, and as plain runs with no
 * checking, to show what the checking costs. Not a test.
 *
 *   npx tsx bench/scheduler_throughput.ts [--points 2000] [--runs 1000]
 */
import { parseArgs } from 'node:util';
import fc from 'fast-check';
import { commandArb } from '../properties/commands/command_space.ts';
import { INVARIANTS } from '../properties/invariants/index.ts';
import { sampleSystem } from '../src/check/check_system.ts';
import { DeviceSpec } from '../src/check/device_monitor.ts';
import { runCase } from '../src/check/run_case.ts';
import { Process } from '../src/kernel/process.ts';
import { Runtime } from '../src/kernel/runtime.ts';
import { ControlledScheduler, type PickPolicy } from '../src/sched/controlled_scheduler.ts';
import { FastCheckAdapter } from '../src/sched/fast_check_adapter.ts';
import { pctPolicy } from '../src/sched/pct_policy.ts';
import { replayPolicy } from '../src/sched/replay_policy.ts';
import type { RunScheduler } from '../src/sched/run_scheduler.ts';
import { seededRandom } from '../src/sched/seeded_random.ts';
import { uniformPolicy } from '../src/sched/uniform_policy.ts';

const { values: args } = parseArgs({
  options: { points: { type: 'string', default: '2000' }, runs: { type: 'string', default: '1000' } },
});
const POINTS = Number(args.points);
const TASKS = 4;

/** Runs TASKS tasks of POINTS preemption points each under `sched`; returns the decisions taken. */
async function workload(sched: RunScheduler): Promise<readonly string[]> {
  const rt = new Runtime(sched.kernel);
  const p = new Process(1, 'bench');
  for (let i = 0; i < TASKS; i++) {
    rt.spawn(`t${i}`, p, async (task) => {
      for (let j = 0; j < POINTS; j++) await rt.preempt(task, 'p');
    });
  }
  await sched.waitIdle();
  return sched.labels();
}

async function rate(name: string, make: (round: number) => RunScheduler): Promise<void> {
  await workload(make(0)); // warm up
  let decisions = 0;
  const t0 = performance.now();
  for (let round = 1; round <= 5; round++) decisions += (await workload(make(round))).length;
  const s = (performance.now() - t0) / 1000;
  console.log(`  ${name.padEnd(34)} ${String(Math.round(decisions / s)).padStart(9)} decisions/s`);
}

console.log(`Schedulers alone (${TASKS} tasks × ${POINTS} preemption points, 5 rounds):`);
const recorded = await workload(new ControlledScheduler(uniformPolicy(seededRandom(7))));
const controlled = (policy: (round: number) => PickPolicy) => (round: number) =>
  new ControlledScheduler(policy(round));
await rate(
  'controlled, uniform',
  controlled((r) => uniformPolicy(seededRandom(r))),
);
await rate(
  'controlled, PCT (d=3)',
  controlled((r) => pctPolicy(seededRandom(r), 3, TASKS * POINTS)),
);
await rate(
  'controlled, replay of a recording',
  controlled(() => replayPolicy(recorded)),
);
await rate(
  "fast-check's fc.scheduler()",
  (r) => new FastCheckAdapter(fc.sample(fc.scheduler(), { seed: r, numRuns: 1 })[0]!),
);

const RUNS = Number(args.runs);
const system = sampleSystem();
const programs = fc.sample(fc.array(commandArb(system.space), { minLength: 3, maxLength: 12 }), {
  seed: 1,
  numRuns: RUNS,
});
const spec = new DeviceSpec('v6.1');
console.log(`\nWhole runs of the default system (${RUNS} generated command sequences, uniform scheduler):`);
for (const [name, plain] of [
  ['every check on', false],
  ['plain runs, no checking', true],
] as const) {
  let decisions = 0;
  const t0 = performance.now();
  for (const [i, cmds] of programs.entries()) {
    const out = await runCase(system, cmds, new ControlledScheduler(uniformPolicy(seededRandom(i))), {
      invariants: INVARIANTS,
      deviceSpec: spec,
      plain,
    });
    decisions += out.decisions.length;
  }
  const s = (performance.now() - t0) / 1000;
  console.log(
    `  ${name.padEnd(34)} ${String(Math.round(RUNS / s)).padStart(9)} runs/s ${String(Math.round(decisions / s)).padStart(9)} decisions/s`,
  );
}
