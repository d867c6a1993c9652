/**
 * Benchmark of `mdevspec paths` on the system machine (mtty at v6.1 unless told otherwise): for every slot
 * count N it prints states, transitions, paths, total steps, time and peak memory of transition coverage,
 * and the same for @xstate/graph's `createTestModel(machine).getShortestPaths()` on the same machine where
 * that finishes within the cap; then transition-pair coverage at one N, and plain `getShortestPaths` /
 * `getSimplePaths` at the smallest N. Every measurement runs in its own child process (peak memory is
 * the child's peak RSS). Not a test.
 *
 *   npx tsx bench/paths.ts [--from 3] [--to 12] [--cap 120] [--pairs 6] [--profile v6.1] [--parents mtty]
 */
import { spawn } from 'node:child_process';
import { parseArgs } from 'node:util';
import { createTestModel, getShortestPaths, getSimplePaths } from '@xstate/graph';
import type { AnyMachineSnapshot, EventObject } from 'xstate';
import type { KernelProfile } from '../machines/profile.ts';
import { createSystemMachine } from '../machines/system.ts';
import { resolveSystemConfig, type SystemConfig, type SystemParentSpec } from '../machines/system_config.ts';
import { generatePaths } from '../src/paths/generate.ts';
import type { CoverageGoal } from '../src/paths/goals/goal.ts';
import { systemPathModel } from '../src/paths/models/system_model.ts';

/** What one child measured. */
interface Measurement {
  readonly states?: number;
  readonly transitions?: number;
  readonly paths: number;
  readonly steps: number;
  readonly ms: number;
  readonly peakMB: number;
  /** Baselines: how many of the spec's (symmetry-reduced) transitions their paths take. */
  readonly covers?: string;
}

const { values: args } = parseArgs({
  options: {
    from: { type: 'string', default: '3' },
    to: { type: 'string', default: '12' },
    cap: { type: 'string', default: '120' },
    pairs: { type: 'string', default: '6' },
    profile: { type: 'string', default: 'v6.1' },
    parents: { type: 'string', default: 'mtty' },
    child: { type: 'string' },
    slots: { type: 'string' },
    goal: { type: 'string' },
  },
});

const profile = args.profile as KernelProfile;
const parents: SystemParentSpec[] = args.parents.split(',').map((item) => {
  const [name = '', count] = item.split(':count=');
  return count ? { name, params: { count: Number(count) } } : { name };
});

/** Peak resident memory of this process so far, in MB. */
const peakMB = () => Math.round(process.resourceUsage().maxRSS / 1024);

/** Every concrete event of the machine (no symmetry reduction): what plain @xstate/graph is given. */
function allEvents(config: SystemConfig): EventObject[] {
  return [
    ...config.modules.flatMap((module) => [
      { type: 'LOAD', module },
      { type: 'UNLOAD', module },
    ]),
    ...config.slots.flatMap((s) =>
      ['CREATE', 'REMOVE', 'OPEN', 'CLOSE'].map((type) => ({ type, slot: s.index })),
    ),
  ];
}

/** How many of the spec's reachable transitions (up to symmetry) the walks over `steps` take. */
function transitionsTaken(
  config: SystemConfig,
  walks: readonly { state: AnyMachineSnapshot; event: EventObject }[][],
): string {
  const model = systemPathModel(config);
  const generated = generatePaths({
    machine: 'system',
    profile,
    parents,
    slots: config.slots.length,
    goal: 'states',
  });
  const edges = new Set(
    generated.graph.events.map(
      (e, i) =>
        `${generated.graph.keys[generated.graph.src[i]!]}|${model.symmetry!.eventClass(generated.graph.reps[generated.graph.src[i]!]!, e)}`,
    ),
  );
  const taken = new Set<string>();
  for (const walk of walks) {
    for (const { state, event } of walk) {
      const key = `${model.key(state)}|${model.symmetry!.eventClass(state, event)}`;
      if (edges.has(key)) taken.add(key);
    }
  }
  return `${taken.size}/${edges.size}`;
}

/** Runs one measurement in this process and prints it as JSON. */
function child(kind: string, slots: number, goal: CoverageGoal): void {
  const config = resolveSystemConfig({ profile, parents, slots });
  const start = performance.now();
  if (kind === 'ours') {
    const { graph, report } = generatePaths({ machine: 'system', profile, parents, slots, goal });
    const ms = performance.now() - start;
    const m: Measurement = {
      states: graph.reps.length,
      transitions: graph.src.length,
      paths: report.paths.count,
      steps: report.paths.steps,
      ms,
      peakMB: peakMB(),
    };
    process.stdout.write(JSON.stringify(m));
    return;
  }
  const machine = createSystemMachine(config);
  const events = allEvents(config);
  const paths =
    kind === 'testmodel'
      ? createTestModel(machine, { events: events as never }).getShortestPaths()
      : kind === 'shortest'
        ? getShortestPaths(machine, { events: events as never })
        : getSimplePaths(machine, { events: events as never });
  const ms = performance.now() - start;
  const peak = peakMB();
  const walks = paths.map((p) =>
    p.steps
      .slice(1)
      .map((s, i) => ({ state: p.steps[i]!.state as AnyMachineSnapshot, event: s.event as EventObject })),
  );
  const m: Measurement = {
    paths: paths.length,
    steps: walks.reduce((n, w) => n + w.length, 0),
    ms,
    peakMB: peak,
    covers: transitionsTaken(config, walks),
  };
  process.stdout.write(JSON.stringify(m));
}

/** Runs a measurement in a child process; null when it did not finish within `capSeconds`. */
function measure(
  kind: string,
  slots: number,
  goal: CoverageGoal,
  capSeconds: number,
): Promise<Measurement | null> {
  return new Promise((resolve, reject) => {
    const proc = spawn(
      process.execPath,
      [
        ...process.execArgv,
        import.meta.filename,
        '--child',
        kind,
        '--slots',
        String(slots),
        '--goal',
        goal,
        '--profile',
        profile,
        '--parents',
        args.parents,
      ],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    let out = '';
    proc.stdout.on('data', (d) => {
      out += d;
    });
    const timer = setTimeout(() => proc.kill('SIGKILL'), capSeconds * 1000);
    proc.on('error', reject);
    proc.on('close', (code) => {
      clearTimeout(timer);
      resolve(code === 0 ? (JSON.parse(out) as Measurement) : null);
    });
  });
}

const seconds = (ms: number) => (ms < 10_000 ? `${(ms / 1000).toFixed(2)} s` : `${(ms / 1000).toFixed(1)} s`);

async function main(): Promise<void> {
  const cap = Number(args.cap);
  const from = Number(args.from);
  const to = Number(args.to);
  console.log(
    `system machine, ${profile}, parents ${args.parents}; @xstate/graph capped at ${cap} s per run\n`,
  );
  console.log(
    '| N | states | transitions | paths | steps | time | peak RSS | createTestModel paths | steps | transitions taken | time | peak RSS | speed-up |',
  );
  console.log('|---|---|---|---|---|---|---|---|---|---|---|---|---|');
  let baselineAlive = true;
  for (let n = from; n <= to; n++) {
    const ours = await measure('ours', n, 'transitions', cap);
    if (!ours) throw new Error(`transition coverage at N=${n} did not finish within ${cap} s`);
    const base = baselineAlive ? await measure('testmodel', n, 'transitions', cap) : null;
    const skipped = !baselineAlive;
    if (!base) baselineAlive = false;
    const baseCells = base
      ? [
          base.paths,
          base.steps,
          base.covers,
          seconds(base.ms),
          `${base.peakMB} MB`,
          `${(base.ms / ours.ms).toFixed(0)}×`,
        ]
      : [
          skipped ? '(not run: slower than N-1)' : '(killed)',
          '',
          '',
          `> ${cap} s`,
          '',
          `> ${((cap * 1000) / ours.ms).toFixed(0)}×`,
        ];
    console.log(
      `| ${n} | ${ours.states} | ${ours.transitions} | ${ours.paths} | ${ours.steps} | ${seconds(ours.ms)} | ${ours.peakMB} MB | ${baseCells.join(' | ')} |`,
    );
  }
  const pairsN = Number(args.pairs);
  const pairs = await measure('ours', pairsN, 'transition-pairs', cap);
  console.log(
    `\ntransition-pair coverage at N=${pairsN}: ${pairs ? `${pairs.paths} paths, ${pairs.steps} steps, ${seconds(pairs.ms)}, ${pairs.peakMB} MB` : `> ${cap} s`}`,
  );
  console.log(`\nplain @xstate/graph at N=${from} (all ${4 * from} slot events, default serialization):`);
  for (const kind of ['shortest', 'simple'] as const) {
    const m = await measure(kind, from, 'transitions', cap);
    const name = kind === 'shortest' ? 'getShortestPaths' : 'getSimplePaths';
    console.log(
      m
        ? `  ${name}: ${m.paths} paths, ${m.steps} steps, takes ${m.covers} transitions, ${seconds(m.ms)}, ${m.peakMB} MB`
        : `  ${name}: did not finish within ${cap} s`,
    );
  }
}

if (args.child) child(args.child, Number(args.slots), args.goal as CoverageGoal);
else await main();
