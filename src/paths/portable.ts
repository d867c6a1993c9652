import type { EventObject } from 'xstate';
import type { SystemView } from '../../machines/system_view.ts';
import type { CoverageReport } from './coverage.ts';

/** What a step's operation returns, from the meta of the transitions it took. */
export type StepResult =
  | { readonly kind: 'ok'; readonly ret?: number; readonly returns?: string }
  | { readonly kind: 'errno'; readonly errno: string; readonly stage?: string }
  | { readonly kind: 'blocked' };

/**
 * What the real-kernel harness (or `mdevspec run`) must print for one line of a scenario: the system
 * call's value, or its errno (and stage), or that it blocked; the blocked jobs whose `job_done` (with
 * the given value) must come right after it; and the sysfs state after it.
 */
export interface LineExpectation {
  readonly ret?: number;
  readonly err?: string;
  readonly stage?: string;
  readonly blocked?: true;
  readonly completes?: readonly { readonly job: string; readonly ret: number }[];
  readonly state?: SystemView;
}

/** One line of the step language with its expectation. */
export interface StepLine {
  readonly text: string;
  readonly expect: LineExpectation;
}

/** A machine event with its payload, as JSON carries it. */
export type PortableEvent = EventObject & { readonly [field: string]: unknown };

/** One step of a portable path. */
export interface PortableStep {
  /** The machine event, with its payload. */
  readonly event: PortableEvent;
  /** The transition definitions it takes. */
  readonly transitions: readonly string[];
  readonly expect: {
    readonly result: StepResult;
    /** The state value and context after the step. */
    readonly value: unknown;
    readonly context: unknown;
    /** System machine: the sysfs view after the step. */
    readonly view?: SystemView;
  };
  /** System machine: the step-language lines that perform the step on a kernel. */
  readonly lines?: readonly StepLine[];
}

/** A path from the initial state; system paths also carry the walk back to it. */
export interface PortablePath {
  readonly id: number;
  readonly steps: readonly PortableStep[];
  /** System machine: a shortest walk from the path's last state back to the initial one. */
  readonly back?: readonly PortableStep[];
}

/** A generated suite as `--format json` writes it. */
export interface PathSuite {
  readonly format: 'mdevspec-paths';
  readonly version: 1;
  readonly machine: string;
  readonly profile: string;
  /** System machine: the parents (with load parameters) and the number of slots. */
  readonly parents?: readonly { readonly name: string; readonly params?: Readonly<Record<string, number>> }[];
  readonly slots?: number;
  readonly report: CoverageReport;
  readonly paths: readonly PortablePath[];
}
