/**
 * Time to the first failure: for every deliberately faulty example driver and every race-catalogue entry,
 * `mdevspec check` (parallel programs of up to 3 operations per branch) is run with fast-check's uniform
 * scheduler and with PCT (depth 3) for many seeds, until the first run that shows the bug. Prints, side by
 * side, the median time and its spread (25th–75th percentile), the median number of runs, how many seeds
 * found it within the cap, and how many times faster PCT's median is. Not a test.
 *
 *   npx tsx bench/time_to_failure.ts [--seeds 30] [--cap 20] [--only mtty-unlocked-list,C-9]
 */
import { parseArgs } from 'node:util';
import { shows } from '../properties/catalogue/catalogue_entry.ts';
import { CATALOGUE } from '../properties/catalogue/index.ts';
import type { SchedulerKind } from '../src/check/check_result.ts';
import { type CheckSystem, driverSystem, sampleSystem } from '../src/check/check_system.ts';
import { runCheck } from '../src/check/run_check.ts';
import type { Violation } from '../src/check/violation.ts';
import { loadDriverFile } from '../src/driver/load_driver_file.ts';

const { values: args } = parseArgs({
  options: {
    seeds: { type: 'string', default: '30' },
    cap: { type: 'string', default: '20' },
    only: { type: 'string' },
  },
});
const SEEDS = Number(args.seeds);
const CAP_MS = 1000 * Number(args.cap);
const only = args.only?.split(',');

interface Target {
  readonly name: string;
  readonly system: CheckSystem;
  readonly failsOn: (v: Violation) => boolean;
}

const DRIVERS = [
  'mtty-racy-ports',
  'mtty-free-in-remove',
  'mbochs-create-without-reserve',
  'mtty-unlocked-list',
  'mtty-release-per-fd',
];
const targets: Target[] = [];
for (const name of DRIVERS) {
  const loaded = await loadDriverFile(`examples/buggy-drivers/${name}.ts`);
  if (typeof loaded === 'string') throw new Error(loaded);
  targets.push({ name, system: driverSystem(loaded.driver), failsOn: (v) => !v.known });
}
for (const entry of CATALOGUE) {
  targets.push({
    name: `${entry.id} ${entry.buggy.name}`,
    system: sampleSystem(entry.buggy, entry.parents),
    failsOn: (v) => shows(entry, v),
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

/** Time (ms) and runs to the first failure for each seed. */
async function measure(t: Target, scheduler: SchedulerKind): Promise<{ ms: number[]; runs: number[] }> {
  const ms: number[] = [];
  const runs: number[] = [];
  for (let seed = 1; seed <= SEEDS; seed++) {
    const t0 = performance.now();
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
    const found = r.verdict === 'fail';
    ms.push(found ? performance.now() - t0 : Number.POSITIVE_INFINITY);
    runs.push(found ? r.runs : Number.POSITIVE_INFINITY);
  }
  return { ms: ms.sort((a, b) => a - b), runs: runs.sort((a, b) => a - b) };
}

console.log(
  `Time to the first failure, ${SEEDS} seeds, cap ${args.cap} s per seed; parallel programs, PCT depth 3.`,
);
const header = [
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
];
console.log(header.join(' | '));
for (const t of targets) {
  if (only && !only.some((o) => t.name.startsWith(o))) continue;
  const u = await measure(t, 'random');
  const p = await measure(t, 'pct');
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
      String(quantile(u.runs, 0.5)),
      found(u.ms),
      fmt(pm),
      `${fmt(quantile(p.ms, 0.25))}–${fmt(quantile(p.ms, 0.75))}`,
      String(quantile(p.runs, 0.5)),
      found(p.ms),
      ratio,
    ].join(' | '),
  );
}
