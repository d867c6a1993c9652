import { readFile } from 'node:fs/promises';
import type { VfioBuild } from '../kernel/build_config.ts';
import { Kernel } from '../kernel/kernel.ts';
import { moduleCatalog } from '../module/catalog.ts';
import type { Profile } from '../profile/profiles.ts';
import { compareOutputs } from '../scenario/compare.ts';
import { type OutputRecord, ScenarioRunner } from '../scenario/runner.ts';
import { parseSteps } from '../scenario/steps.ts';
import { UsageError } from './usage_error.ts';

/** Options of `mdevspec run`. */
export interface RunOptions {
  readonly profile: Profile;
  /** What the Kconfig builds (Debian's x86-64 configuration when absent). */
  readonly build?: VfioBuild;
  /** A recording (JSON lines) of the same scenario to compare the run with. */
  readonly compare?: string;
}

/** Runs a scenario file against a fresh kernel of the model; returns its output records. */
async function runScenarioFile(
  file: string,
  profile: Profile,
  emit: (r: OutputRecord) => void,
  build?: VfioBuild,
): Promise<OutputRecord[]> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    throw new UsageError(`cannot read ${file}: ${(e as NodeJS.ErrnoException).code ?? e}`);
  }
  const parsed = parseSteps(text);
  if (!parsed.ok) throw new UsageError(`${file}:${parsed.error.line}: ${parsed.error.message}`);
  const kernel = await Kernel.boot({ profile, ...(build ? { build } : {}), catalog: moduleCatalog });
  const records: OutputRecord[] = [];
  const runner = new ScenarioRunner(
    kernel,
    (r) => {
      records.push(r);
      emit(r);
    },
    file,
  );
  await runner.run(parsed.steps);
  if (kernel.rt.oopses.length) {
    const oops = kernel.rt.oopses[0]!;
    const r = { event: 'harness_error', message: `model oops in task "${oops.name}": ${String(oops.oops)}` };
    records.push(r);
    emit(r);
  }
  return records;
}

/** `mdevspec run FILE`: prints one JSON line per record; with `--compare`, the differences from a recording. */
export async function runCommand(
  file: string,
  opts: RunOptions,
  write: (line: string) => void,
): Promise<number> {
  const records = await runScenarioFile(
    file,
    opts.profile,
    (r) => {
      if (!opts.compare) write(JSON.stringify(r));
    },
    opts.build,
  );
  if (records.some((r) => r.event === 'harness_error')) return 1;
  if (!opts.compare) return 0;
  let recorded: OutputRecord[];
  try {
    recorded = (await readFile(opts.compare, 'utf8'))
      .split('\n')
      .filter((l) => l.trim())
      .map((l) => JSON.parse(l) as OutputRecord);
  } catch (e) {
    throw new UsageError(`cannot read recording ${opts.compare}: ${e instanceof Error ? e.message : e}`);
  }
  const mismatches = compareOutputs(recorded, records);
  for (const m of mismatches) {
    write(
      `${m.where}: ${m.field}: recorded ${JSON.stringify(m.expected)}, model ${JSON.stringify(m.actual)}`,
    );
  }
  write(mismatches.length ? `${mismatches.length} difference(s)` : 'no differences');
  return mismatches.length ? 1 : 0;
}
