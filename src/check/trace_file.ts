import type { CheckResult, Counterexample, SchedulerKind } from './check_result.ts';

/** The version tag of trace files. */
const TRACE_FORMAT = 'mdevspec-trace/1';

/**
 * A counterexample as a file (`mdevspec check` writes it, `mdevspec replay` reads it): which kernel and
 * driver ran, how the check was seeded, and the counterexample itself — commands, every scheduling
 * decision, the operations with their results, and the violations found.
 */
export interface CheckTrace extends Counterexample {
  readonly format: typeof TRACE_FORMAT;
  readonly system: string;
  readonly profile: string;
  /** The vendor driver file the check loaded (absolute path), or null for the samples. */
  readonly driver: string | null;
  /** With the samples: the sample parents the kernel loaded (all of them when absent). */
  readonly parents?: readonly string[];
  readonly scheduler: SchedulerKind;
  readonly seed: number;
}

/**
 * The trace of a failed check's counterexample; `parents` names the sample parents of a check of the
 * samples (`--parents`), `driver` the driver file of a check of a driver.
 */
export function traceOf(
  result: CheckResult,
  driver: string | null,
  parents?: readonly string[],
): CheckTrace | null {
  if (!result.counterexample) return null;
  return {
    format: TRACE_FORMAT,
    system: result.system,
    profile: result.profile,
    driver,
    ...(driver === null && parents ? { parents } : {}),
    scheduler: result.scheduler,
    seed: result.seed,
    ...result.counterexample,
  };
}

/** Reads a trace file's text: the trace, or a message saying what is wrong with it. */
export function parseTrace(text: string): CheckTrace | string {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (e) {
    return `not JSON: ${(e as Error).message}`;
  }
  if (typeof data !== 'object' || data === null) return 'not a trace object';
  const t = data as Partial<CheckTrace>;
  if (t.format !== TRACE_FORMAT) return `not a ${TRACE_FORMAT} trace (format: ${JSON.stringify(t.format)})`;
  for (const field of ['commands', 'decisions', 'ops', 'violations'] as const) {
    if (!Array.isArray(t[field])) return `field "${field}" must be an array`;
  }
  if (typeof t.profile !== 'string') return 'field "profile" must be a string';
  if (t.driver !== null && typeof t.driver !== 'string') return 'field "driver" must be a path or null';
  if (t.parents !== undefined && !(Array.isArray(t.parents) && t.parents.every((p) => typeof p === 'string')))
    return 'field "parents" must be an array of sample names';
  return t as CheckTrace;
}

/** Where the Mermaid sequence diagram of a trace goes: beside it, `.mmd` for `.json`. */
export function sequencePath(tracePath: string): string {
  return `${tracePath.replace(/\.json$/, '')}.mmd`;
}
