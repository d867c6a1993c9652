import type { SpecOp } from '../../machines/atomic_state.ts';
import type { OpDriver } from '../../properties/op_driver.ts';
import type { OpRecorder, RecordedOp } from '../../properties/recorded_op.ts';
import type { Runtime } from '../kernel/runtime.ts';
import type { HistoryOp } from './linearizability.ts';

/**
 * Records the concurrent history of a run: each operation's invocation and return on the runtime's logical
 * clock and its result, for the linearizability check and the counterexample report.
 */
export class HistoryRecorder implements OpRecorder {
  readonly ops: RecordedOp[] = [];
  /** The latest operation of each holder process, which runs its operations one after another. */
  private readonly lastOfHolder = new Map<string, Promise<unknown>>();
  /** When each operation returns (by id). */
  private readonly returns = new Map<number, Promise<void>>();

  constructor(
    private readonly driver: OpDriver,
    private readonly rt: Runtime,
  ) {}

  /** Resolves once the holder's latest operation has returned (a holder is a single-threaded process). */
  holderIdle(holder: string): Promise<unknown> {
    return this.lastOfHolder.get(holder) ?? Promise.resolve();
  }

  /** Starts `op` on the system and records it. */
  start(op: SpecOp): RecordedOp {
    const id = this.ops.length;
    const started = this.driver.start(op);
    const invoke = started.task ? started.task.startedAt : ++this.rt.clock;
    const rec: RecordedOp = { id, op, task: started.task, invoke, response: null, result: null };
    this.ops.push(rec);
    // An operation whose task oopsed never returns to user space: it stays without a result (the oops is
    // reported from the runtime's list).
    const done = started.result.then(
      (result) => {
        rec.result = result;
        rec.response = started.task ? started.task.endedAt : ++this.rt.clock;
      },
      () => {},
    );
    if (op.op === 'open' || op.op === 'close' || op.op === 'vfio') this.lastOfHolder.set(op.holder, done);
    this.returns.set(id, done);
    return rec;
  }

  /** Resolves once operation `id` has returned. */
  returned(id: number): Promise<void> {
    return this.returns.get(id) ?? Promise.resolve();
  }

  /** The history in the linearizability checker's terms. */
  history(): HistoryOp[] {
    return this.ops.map((o) => ({
      id: o.id,
      op: o.op,
      invoke: o.invoke,
      response: o.response,
      result: o.result,
    }));
  }
}
