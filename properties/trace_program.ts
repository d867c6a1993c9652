import type { SpecOp } from '../machines/atomic_state.ts';

/**
 * A command of a counterexample: the operation as generated (a `close`/`vfio` names its holder by index
 * among the holders opened so far) and whether it started alongside the operations in flight.
 */
export interface TraceCommand {
  readonly op: SpecOp;
  readonly concurrent: boolean;
}

/** A parallel program as a trace keeps it. */
export interface TraceProgram {
  readonly prefix: readonly TraceCommand[];
  readonly branches: readonly (readonly TraceCommand[])[];
}
