import type { SpecParentConfig, SpecState } from '../machines/atomic_state.ts';
import type { Kernel } from '../src/kernel/kernel.ts';
import type { TraceEvent } from '../src/kernel/trace.ts';
import type { RecordedOp } from './recorded_op.ts';

/** What an invariant can look at during a run: the kernel (introspection), the parents, the run's operations. */
export interface InvariantContext {
  readonly kernel: Kernel;
  /** The parent drivers of the system, as the spec knows them (types, costs, pool, exhaustion errno). */
  readonly parents: Readonly<Record<string, SpecParentConfig>>;
  /** The pool size of each parent with the module parameters of the run. */
  readonly capacity: Readonly<Record<string, number>>;
  readonly ops: readonly RecordedOp[];
}

/** What an invariant sees at the end of a run (after every holder exited): adds the spec's final state. */
export interface FinalContext extends InvariantContext {
  /** The spec state after the linearization of the run (null when the history was not linearizable). */
  readonly spec: SpecState | null;
  /** `available_instances` of every type, read through sysfs at the end: `parent/type` → value. */
  readonly available: Readonly<Record<string, number>>;
}

/** One run's instance of an invariant, with whatever it tracks over the trace. */
export interface InvariantCheck {
  /** Called on every trace event, as it happens: a message when the event breaks the invariant. */
  onEvent?(event: TraceEvent, ctx: InvariantContext): string | null;
  /** Called at the end of the run: messages for what is wrong then. */
  atEnd?(ctx: FinalContext): string[];
}

/**
 * A named invariant of the mdev lifecycle: the kernel rule or historical fix it encodes (kernel-semantics.md
 * §5, §7), and a factory for its per-run checker.
 */
export interface Invariant {
  readonly name: string;
  /** The rule and where it comes from. */
  readonly rule: string;
  create(): InvariantCheck;
}
