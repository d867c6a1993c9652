import type { SpecOp, SpecResult } from '../machines/atomic_state.ts';
import type { Task } from '../src/kernel/task.ts';

/** An operation of a run: what was started, its task, and what came back. */
export interface RecordedOp {
  readonly id: number;
  readonly op: SpecOp;
  readonly task: Task | null;
  readonly invoke: number;
  response: number | null;
  result: SpecResult | null;
}

/** An operation of a finished run, as reports and traces keep it. */
export interface CaseOp {
  readonly id: number;
  readonly op: SpecOp;
  /** `command` (started by a command), or `teardown` (a holder closed at the end). */
  readonly phase: 'command' | 'teardown';
  /** In a parallel program: the branch that ran it (null for the prefix, the teardown and sequences). */
  readonly branch: number | null;
  /** The kernel task that ran it (the `#id` of its scheduling decisions), if it needed one. */
  readonly task: number | null;
  readonly invoke: number;
  readonly response: number | null;
  readonly result: RecordedOp['result'];
}

/**
 * What a command needs to start operations on the system and keep a single-threaded holder's operations
 * in order (the check engine's history recorder).
 */
export interface OpRecorder {
  /** Starts `op` on the system and records it. */
  start(op: SpecOp): RecordedOp;
  /** Resolves once the holder's latest operation has returned. */
  holderIdle(holder: string): Promise<unknown>;
}
