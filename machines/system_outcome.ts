import type { ErrnoName } from './errno.ts';
import type { SystemEvent } from './system.ts';
import type { SystemStage, SystemTransitionMeta } from './system_meta.ts';

/** What the user operation behind a system event returns: a value, an errno (and where), or "blocked". */
export type SystemResult =
  | { readonly kind: 'ok'; readonly ret: number }
  | { readonly kind: 'errno'; readonly errno: ErrnoName; readonly stage?: SystemStage }
  | { readonly kind: 'blocked' };

/** The outcome of one step: the operation's result, and the slots whose sleeping `remove` returned during it. */
export interface SystemOutcome {
  readonly result: SystemResult;
  readonly completes: readonly number[];
}

/** What a CREATE writes to `create`: the slot's UUID, 36 bytes without a newline. */
const CREATE_DATA_BYTES = 36;

/** What a REMOVE writes to `remove`: `1`. */
export const REMOVE_DATA = '1';

/**
 * The outcome of `event` from the metas of the transitions it took (one carries the call's errno or
 * return value; others are its consequences in other regions): `count` is the number of bytes written
 * (36 for a UUID, 1 for `remove`), `0` and `fd` are success (0); `blocks` makes it blocked;
 * `completes: 'remove'` lets the slot's sleeping remove return its byte count.
 */
export function systemOutcome(event: SystemEvent, metas: readonly SystemTransitionMeta[]): SystemOutcome {
  const completes = metas.some((m) => m.completes === 'remove') && 'slot' in event ? [event.slot] : [];
  const refusal = metas.find((m) => m.errno !== undefined);
  if (refusal) {
    const result: SystemResult = refusal.stage
      ? { kind: 'errno', errno: refusal.errno!, stage: refusal.stage }
      : { kind: 'errno', errno: refusal.errno! };
    return { result, completes };
  }
  if (metas.some((m) => m.blocks)) return { result: { kind: 'blocked' }, completes };
  const returns = metas.find((m) => m.returns !== undefined)?.returns;
  if (returns === undefined) throw new Error(`no transition of ${event.type} says what the call returns`);
  const ret = returns === 'count' ? (event.type === 'REMOVE' ? REMOVE_DATA.length : CREATE_DATA_BYTES) : 0;
  return { result: { kind: 'ok', ret }, completes };
}
