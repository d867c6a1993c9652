/**
 * Every benchmark, one after the other, each in its own process with its default settings (`npm run
 * bench`). `--quick` runs short versions (fewer seeds, lower caps) for a first look. Not a test.
 *
 *   npm run bench [-- --quick]
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { parseArgs } from 'node:util';

const { values: args } = parseArgs({ options: { quick: { type: 'boolean', default: false } } });

/** Each benchmark with its arguments: the full run, and the quick one. */
const BENCHES: ReadonlyArray<{ file: string; full: string[]; quick: string[] }> = [
  { file: 'scheduler_throughput.ts', full: [], quick: ['--points', '500', '--runs', '200'] },
  { file: 'exhaustive_vs_spin.ts', full: [], quick: [] },
  { file: 'paths.ts', full: [], quick: ['--to', '8', '--cap', '20'] },
  { file: 'time_to_failure.ts', full: [], quick: ['--seeds', '5', '--cap', '5'] },
];

const tsx = join(import.meta.dirname, '..', 'node_modules', '.bin', 'tsx');
let failed = 0;
for (const b of BENCHES) {
  console.log(`\n=== bench/${b.file} ${(args.quick ? b.quick : b.full).join(' ')}`);
  const r = spawnSync(
    tsx,
    ['--expose-gc', join(import.meta.dirname, b.file), ...(args.quick ? b.quick : b.full)],
    {
      stdio: 'inherit',
    },
  );
  if (r.status !== 0) failed++;
}
process.exitCode = failed ? 1 : 0;
