import { writeFile } from 'node:fs/promises';
import { type Command, Option } from 'commander';
import { checkPaths } from '../check/check_paths.ts';
import type { CheckResult, SchedulerKind } from '../check/check_result.ts';
import {
  type CheckSystem,
  driverSystem,
  SAMPLES,
  sampleSystem,
  unknownSample,
} from '../check/check_system.ts';
import { counterexampleSequence } from '../check/counterexample_sequence.ts';
import { junitReport } from '../check/reporters/junit_report.ts';
import { textReport } from '../check/reporters/text_report.ts';
import { runCheck } from '../check/run_check.ts';
import { sequencePath, traceOf } from '../check/trace_file.ts';
import { loadDriverFile } from '../driver/load_driver_file.ts';
import { findProfile, PROFILES } from '../profile/profiles.ts';
import { checkProgress } from './check_progress.ts';
import { UsageError } from './usage_error.ts';

/** Parses a positive integer option. */
function positive(name: string, value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0)
    throw new UsageError(`${name} must be a positive integer (got '${value}')`);
  return n;
}

interface CheckFlags {
  profile?: string;
  driver?: string;
  parents?: string;
  scheduler: SchedulerKind;
  depth: string;
  bound: string;
  parallel?: boolean;
  shrinkSchedule: boolean;
  paths?: boolean;
  slots: string;
  runs: string;
  seed?: string;
  maxOps: string;
  timeLimit?: string;
  reporter: 'text' | 'json' | 'junit';
  output?: string;
  trace: string;
}

/** The sample parents `--parents` names (all of them without it). */
function sampleParentsOf(flags: CheckFlags): readonly string[] | undefined {
  if (flags.parents === undefined) return undefined;
  if (flags.driver) throw new UsageError('--parents chooses among the samples; it does not go with --driver');
  const names = flags.parents.split(',').map((n) => n.trim());
  const unknown = unknownSample(names);
  if (unknown) throw new UsageError(`--parents: unknown sample '${unknown}' (known: ${SAMPLES.join(', ')})`);
  return [...new Set(names)];
}

/** The system a check explores: a driver file's, or the samples of a profile (all, or `--parents`). */
async function systemOf(
  flags: CheckFlags,
): Promise<{ system: CheckSystem; driver: string | null; parents?: readonly string[] }> {
  const profile = flags.profile === undefined ? undefined : findProfile(flags.profile);
  if (flags.profile !== undefined && !profile) {
    throw new UsageError(`unknown profile '${flags.profile}' (known: ${Object.keys(PROFILES).join(', ')})`);
  }
  const parents = sampleParentsOf(flags);
  if (!flags.driver) return { system: sampleSystem(profile, parents), driver: null, parents };
  const loaded = await loadDriverFile(flags.driver);
  if (typeof loaded === 'string') throw new UsageError(loaded);
  if (profile && profile.kernel !== loaded.driver.kernel) {
    throw new UsageError(
      `driver ${loaded.driver.name} is written for ${loaded.driver.kernel}, not ${profile.name}`,
    );
  }
  return { system: driverSystem(loaded.driver, profile), driver: loaded.path };
}

/**
 * Adds `mdevspec check`: explores a system (the samples, or `--driver FILE`) with fast-check model-based runs
 * of concurrent operations under a scheduler, checks monitors, invariants and linearizability, and reports.
 * Exit code 0 when nothing outside the known kernel issues was found, 1 on a violation (the counterexample
 * is printed and written as a trace for `mdevspec replay`), 2 for bad arguments.
 */
export function registerCheckCommand(
  program: Command,
  out: (s: string) => void,
  err: (s: string) => void,
  setCode: (code: number) => void,
): void {
  program
    .command('check')
    .description(
      'explore concurrent mdev/VFIO operations against the spec: invariants, monitors, linearizability',
    )
    .addOption(
      new Option(
        '--profile <name>',
        'kernel profile (default v6.1; with --driver, the kernel it is written for)',
      ).choices(Object.keys(PROFILES)),
    )
    .option(
      '--driver <file>',
      'check your own vendor driver (a file whose default export is defineVendorDriver({...}))',
    )
    .option('--parents <list>', 'only these samples as parents, e.g. mtty,mbochs (default: all three)')
    .addOption(
      new Option('--scheduler <kind>', 'who orders the steps')
        .choices(['random', 'uniform', 'pct', 'exhaustive'])
        .default('random'),
    )
    .option('--depth <d>', 'PCT bug depth (with --scheduler pct)', '3')
    .option(
      '--bound <n>',
      'most interleavings explored per operation set (with --scheduler exhaustive)',
      '2000',
    )
    .option('--parallel', 'generate parallel programs: a sequential prefix and 2-3 concurrent branches')
    .option('--no-shrink-schedule', "keep fast-check's counterexample as it is (no schedule minimisation)")
    .option('--paths', "also replay the spec's transition-covering lifecycle paths on the implementation")
    .option('--slots <n>', 'device slots of the lifecycle paths (with --paths)', '3')
    .option('--runs <n>', 'runs of generated operations', '1000')
    .option('--seed <n>', 'fast-check seed (default: random, printed)')
    .option('--max-ops <n>', 'most operations per run', '12')
    .option('--time-limit <seconds>', 'stop generating runs after this long')
    .addOption(
      new Option('--reporter <kind>', 'report format').choices(['text', 'json', 'junit']).default('text'),
    )
    .option('--output <file>', 'write the report to FILE instead of stdout')
    .option('--trace <file>', 'where to write a counterexample trace', 'mdevspec-counterexample.json')
    .action(async (flags: CheckFlags) => {
      const { system, driver, parents } = await systemOf(flags);
      const runs = positive('--runs', flags.runs);
      const seed = flags.seed === undefined ? Math.floor(Math.random() * 2 ** 31) : Number(flags.seed);
      if (!Number.isInteger(seed)) throw new UsageError(`--seed must be an integer (got '${flags.seed}')`);
      const progress = checkProgress(runs, process.stderr, err);
      const checked = await runCheck({
        system,
        scheduler: flags.scheduler,
        depth: positive('--depth', flags.depth),
        bound: positive('--bound', flags.bound),
        parallel: flags.parallel ?? false,
        shrinkSchedule: flags.shrinkSchedule,
        runs,
        seed,
        maxOps: positive('--max-ops', flags.maxOps),
        ...(flags.timeLimit ? { timeLimitMs: 1000 * positive('--time-limit', flags.timeLimit) } : {}),
        onRun: (p) => progress.update(p),
      });
      progress.stop();
      const paths = flags.paths ? await checkPaths(system, positive('--slots', flags.slots)) : null;
      const result: CheckResult = paths?.failures.length
        ? { ...checked, paths, verdict: 'fail' }
        : { ...checked, paths };
      const trace = traceOf(result, driver, parents);
      if (trace) {
        await writeFile(flags.trace, `${JSON.stringify(trace, null, 2)}\n`);
        await writeFile(sequencePath(flags.trace), `${counterexampleSequence(trace)}\n`);
      }
      const report =
        flags.reporter === 'json'
          ? JSON.stringify(result, null, 2)
          : flags.reporter === 'junit'
            ? junitReport(result, system.setup)
            : textReport(result, system.setup, trace ? flags.trace : null);
      if (flags.output) {
        await writeFile(flags.output, `${report}\n`);
        out(
          `${result.verdict.toUpperCase()}: ${result.runs} runs of ${result.system}; report in ${flags.output}${trace ? `, trace in ${flags.trace}` : ''}`,
        );
      } else out(report);
      setCode(result.verdict === 'pass' ? 0 : 1);
    });
}
