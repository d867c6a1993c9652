import { readFile, writeFile } from 'node:fs/promises';
import { type Command, Option } from 'commander';
import { sampleParents } from '../../machines/atomic_parents.ts';
import type { SpecParentConfig } from '../../machines/atomic_state.ts';
import { KERNEL_PROFILES, type KernelProfile } from '../../machines/profile.ts';
import type { SystemParentSpec } from '../../machines/system_config.ts';
import { loadDriverFile } from '../driver/load_driver_file.ts';
import type { VendorDriver } from '../driver/vendor_driver.ts';
import { checkRecords, formatMismatches } from '../paths/check_records.ts';
import { readExpectations } from '../paths/expectations.ts';
import { formatReport } from '../paths/format_report.ts';
import { formatJson } from '../paths/formats/json_format.ts';
import { formatSteps } from '../paths/formats/steps_format.ts';
import { formatVitest, outputDir } from '../paths/formats/vitest_format.ts';
import { generatePaths, MACHINE_ALIASES, toSuite } from '../paths/generate.ts';
import { COVERAGE_GOALS, type CoverageGoal } from '../paths/goals/goal.ts';
import { MACHINE_REGISTRY } from '../spec_tools/registry.ts';
import { UsageError } from './usage_error.ts';

/** The output formats of `mdevspec paths`. */
const PATH_FORMATS = ['json', 'vitest', 'steps'] as const;

/** The largest `--slots` accepted. */
const MAX_SLOTS = 64;

/** The options of `mdevspec paths`. */
interface PathsOptions {
  readonly machine: string;
  readonly profile?: KernelProfile;
  readonly parents?: string;
  readonly slots?: string;
  readonly cover: CoverageGoal;
  readonly format: (typeof PATH_FORMATS)[number];
  readonly out?: string;
  readonly maxSteps?: string;
  readonly driver?: string;
}

/** A positive integer option, or a usage error naming it. */
function positive(name: string, value: string, max = Number.MAX_SAFE_INTEGER): number {
  const n = Number(value);
  if (!/^\d+$/.test(value) || n < 1 || n > max)
    throw new UsageError(`${name} must be an integer from 1 to ${max}, got '${value}'`);
  return n;
}

/** The parent a vendor driver registers, as the composition uses it (its accounting and load parameters). */
function driverParent(driver: VendorDriver): SystemParentSpec {
  return {
    name: driver.module,
    accounting: driver.accounting,
    ...(driver.params ? { params: driver.params } : {}),
  };
}

/**
 * `--parents mtty,mdpy:count=2`: parents with their pool parameter — samples, or the `--driver`'s module
 * with its own accounting.
 */
function parseParents(
  value: string,
  profile: KernelProfile,
  driver: VendorDriver | null,
): SystemParentSpec[] {
  const known: Record<string, SpecParentConfig> = { ...sampleParents(profile) };
  if (driver) known[driver.module] = driver.accounting;
  return value.split(',').map((item) => {
    const [name = '', ...assignments] = item.trim().split(':');
    const sample = known[name];
    if (!sample) throw new UsageError(`unknown parent '${name}' (known: ${Object.keys(known).join(', ')})`);
    const params: Record<string, number> = {};
    for (const a of assignments) {
      const [key = '', v = ''] = a.split('=');
      const param = typeof sample.pool === 'number' ? null : sample.pool.param;
      if (key !== param) {
        throw new UsageError(
          param ? `${name} takes only ${param}=N, got '${a}'` : `${name} takes no parameters, got '${a}'`,
        );
      }
      params[key] = positive(`${name}:${key}`, v);
    }
    const own = driver?.module === name ? driverParent(driver) : null;
    if (Object.keys(params).length) return { ...(own ?? { name }), params };
    return own ?? { name };
  });
}

/** The `--driver` file, loaded; the profile it implies (and a usage error when `--profile` contradicts it). */
async function driverOption(
  options: PathsOptions,
): Promise<{ driver: VendorDriver | null; path?: string; profile: KernelProfile }> {
  if (options.driver === undefined) return { driver: null, profile: options.profile ?? 'v6.1' };
  const loaded = await loadDriverFile(options.driver);
  if (typeof loaded === 'string') throw new UsageError(loaded);
  const { driver, path } = loaded;
  if (options.profile !== undefined && options.profile !== driver.kernel)
    throw new UsageError(`driver ${driver.name} is written for ${driver.kernel}, not ${options.profile}`);
  return { driver, path, profile: driver.kernel };
}

/** The machine names `--machine` accepts. */
function machineNames(): string[] {
  return ['system', ...MACHINE_REGISTRY.map((m) => m.id), ...Object.keys(MACHINE_ALIASES)];
}

/** The command line that reproduces a generation at `profile` (written into generated files). */
function commandLine(options: PathsOptions, profile: KernelProfile): string {
  const parts = ['npx mdevspec paths', `--machine ${options.machine}`, `--profile ${profile}`];
  if (options.parents !== undefined) parts.push(`--parents ${options.parents}`);
  if (options.slots !== undefined) parts.push(`--slots ${options.slots}`);
  parts.push(`--cover ${options.cover}`, `--format ${options.format}`);
  if (options.maxSteps !== undefined) parts.push(`--max-steps ${options.maxSteps}`);
  if (options.driver !== undefined) parts.push(`--driver ${options.driver}`);
  return parts.join(' ');
}

/** Generates, formats and writes the paths; the coverage report goes to `err`. */
async function generate(
  options: PathsOptions,
  out: (s: string) => void,
  err: (s: string) => void,
): Promise<void> {
  const system = options.machine === 'system';
  if (!machineNames().includes(options.machine))
    throw new UsageError(`unknown machine '${options.machine}' (known: ${machineNames().join(', ')})`);
  if (!system && (options.parents !== undefined || options.slots !== undefined))
    throw new UsageError('--parents and --slots apply to --machine system');
  if (!system && options.format !== 'json')
    throw new UsageError(`--format ${options.format} needs --machine system`);
  if (!system && options.driver !== undefined) throw new UsageError('--driver applies to --machine system');
  const { driver, path, profile } = await driverOption(options);
  const parents =
    options.parents !== undefined
      ? parseParents(options.parents, profile, driver)
      : driver
        ? [driverParent(driver)]
        : undefined;
  const generated = generatePaths({
    machine: options.machine,
    profile,
    goal: options.cover,
    ...(parents ? { parents } : {}),
    ...(options.slots !== undefined ? { slots: positive('--slots', options.slots, MAX_SLOTS) } : {}),
    ...(options.maxSteps !== undefined ? { maxSteps: positive('--max-steps', options.maxSteps) } : {}),
  });
  const suite = toSuite(generated);
  const command = commandLine(options, profile);
  const text =
    options.format === 'json'
      ? formatJson(suite)
      : options.format === 'steps'
        ? formatSteps(suite, command)
        : formatVitest(suite, {
            outDir: outputDir(options.out),
            command,
            ...(path ? { driver: path } : {}),
          });
  if (options.out === undefined) out(text.replace(/\n$/, ''));
  else await writeFile(options.out, text);
  err(formatReport(generated.report, generated.options));
  if (options.out !== undefined) err(`wrote ${options.out}`);
}

/** Reads a file for the CLI, or a usage error naming it. */
async function readInput(file: string): Promise<string> {
  try {
    return await readFile(file, 'utf8');
  } catch (e) {
    throw new UsageError(`cannot read ${file}: ${(e as NodeJS.ErrnoException).code ?? e}`);
  }
}

/** `paths verify`: checks a recording of a generated steps scenario against its expectations. */
async function verify(
  stepsFile: string,
  recordingFile: string,
  out: (s: string) => void,
  setExitCode: (code: number) => void,
): Promise<void> {
  let expected: ReturnType<typeof readExpectations>;
  try {
    expected = readExpectations(await readInput(stepsFile));
  } catch (e) {
    if (e instanceof UsageError) throw e;
    throw new UsageError(`${stepsFile}: ${e instanceof Error ? e.message : e}`);
  }
  if (expected.length === 0) throw new UsageError(`${stepsFile} has no "#=" expectations`);
  const records = (await readInput(recordingFile))
    .split('\n')
    .filter((l) => l.trim())
    .map((l, i) => {
      try {
        return JSON.parse(l) as Record<string, unknown>;
      } catch {
        throw new UsageError(`${recordingFile}:${i + 1}: not a JSON line`);
      }
    });
  const mismatches = checkRecords(expected, records);
  if (mismatches.length) out(formatMismatches(mismatches, Number.POSITIVE_INFINITY));
  out(
    mismatches.length
      ? `${mismatches.length} difference(s) in ${expected.length} checked steps`
      : `all ${expected.length} steps as expected`,
  );
  setExitCode(mismatches.length ? 1 : 0);
}

/**
 * Adds `mdevspec paths` to `program`: generates lifecycle test paths that cover every reachable state,
 * transition or pair of transitions of a spec machine within bounds, and writes them as portable JSON, a
 * vitest file replaying them on the implementation, or a step-language scenario for `mdevspec run` and
 * real kernels (with the expected results). The coverage report goes to `err`. `mdevspec paths verify
 * FILE.steps RECORDING.jsonl` checks a run of such a scenario (`mdevspec run`, or the real-kernel
 * harness) against its expectations; it calls `setExitCode(1)` when they differ. Bad arguments throw a
 * {@link UsageError}.
 */
export function registerPathsCommand(
  program: Command,
  out: (s: string) => void,
  err: (s: string) => void,
  setExitCode: (code: number) => void = (code) => {
    process.exitCode = code;
  },
): void {
  const paths = program
    .command('paths')
    .description(
      'generate lifecycle test paths covering a spec machine (JSON, vitest, or step-language scenarios)',
    )
    .option(
      '--machine <name>',
      `system, or a registry machine (${machineNames().slice(1).join(', ')})`,
      'system',
    )
    .addOption(
      new Option(
        '--profile <profile>',
        'kernel profile (default v6.1; with --driver, the kernel it is written for)',
      ).choices([...KERNEL_PROFILES]),
    )
    .option(
      '--parents <list>',
      'system: parent drivers, e.g. mtty,mdpy:count=2,mbochs:count=64 (default mtty)',
    )
    .option('--slots <n>', 'system: device slots, dealt round-robin over the parents’ types (default 2)')
    .addOption(
      new Option('--cover <goal>', 'coverage goal').choices([...COVERAGE_GOALS]).default('transitions'),
    )
    .addOption(new Option('--format <format>', 'output format').choices([...PATH_FORMATS]).default('json'))
    .option('--out <file>', 'write to FILE instead of standard output')
    .option('--max-steps <n>', 'end a path after about N steps (default 200)')
    .option(
      '--driver <file>',
      'your vendor driver (default export of defineVendorDriver): its parent and accounting; vitest replays on it',
    )
    .action(async (options: PathsOptions) => {
      await generate(options, out, err);
    });
  paths
    .command('verify')
    .description(
      'check a recording of a generated .steps scenario (mdevspec run or a real kernel) against it',
    )
    .argument('<file.steps>', 'the generated scenario, with its "#=" expectations')
    .argument('<recording.jsonl>', 'the JSON lines the run printed')
    .action(async (stepsFile: string, recordingFile: string) => {
      await verify(stepsFile, recordingFile, out, setExitCode);
    });
}
