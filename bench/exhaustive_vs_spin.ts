/**
 * The exhaustive scheduler against SPIN, side by side in one run, on one scenario: two tasks on the 6.1 mtty
 * parent, each creating its own device and then removing it (two devices, two operations per task).
 * mdevspec explores every interleaving of the implementation itself (re-execution, sleep-set partial-order
 * reduction, state cache, every check on in every run); SPIN checks bench/two_devices.pml, a Promela
 * abstraction of the same steps, with and without its partial-order reduction. Prints states, transitions
 * or interleavings, time and memory for each. SPIN is the Debian package `spin` (and gcc); without it
 * only mdevspec's side is printed, with a note. Not a test.
 *
 *   npx tsx bench/exhaustive_vs_spin.ts
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SpecOp } from '../machines/atomic_state.ts';
import { INVARIANTS } from '../properties/invariants/index.ts';
import type { TraceProgram } from '../properties/trace_program.ts';
import { sampleSystem } from '../src/check/check_system.ts';
import { DeviceSpec } from '../src/check/device_monitor.ts';
import { exploreCase } from '../src/check/explore_case.ts';

const U = ['5a1e0000-0000-4000-8000-0000000000a1', '5a1e0000-0000-4000-8000-0000000000a2'];
const cmd = (op: SpecOp) => ({ op, concurrent: false });
const program: TraceProgram = {
  prefix: [],
  branches: U.map((uuid) => [
    cmd({ op: 'create', parent: 'mtty', type: 'mtty-1', data: uuid }),
    cmd({ op: 'remove', uuid }),
  ]),
};

const mb = (bytes: number) => `${(bytes / 2 ** 20).toFixed(0)} MB`;
const rows: string[][] = [['tool', 'states', 'transitions / interleavings', 'time', 'memory', 'verdict']];

global.gc?.();
const rss0 = process.memoryUsage().rss;
const t0 = performance.now();
const r = await exploreCase(
  sampleSystem(undefined, ['mtty']),
  program,
  { invariants: INVARIANTS, deviceSpec: new DeviceSpec('v6.1') },
  1_000_000,
);
const ms = performance.now() - t0;
rows.push([
  'mdevspec exhaustive (implementation, all checks)',
  `${r.states} (cache hits ${r.cacheHits}, sleep-pruned ${r.sleepPruned})`,
  `${r.interleavings} interleavings, ${r.decisions} decisions`,
  `${(ms / 1000).toFixed(2)} s`,
  `+${mb(process.memoryUsage().rss - rss0)} RSS`,
  r.failure ? 'violation' : r.exhausted ? 'exhausted: no violation' : 'cut at bound',
]);

const spin = spawnSync('spin', ['-V'], { encoding: 'utf8' });
if (spin.error) {
  console.log('SPIN is not installed: `apt-get install spin` (Debian) to print its side too.');
} else {
  const dir = mkdtempSync(join(tmpdir(), 'mdevspec-spin-'));
  copyFileSync(join(import.meta.dirname, 'two_devices.pml'), join(dir, 'two_devices.pml'));
  execFileSync('spin', ['-a', 'two_devices.pml'], { cwd: dir });
  for (const [name, flags] of [
    ['SPIN 6.5 (Promela abstraction, partial-order reduction)', []],
    ['SPIN 6.5 (Promela abstraction, -DNOREDUCE)', ['-DNOREDUCE']],
  ] as const) {
    const c0 = performance.now();
    execFileSync('gcc', ['-O2', '-DSAFETY', ...flags, '-w', '-o', 'pan', 'pan.c'], { cwd: dir });
    const compileMs = performance.now() - c0;
    const p0 = performance.now();
    const out = execFileSync(join(dir, 'pan'), ['-w18'], { cwd: dir, encoding: 'utf8' });
    const panMs = performance.now() - p0;
    const num = (re: RegExp) => out.match(re)?.[1] ?? '?';
    rows.push([
      name,
      num(/(\d+) states, stored/),
      `${num(/(\d+) transitions/)} transitions`,
      `${(panMs / 1000).toFixed(3)} s (+ ${(compileMs / 1000).toFixed(1)} s to compile pan)`,
      `${num(/([\d.]+)\s+total actual memory usage/)} MB total`,
      /errors: 0/.test(out) ? 'exhausted: no violation' : 'violation',
    ]);
  }
}

console.log('Two tasks on mtty (6.1), each: create its own device, then remove it.');
for (const row of rows) console.log(row.join(' | '));
