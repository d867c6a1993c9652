import type { SpecOp, SpecResult, SpecState, SpecStep } from '../../machines/atomic_state.ts';
import type { OverlapOutcome, Overlapping } from '../../machines/overlaps/index.ts';

/** One operation of a concurrent history: what it was, when it was invoked and returned, what it returned. */
export interface HistoryOp {
  readonly id: number;
  readonly op: SpecOp;
  /** Logical time of invocation. */
  readonly invoke: number;
  /** Logical time of return; null for an operation still blocked at the end. */
  readonly response: number | null;
  /** The result it returned; null while blocked. */
  readonly result: SpecResult | null;
}

/** The sequential specification: one atomic step (the atomic rules' `specStep`). */
export type SpecStepFn = (state: SpecState, op: SpecOp, id: number) => SpecStep;

/** Results an operation may have beyond the atomic step because of the operations it overlapped. */
export type OverlapFn = (
  state: SpecState,
  op: SpecOp,
  overlapping: readonly Overlapping[],
) => readonly OverlapOutcome[];

/** Why a history is not linearizable: how far the best attempt got and which results could not be explained. */
export interface NonLinearizable {
  readonly ok: false;
  /** The longest prefix of a linearization that the search could build (operation ids, in order). */
  readonly prefix: readonly number[];
  /** At that point, the operations that could come next and why each failed. */
  readonly refusals: ReadonlyArray<{
    readonly id: number;
    readonly expected: SpecResult;
    readonly actual: SpecResult | null;
  }>;
}

/** The outcome of a linearizability check. */
export type LinearizabilityResult = (
  | {
      readonly ok: true;
      /** The linearization found (operation ids, in order). */
      readonly order: readonly number[];
      /** The spec's state after it. */
      readonly finalState: SpecState;
      /** Overlap windows the linearization needed (`OverlapOutcome.window`, with the operation id). */
      readonly windows: ReadonlyArray<{ readonly id: number; readonly window: string }>;
    }
  | NonLinearizable
) & {
  /** Configurations the search visited. */
  readonly explored: number;
  /**
   * Catalogue entries the spec flagged on steps the search tried (`SpecStep.knownIssue`): the kernel of
   * this profile has that bug there, so a history through such a step need not be linearizable.
   */
  readonly knownIssues: readonly string[];
};

function same(a: SpecResult | null, b: SpecResult | null): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/**
 * Is there an order of the operations, consistent with their real-time order (an operation that returned
 * before another was invoked comes first), in which the sequential specification gives every operation the
 * result it returned? Blocking operations take effect when the spec says they block and return when a
 * later operation of the order completes them — which must come before their real return. Operations still
 * blocked at the end may have taken effect or not. An operation whose result the atomic step does not give
 * may still be explained by `overlaps` (a documented window in which the kernel's operation is not atomic,
 * given the operations that overlapped it); the linearization reports each window it used. Among the
 * linearizations, one whose final state `matchesEnd` (the state the system was left in) is preferred, so
 * that the end-of-run comparison is made against the right one. Wing & Gong's
 * search, with a cache of visited
 * (state, linearized, waiting) configurations (Lowe's optimisation), so histories of tens of operations are
 * checked quickly.
 */
export function checkLinearizable(
  initial: SpecState,
  history: readonly HistoryOp[],
  step: SpecStepFn,
  overlaps: OverlapFn = () => [],
  matchesEnd: (final: SpecState) => boolean = () => true,
): LinearizabilityResult {
  const INF = Number.POSITIVE_INFINITY;
  const ops = [...history].sort((a, b) => a.invoke - b.invoke);
  const byId = new Map(ops.map((o) => [o.id, o]));
  const visited = new Set<string>();
  let explored = 0;
  let best: NonLinearizable = { ok: false, prefix: [], refusals: [] };
  const knownIssues = new Set<string>();
  let finalState = initial;
  /** The first complete linearization, kept in case none ends in the state the system ended in. */
  let fallback = null as { path: Link[]; state: SpecState } | null;
  const overlappingOf = new Map(
    ops.map((c) => [
      c.id,
      ops
        .filter((o) => o.id !== c.id && o.invoke < (c.response ?? INF) && c.invoke < (o.response ?? INF))
        .map((o) => ({ op: o.op, result: o.result })),
    ]),
  );

  // `waiting`: linearized, spec said blocked, not yet completed.
  /** One linearized operation with what explained it: a window of the overlap rules, a known issue. */
  type Link = { readonly id: number; readonly window?: string; readonly knownIssue?: string };
  const search = (state: SpecState, done: Set<number>, waiting: Set<number>, path: Link[]): Link[] | null => {
    const open = ops.filter((o) => !done.has(o.id));
    const mustFinish = open.filter((o) => o.response !== null && !waiting.has(o.id));
    const waitingReturned = [...waiting].some((id) => byId.get(id)!.response !== null);
    if (mustFinish.length === 0 && !waitingReturned) {
      if (matchesEnd(state)) {
        finalState = state;
        return path;
      }
      fallback ??= { path, state };
      return null;
    }
    const key = `${JSON.stringify(state)}|${[...done].sort().join(',')}|${[...waiting].sort().join(',')}`;
    if (visited.has(key)) return null;
    visited.add(key);
    explored++;
    // Candidates: not yet linearized, invoked before the earliest return among the operations still open.
    const horizon = Math.min(...open.map((o) => o.response ?? INF));
    const refusals: NonLinearizable['refusals'][number][] = [];
    for (const c of open) {
      if (waiting.has(c.id) || c.invoke > horizon) continue;
      const s = step(state, c.op, c.id);
      if (s.knownIssue) knownIssues.add(s.knownIssue);
      const tries: Array<{ step: SpecStep; link: Link }> = [
        { step: s, link: { id: c.id, ...(s.knownIssue ? { knownIssue: s.knownIssue } : {}) } },
      ];
      if (c.result && !same(s.result, c.result)) {
        for (const alt of overlaps(state, c.op, overlappingOf.get(c.id)!)) {
          if (!same(alt.result, c.result)) continue;
          if (alt.knownIssue) knownIssues.add(alt.knownIssue);
          tries.push({
            step: { state: alt.state, result: alt.result, completed: [] },
            link: { id: c.id, window: alt.window, ...(alt.knownIssue ? { knownIssue: alt.knownIssue } : {}) },
          });
        }
      }
      for (const { step: t, link } of tries) {
        const nextDone = new Set(done);
        const nextWaiting = new Set(waiting);
        if (t.result.kind === 'blocked') nextWaiting.add(c.id);
        else if (c.response === null || !same(t.result, c.result)) {
          if (t === s) refusals.push({ id: c.id, expected: t.result, actual: c.result });
          continue;
        } else nextDone.add(c.id);
        let consistent = true;
        for (const done1 of t.completed) {
          const o = byId.get(done1.id);
          if (!o || !nextWaiting.has(done1.id) || o.response === null || !same(done1.result, o.result)) {
            refusals.push({ id: done1.id, expected: done1.result, actual: o?.result ?? null });
            consistent = false;
            break;
          }
          nextWaiting.delete(done1.id);
          nextDone.add(done1.id);
        }
        if (!consistent) continue;
        const found = search(t.state, nextDone, nextWaiting, [...path, link]);
        if (found) return found;
      }
    }
    if (refusals.length === 0) {
      // Nothing could come next because an operation the spec keeps blocked had already returned.
      for (const id of waiting) {
        const o = byId.get(id)!;
        if (o.response !== null) refusals.push({ id, expected: { kind: 'blocked' }, actual: o.result });
      }
    }
    if (path.length >= best.prefix.length) best = { ok: false, prefix: path.map((l) => l.id), refusals };
    return null;
  };

  let path = search(initial, new Set(), new Set(), []);
  if (!path && fallback) {
    path = fallback.path;
    finalState = fallback.state;
  }
  if (!path) return { ...best, explored, knownIssues: [...knownIssues].sort() };
  return {
    ok: true,
    order: path.map((l) => l.id),
    finalState,
    windows: path.flatMap((l) => (l.window ? [{ id: l.id, window: l.window }] : [])),
    explored,
    knownIssues: [...new Set(path.flatMap((l) => (l.knownIssue ? [l.knownIssue] : [])))].sort(),
  };
}
