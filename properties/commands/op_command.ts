import type { AsyncCommand } from 'fast-check';
import type { SpecOp } from '../../machines/atomic_state.ts';
import type { OpRecorder } from '../recorded_op.ts';

/**
 * What commands know of the run: the holder processes started so far (open or exited), a counter, and the
 * UUIDs written to `create` files so far (in order, whatever the creates returned).
 */
export interface CommandModel {
  readonly holders: string[];
  nextHolder: number;
  readonly created: string[];
}

/** A UUID reference `@k` in a template: the k-th UUID created so far in the run (modulo their number). */
const CREATED_REF = /^@(\d+)$/;

/** Resolves a UUID reference against the UUIDs created so far (a plain UUID stays as it is). */
function resolveUuid(uuid: string, model: CommandModel): string {
  const ref = CREATED_REF.exec(uuid);
  if (!ref) return uuid;
  const created = model.created;
  return created.length ? created[Number(ref[1]) % created.length]! : '00000000-0000-0000-0000-000000000000';
}

/** What commands act on: the recorder that starts operations on the system. */
export interface CommandReal {
  readonly recorder: OpRecorder;
}

/**
 * One user operation as a fast-check command. `run` STARTS the operation on the system and returns at once:
 * the operation stays in flight while later commands start, and the scheduler decides the order of every
 * step inside all of them. A `concurrent` command starts right away, alongside the operations still in
 * flight; any other starts once they have all returned or fallen asleep (so that runs reach deep states:
 * a device created, opened, then removed while open). Holder references (`close`, `vfio`) are indexes
 * resolved against the holders started so far; `open` starts a new holder process; `remove` and `open` may
 * name a UUID as `@k`, the k-th UUID created in the run, so that they mostly meet devices that exist.
 */
export class OpCommand implements AsyncCommand<CommandModel, CommandReal, false> {
  constructor(
    readonly template: SpecOp,
    readonly concurrent = false,
  ) {}

  check(): boolean {
    return true;
  }

  async run(model: CommandModel, real: CommandReal): Promise<void> {
    const op = this.resolve(model);
    // A holder is a single-threaded process: its next operation starts once its previous one returned.
    if (op.op === 'close' || op.op === 'vfio') await real.recorder.holderIdle(op.holder);
    real.recorder.start(op);
  }

  /** The concrete operation for this run (holder names chosen). */
  resolve(model: CommandModel): SpecOp {
    const t = this.template;
    if (t.op === 'create') {
      if (t.data.length >= 36) model.created.push(t.data.slice(0, 36).toLowerCase());
      return t;
    }
    if (t.op === 'remove') return { ...t, uuid: resolveUuid(t.uuid, model) };
    if (t.op === 'open') {
      const holder = `h${model.nextHolder++}`;
      model.holders.push(holder);
      return { ...t, holder, uuid: resolveUuid(t.uuid, model) };
    }
    if (t.op === 'close' || t.op === 'vfio') {
      const holder = model.holders.length ? model.holders[Number(t.holder) % model.holders.length]! : 'none';
      return { ...t, holder };
    }
    return t;
  }

  /** The operation, prefixed with `&` when it starts alongside the operations in flight. */
  toString(): string {
    return `${this.concurrent ? '& ' : ''}${describeOp(this.template)}`;
  }
}

/** A short readable form of an operation, as counterexamples print it. */
export function describeOp(op: SpecOp): string {
  switch (op.op) {
    case 'load':
      return `insmod ${op.module}${Object.entries(op.params ?? {})
        .map(([k, v]) => ` ${k}=${v}`)
        .join('')}`;
    case 'unload':
      return `rmmod ${op.module}`;
    case 'create':
      return `create ${op.parent}/${op.type} ${JSON.stringify(op.data)}`;
    case 'remove':
      return `remove ${op.uuid}${op.data !== undefined && op.data !== '1' ? ` ${JSON.stringify(op.data)}` : ''}`;
    case 'open':
      return `open ${op.holder || 'h?'} ${op.uuid}`;
    case 'close':
      return `close ${op.holder}`;
    case 'vfio':
      return `vfio ${op.holder} ${op.call}`;
    case 'available':
      return `read ${op.parent}/${op.type}/available_instances`;
  }
}
