import type { SpecErrno, SpecOp, SpecResult, SpecStage } from '../machines/atomic_state.ts';
import type { MdevSystem } from '../src/api/system.ts';
import type { VfioUser } from '../src/api/vfio_user.ts';
import { errnoName } from '../src/kernel/errno.ts';
import type { Task } from '../src/kernel/task.ts';
import type { OpRecord } from '../src/scenario/holder.ts';

/** A user operation started on the implementation: its task (null when answered without the kernel) and result. */
export interface StartedOp {
  readonly op: SpecOp;
  readonly task: Task | null;
  readonly result: Promise<SpecResult>;
}

function errno(ret: number, stage?: SpecStage): SpecResult {
  const e = errnoName(ret) as SpecErrno;
  return stage ? { kind: 'errno', errno: e, stage } : { kind: 'errno', errno: e };
}

/**
 * Runs the spec's user operations (`SpecOp` of machines/atomic_rules.ts) on the implementation and reports
 * their results in the spec's terms, so one can be held against the other: module loads and unloads,
 * sysfs writes to `create`/`remove`, reads of `available_instances`, and holder processes doing the VFIO
 * protocol (`open` = the runner's `full` preset, single VFIO calls, `close` = the holder's exit). Each
 * operation starts a task and returns at once; the caller decides when the system runs.
 */
export class OpDriver {
  private readonly holders = new Map<string, VfioUser>();

  constructor(readonly sys: MdevSystem) {}

  /** Starts `op`. */
  start(op: SpecOp): StartedOp {
    const sys = this.sys;
    switch (op.op) {
      case 'load': {
        const params = Object.entries(op.params ?? {})
          .map(([k, v]) => `${k}=${v}`)
          .join(' ');
        const p = sys.startLoad(op.module, params);
        return {
          op,
          task: p.task,
          result: p.result.then((r) =>
            r.ret < 0 ? errno(r.ret, r.stage === 'open' ? 'open' : undefined) : { kind: 'ok', ret: 0 },
          ),
        };
      }
      case 'unload': {
        const p = sys.startUnload(op.module);
        return {
          op,
          task: p.task,
          result: p.result.then((r): SpecResult => (r < 0 ? errno(r) : { kind: 'ok', ret: 0 })),
        };
      }
      case 'create':
      case 'remove': {
        const p =
          op.op === 'create'
            ? sys.startCreate(op.parent, op.type, op.data)
            : sys.startRemove(op.uuid, op.data ?? '1');
        return {
          op,
          task: p.task,
          result: p.result.then(
            (r): SpecResult => (r.err ? errno(-r.errno, r.stage) : { kind: 'ok', ret: r.ret }),
          ),
        };
      }
      case 'available': {
        const p = sys.startRead(
          `/sys/class/mdev_bus/${op.parent}/mdev_supported_types/${op.type}/available_instances`,
        );
        return {
          op,
          task: p.task,
          result: p.result.then(
            ({ stage, value }): SpecResult =>
              typeof value === 'number'
                ? errno(value, stage === 'open' ? 'open' : undefined)
                : { kind: 'ok', ret: Number(value) },
          ),
        };
      }
      case 'open': {
        const u = sys.vfioUser(op.holder, op.uuid);
        this.holders.set(op.holder, u);
        const p = u.ops('full');
        return { op, task: p.task, result: p.result.then(openResult) };
      }
      case 'close': {
        const u = this.holders.get(op.holder);
        if (!u) return { op, task: null, result: Promise.resolve(errno(-2)) };
        this.holders.delete(op.holder);
        const p = u.closeAll();
        return { op, task: p.task, result: p.result.then((): SpecResult => ({ kind: 'ok', ret: 0 })) };
      }
      case 'vfio': {
        const u = this.holders.get(op.holder);
        if (!u) return { op, task: null, result: Promise.resolve(errno(-9)) };
        const p = u.op(op.call);
        return { op, task: p.task, result: p.result.then(callResult) };
      }
    }
  }

  /** Names of the holders that have not exited. */
  liveHolders(): string[] {
    return [...this.holders.keys()];
  }
}

/** A `full` open's result: the group step's failure, else the device step's (fd → 0). */
function openResult(recs: OpRecord[]): SpecResult {
  const group = recs.find((r) => r.op === 'group')!;
  if (group.err) return errno(-(group.errno as number), 'group');
  const dev = recs.find((r) => r.op === 'dev')!;
  return dev.err ? errno(-(dev.errno as number), 'dev') : { kind: 'ok', ret: 0 };
}

/** One VFIO call's result: a skipped call (no fd) is EBADF; fds are reported as 0. */
function callResult(rec: OpRecord): SpecResult {
  if (rec.skipped) return { kind: 'errno', errno: 'EBADF' };
  return rec.err ? errno(-(rec.errno as number)) : { kind: 'ok', ret: 0 };
}
