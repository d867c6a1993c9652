import type { ModuleDef } from '../kernel/kernel.ts';
import { Kernel } from '../kernel/kernel.ts';
import { moduleCatalog } from '../module/catalog.ts';
import { findProfile } from '../profile/profiles.ts';
import { type OutputRecord, ScenarioRunner } from '../scenario/runner.ts';
import { parseSteps } from '../scenario/steps.ts';
import { checkRecords, type LineMismatch } from './check_records.ts';

export { formatMismatches } from './check_records.ts';

import { readExpectations, renderLines } from './expectations.ts';
import type { PortablePath, PortableStep } from './portable.ts';

/** How to replay paths on the implementation. */
export interface ReplayOptions {
  /** The kernel profile of the suite (`v6.1`, `v4.10`). */
  readonly profile: string;
  /** Vendor drivers to load instead of (or besides) the samples of the same name: fresh modules per kernel. */
  readonly extraModules?: () => readonly ModuleDef[];
}

/** The replay of one path: its id and every step that did not do what the spec expects. */
export interface PathReplay {
  readonly id: number;
  readonly mismatches: readonly LineMismatch[];
}

/** The scenario that performs `steps`: their step-language lines, each followed by its expectation. */
function scenarioText(steps: readonly PortableStep[]): string {
  return `${steps
    .flatMap((s) => {
      if (!s.lines)
        throw new Error('these paths have no step-language lines: only system paths can be replayed');
      return renderLines(s.lines);
    })
    .join('\n')}\n`;
}

/** Runs a scenario text on a fresh kernel of the model; returns the runner's output records. */
export async function runScenarioText(text: string, options: ReplayOptions): Promise<OutputRecord[]> {
  const profile = findProfile(options.profile);
  if (!profile) throw new Error(`unknown profile '${options.profile}'`);
  const parsed = parseSteps(text);
  if (!parsed.ok) throw new Error(`line ${parsed.error.line}: ${parsed.error.message}`);
  const kernel = await Kernel.boot({
    catalog: moduleCatalog,
    profile,
    ...(options.extraModules ? { extraModules: options.extraModules() } : {}),
  });
  const records: OutputRecord[] = [];
  await new ScenarioRunner(kernel, (r) => records.push(r)).run(parsed.steps);
  for (const o of kernel.rt.oopses)
    records.push({ event: 'harness_error', message: `model oops in ${o.name}: ${String(o.oops)}` });
  for (const b of kernel.bugs)
    records.push({ event: 'harness_error', message: `kernel bug (${b.kind}): ${b.message}` });
  return records;
}

/**
 * Replays one path on a fresh kernel of the implementation (the kernel model with the sample drivers, or
 * the given vendor drivers) through the scenario runner, and returns every step whose result, released
 * jobs or sysfs state differ from the spec's expectation (empty: the implementation agrees).
 */
export async function replayPath(path: PortablePath, options: ReplayOptions): Promise<LineMismatch[]> {
  const text = scenarioText(path.steps);
  return checkRecords(readExpectations(text), await runScenarioText(text, options));
}

/** Replays every path (see {@link replayPath}), one kernel each. */
export async function replayPaths(
  paths: readonly PortablePath[],
  options: ReplayOptions,
): Promise<PathReplay[]> {
  const out: PathReplay[] = [];
  for (const path of paths) out.push({ id: path.id, mismatches: await replayPath(path, options) });
  return out;
}
