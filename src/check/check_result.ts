import type { CaseOp } from '../../properties/recorded_op.ts';
import type { TraceCommand, TraceProgram } from '../../properties/trace_program.ts';
import type { Violation } from '../../properties/violation.ts';

/** The schedulers a check can run under. */
export type SchedulerKind = 'random' | 'uniform' | 'pct' | 'exhaustive';

/** A minimal failing run: its commands, the exact interleaving, what happened and what was wrong. */
export interface Counterexample {
  /** The commands of a sequence, or of a parallel program's prefix and branches in order. */
  readonly commands: readonly TraceCommand[];
  /** Set when the run was a parallel program. */
  readonly program?: TraceProgram;
  /** Every scheduling decision of the run, in order (labels of the released steps). */
  readonly decisions: readonly string[];
  readonly ops: readonly CaseOp[];
  readonly violations: readonly Violation[];
}

/** Spec transitions of the mdev device machine that the check's runs took. */
export interface TransitionCoverage {
  readonly covered: number;
  readonly total: number;
  /** The transitions no run took, by name. */
  readonly uncovered: readonly string[];
}

/** The size of a counterexample: commands, context switches, preemptions (avoidable switches), decisions. */
export interface ScheduleSize {
  readonly commands: number;
  readonly switches: number;
  readonly preemptions: number;
  readonly decisions: number;
}

/** How far schedule shrinking got. */
export interface ShrinkReport {
  readonly before: ScheduleSize;
  readonly after: ScheduleSize;
  /** Candidate runs tried. */
  readonly attempts: number;
}

/** What replaying the spec's lifecycle paths on the implementation found. */
export interface PathsReport {
  readonly slots: number;
  readonly paths: number;
  readonly steps: number;
  /** Transitions of the system machine the paths take, of those reachable within the bounds. */
  readonly transitions: { readonly covered: number; readonly total: number };
  /** The paths on which the implementation did something else than the spec expects. */
  readonly failures: ReadonlyArray<{ readonly path: number; readonly mismatches: string }>;
  readonly durationMs: number;
}

/** The PCT setting of a check and the guarantee it gives per run. */
export interface PctReport {
  readonly depth: number;
  /** The longest run seen (k). */
  readonly steps: number;
  /** The most threads seen in a run (n). */
  readonly threads: number;
  /** 1/(n·k^(d−1)): the least probability that one run finds a bug of depth d. */
  readonly guarantee: number;
}

/** What the exhaustive scheduler explored. */
export interface ExhaustiveReport {
  /** The most interleavings explored per operation set. */
  readonly bound: number;
  /** Distinct states met at decision points, over all runs. */
  readonly states: number;
  /** Operation sets whose interleavings were all explored (a proof within the bound)... */
  readonly exhausted: number;
  /** ... and those cut at the bound. */
  readonly cut: number;
  /** Alternatives skipped as equivalent orders (partial-order reduction) and states skipped as seen. */
  readonly sleepPruned: number;
  readonly cacheHits: number;
}

/** What a check did and found. */
export interface CheckResult {
  readonly system: string;
  readonly profile: string;
  readonly scheduler: SchedulerKind;
  readonly seed: number;
  /** Runs of generated commands (not counting shrinking). */
  readonly runs: number;
  /** Runs spent shrinking a counterexample. */
  readonly shrinks: number;
  readonly operations: number;
  /** Scheduling decisions over all runs. */
  readonly decisions: number;
  /** Distinct interleavings (distinct decision sequences) over all runs. */
  readonly interleavings: number;
  /** Invariant evaluations (per trace event and at the end of each run). */
  readonly invariantChecks: number;
  readonly invariants: ReadonlyArray<{ readonly name: string; readonly rule: string }>;
  readonly coverage: TransitionCoverage;
  /** Overlap windows of the spec the runs needed, with how many operations needed each. */
  readonly windows: Readonly<Record<string, number>>;
  /** Known kernel issues the runs went through, with how many runs did. */
  readonly knownIssues: Readonly<Record<string, number>>;
  readonly pct: PctReport | null;
  readonly exhaustive: ExhaustiveReport | null;
  /** The lifecycle paths replayed on the implementation (`--paths`), or null. */
  readonly paths: PathsReport | null;
  /** What schedule shrinking did to the counterexample (null without a counterexample or when off). */
  readonly scheduleShrink: ShrinkReport | null;
  /** Runs were parallel programs (a prefix and concurrent branches) rather than command sequences. */
  readonly parallel: boolean;
  readonly verdict: 'pass' | 'fail';
  readonly counterexample: Counterexample | null;
  /** The time limit stopped the check before its runs were done. */
  readonly interrupted: boolean;
  readonly durationMs: number;
}
