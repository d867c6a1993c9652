import type { SpecResult } from '../../machines/atomic_state.ts';
import { describeOp } from '../../properties/commands/op_command.ts';
import type { HistoryOp, NonLinearizable } from './linearizability.ts';

/** A result as a person reads it: `ok 36`, `EEXIST (at write)`, `blocked`. */
export function describeResult(r: SpecResult | null): string {
  if (r === null) return 'no result (still blocked)';
  if (r.kind === 'ok') return `ok ${r.ret}`;
  if (r.kind === 'blocked') return 'blocked';
  return `${r.errno}${r.stage ? ` (at ${r.stage})` : ''}`;
}

/**
 * Why a history is not linearizable, in words: the longest order the search could build, and for each
 * operation that could have come next what the spec expected and what the implementation returned.
 */
export function explainNonLinearizable(result: NonLinearizable, history: readonly HistoryOp[]): string {
  const byId = new Map(history.map((o) => [o.id, o]));
  const name = (id: number) => `#${id} ${describeOp(byId.get(id)!.op)}`;
  const prefix = result.prefix.length ? result.prefix.map(name).join(' → ') : '(nothing)';
  const refusals = result.refusals.map((r) =>
    r.expected.kind === 'blocked'
      ? `${name(r.id)}: the spec keeps it blocked until a later operation, but the kernel returned ${describeResult(r.actual)}`
      : `${name(r.id)}: the spec expects ${describeResult(r.expected)}, the kernel returned ${describeResult(r.actual)}`,
  );
  return `no order of the operations explains their results. Longest explained order: ${prefix}. Then:\n  ${refusals.join('\n  ') || '(no operation could come next)'}`;
}
