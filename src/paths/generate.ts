import type { KernelProfile } from '../../machines/profile.ts';
import type { SystemContext, SystemEvent } from '../../machines/system.ts';
import {
  resolveSystemConfig,
  type SystemConfig,
  type SystemParentSpec,
} from '../../machines/system_config.ts';
import type { SystemTransitionMeta } from '../../machines/system_meta.ts';
import { systemOutcome } from '../../machines/system_outcome.ts';
import type { SystemValue } from '../../machines/system_symmetry.ts';
import { systemView } from '../../machines/system_view.ts';
import { coverPaths, type EdgePath } from './cover.ts';
import { type CoverageReport, definitionCoverage, measureCoverage } from './coverage.ts';
import { explore } from './explore.ts';
import type { CoverageGoal } from './goals/goal.ts';
import { materialize, type PathStep } from './materialize.ts';
import { registryPathModel } from './models/registry_models.ts';
import { systemPathModel } from './models/system_model.ts';
import type { PathModel } from './path_model.ts';
import type { PathSuite, PortablePath, PortableStep, StepResult } from './portable.ts';
import type { StateGraph } from './state_graph.ts';
import { systemLines } from './system_lines.ts';
import { indexTransitions, type TransitionIndex } from './transition_ids.ts';

/** Short names `--machine` accepts for registry machines. */
export const MACHINE_ALIASES: Readonly<Record<string, string>> = {
  mdev: 'mdev_device',
  vfio: 'vfio_attachment',
  iommu: 'iommu_backend',
};

/** The default limit on explored states (an error beyond it: the bounds are too wide). */
const MAX_STATES = 1_000_000;

/** What to generate paths for and how. */
export interface GenerateOptions {
  /** `system`, a registry machine id, or an alias of {@link MACHINE_ALIASES}. */
  readonly machine: string;
  readonly profile: KernelProfile;
  /** System machine: its parents (default mtty) and slots (default 2). */
  readonly parents?: readonly SystemParentSpec[];
  readonly slots?: number;
  readonly goal: CoverageGoal;
  /** See {@link coverPaths}. */
  readonly maxSteps?: number;
  /** Give up beyond this many states (default {@link MAX_STATES}). */
  readonly maxStates?: number;
}

/** A generated path set with everything needed to report and export it. */
export interface Generated {
  readonly options: GenerateOptions;
  readonly model: PathModel;
  readonly transitions: TransitionIndex;
  readonly graph: StateGraph;
  readonly paths: readonly EdgePath[];
  readonly report: CoverageReport;
  /** System machine: the resolved composition. */
  readonly config?: SystemConfig;
}

/** The path model `options` name; throws with the known names for an unknown machine. */
export function pathModelFor(options: GenerateOptions): { model: PathModel; config?: SystemConfig } {
  if (options.machine === 'system') {
    const config = resolveSystemConfig({
      profile: options.profile,
      ...(options.parents ? { parents: options.parents } : {}),
      ...(options.slots !== undefined ? { slots: options.slots } : {}),
    });
    return { model: systemPathModel(config), config };
  }
  const id = MACHINE_ALIASES[options.machine] ?? options.machine;
  const model = registryPathModel(id, options.profile);
  if (!model) throw new Error(`unknown machine '${options.machine}'`);
  return { model };
}

/**
 * Explores the machine's reachable states within the bounds (symmetry-reduced for the system machine),
 * computes a covering path set for the goal, and reports coverage of every kind.
 */
export function generatePaths(options: GenerateOptions): Generated {
  const { model, config } = pathModelFor(options);
  const transitions = indexTransitions(model.machine);
  const graph = explore(model, transitions, { maxStates: options.maxStates ?? MAX_STATES });
  const paths = coverPaths(graph, {
    goal: options.goal,
    ...(options.maxSteps ? { maxSteps: options.maxSteps } : {}),
  });
  const steps = paths.reduce((n, p) => n + p.length, 0);
  const report: CoverageReport = {
    machine: model.id,
    bounds: model.bounds,
    goal: options.goal,
    kinds: measureCoverage(graph, paths),
    paths: { count: paths.length, steps, longest: Math.max(0, ...paths.map((p) => p.length)) },
    ...definitionCoverage(model, graph, transitions),
  };
  return { options, model, transitions, graph, paths, report, ...(config ? { config } : {}) };
}

/** For every vertex, the first edge of a shortest walk back to the initial state (-1: none, or it is 0). */
function walksBack(graph: StateGraph): Int32Array {
  const next = new Int32Array(graph.reps.length).fill(-1);
  const into: number[][] = graph.reps.map(() => []);
  graph.dst.forEach((d, e) => {
    into[d]!.push(e);
  });
  const seen = new Uint8Array(graph.reps.length);
  seen[0] = 1;
  const queue = [0];
  for (let head = 0; head < queue.length; head++) {
    for (const e of into[queue[head]!]!) {
      const v = graph.src[e]!;
      if (seen[v]) continue;
      seen[v] = 1;
      next[v] = e;
      queue.push(v);
    }
  }
  return next;
}

/** A generic step result from the metas of the transitions taken: the errno, or what it returns. */
function resultFromMetas(metas: readonly Readonly<Record<string, unknown>>[]): StepResult {
  const refusal = metas.find((m) => m.errno !== undefined);
  if (refusal) return { kind: 'errno', errno: String(refusal.errno) };
  const returns = metas.find((m) => m.returns !== undefined)?.returns;
  return returns === undefined ? { kind: 'ok' } : { kind: 'ok', returns: String(returns) };
}

/** A materialized step in portable form (with the system machine's outcome, sysfs view and lines). */
function portableStep(step: PathStep, config: SystemConfig | undefined): PortableStep {
  const base = { event: step.event, transitions: step.transitions };
  if (!config) {
    return {
      ...base,
      expect: { result: resultFromMetas(step.metas), value: step.value, context: step.context },
    };
  }
  const event = step.event as SystemEvent;
  const outcome = systemOutcome(event, step.metas as unknown as readonly SystemTransitionMeta[]);
  const view = systemView(config, {
    value: step.value as SystemValue,
    context: step.context as SystemContext,
  });
  return {
    ...base,
    expect: { result: outcome.result, value: step.value, context: step.context, view },
    lines: systemLines(config, event, outcome, view),
  };
}

/** The generated paths in portable form, as `--format json` writes them. */
export function toSuite(generated: Generated): PathSuite {
  const { model, graph, transitions, config } = generated;
  const back = config ? walksBack(graph) : null;
  const paths = generated.paths.map((path, i): PortablePath => {
    const walk = [...path];
    if (back)
      for (let v = graph.dst[path[path.length - 1]!]!; back[v]! >= 0; v = graph.dst[back[v]!]!)
        walk.push(back[v]!);
    const steps = materialize(model, graph, transitions, walk).map((s) => portableStep(s, config));
    return {
      id: i + 1,
      steps: steps.slice(0, path.length),
      ...(back ? { back: steps.slice(path.length) } : {}),
    };
  });
  return {
    format: 'mdevspec-paths',
    version: 1,
    machine: model.id,
    profile: generated.options.profile,
    ...(config
      ? {
          parents: config.parents.map((p) =>
            Object.keys(p.params).length ? { name: p.name, params: p.params } : { name: p.name },
          ),
          slots: config.slots.length,
        }
      : {}),
    report: generated.report,
    paths,
  };
}
