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

/** One linearized operation with what explained it: a window of the overlap rules, a known issue. */
interface Link {
  readonly id: number;
  readonly window?: string;
  readonly knownIssue?: string;
}

/**
 * A point of the search: the spec state after a linearization prefix (`path`), the operations it has
 * linearized and returned (`done`), and those it has linearized that the spec keeps blocked (`waiting`).
 */
interface Configuration {
  readonly state: SpecState;
  readonly done: ReadonlySet<number>;
  readonly waiting: ReadonlySet<number>;
  readonly path: readonly Link[];
}

/** One way to linearize a candidate next: the atomic step, or an overlap window's alternative. */
interface Attempt {
  readonly step: SpecStep;
  readonly link: Link;
  /** The atomic step itself (only its mismatches are reported as refusals). */
  readonly atomic: boolean;
}

/** A refusal: an operation whose returned result the spec could not give at some point. */
type Refusal = NonLinearizable['refusals'][number];

const INF = Number.POSITIVE_INFINITY;

/**
 * The depth-first search behind `checkLinearizable`, with its bookkeeping as fields: the visited
 * configurations, how many it explored, the deepest failure (for the report), the known issues it met,
 * and the first complete linearization in case none ends in the state the system ended in.
 */
class LinearizationSearch {
  private readonly ops: readonly HistoryOp[];
  private readonly byId: ReadonlyMap<number, HistoryOp>;
  /** For each operation, the operations whose intervals overlap it, with what they returned. */
  private readonly overlappingOf: ReadonlyMap<number, readonly Overlapping[]>;
  private readonly visited = new Set<string>();
  explored = 0;
  best: NonLinearizable = { ok: false, prefix: [], refusals: [] };
  readonly knownIssues = new Set<string>();
  fallback: { readonly path: readonly Link[]; readonly state: SpecState } | null = null;
  /** The state after the linearization found. */
  finalState: SpecState;

  constructor(
    private readonly initial: SpecState,
    history: readonly HistoryOp[],
    private readonly step: SpecStepFn,
    private readonly overlaps: OverlapFn,
    private readonly matchesEnd: (final: SpecState) => boolean,
  ) {
    this.ops = [...history].sort((a, b) => a.invoke - b.invoke);
    this.byId = new Map(this.ops.map((o) => [o.id, o]));
    this.overlappingOf = new Map(
      this.ops.map((c) => [
        c.id,
        this.ops
          .filter((o) => o.id !== c.id && o.invoke < (c.response ?? INF) && c.invoke < (o.response ?? INF))
          .map((o) => ({ op: o.op, result: o.result })),
      ]),
    );
    this.finalState = initial;
  }

  /** A linearization ending in a state `matchesEnd` accepts, else the first complete one, else null. */
  run(): readonly Link[] | null {
    const found = this.search({ state: this.initial, done: new Set(), waiting: new Set(), path: [] });
    if (found || !this.fallback) return found;
    this.finalState = this.fallback.state;
    return this.fallback.path;
  }

  private search(config: Configuration): readonly Link[] | null {
    const open = this.ops.filter((o) => !config.done.has(o.id));
    if (this.complete(config, open)) return this.finish(config);
    const key = `${JSON.stringify(config.state)}|${[...config.done].sort().join(',')}|${[...config.waiting].sort().join(',')}`;
    if (this.visited.has(key)) return null;
    this.visited.add(key);
    this.explored++;
    // Candidates: not yet linearized, invoked before the earliest return among the operations still open.
    const horizon = Math.min(...open.map((o) => o.response ?? INF));
    const refusals: Refusal[] = [];
    for (const c of open) {
      if (config.waiting.has(c.id) || c.invoke > horizon) continue;
      for (const attempt of this.attempts(config.state, c)) {
        const next = this.advance(config, c, attempt, refusals);
        const found = next && this.search(next);
        if (found) return found;
      }
    }
    if (refusals.length === 0) refusals.push(...this.returnedWhileWaiting(config));
    if (config.path.length >= this.best.prefix.length)
      this.best = { ok: false, prefix: config.path.map((l) => l.id), refusals };
    return null;
  }

  /** Every operation that returned has been linearized and completed. */
  private complete(config: Configuration, open: readonly HistoryOp[]): boolean {
    const mustFinish = open.some((o) => o.response !== null && !config.waiting.has(o.id));
    const waitingReturned = [...config.waiting].some((id) => this.byId.get(id)!.response !== null);
    return !mustFinish && !waitingReturned;
  }

  /** A complete linearization: the answer if it ends where the system did, else kept as the fallback. */
  private finish(config: Configuration): readonly Link[] | null {
    if (this.matchesEnd(config.state)) {
      this.finalState = config.state;
      return config.path;
    }
    this.fallback ??= { path: config.path, state: config.state };
    return null;
  }

  /** The ways to linearize `c` next: its atomic step, then the overlap windows that give its result. */
  private attempts(state: SpecState, c: HistoryOp): Attempt[] {
    const s = this.step(state, c.op, c.id);
    if (s.knownIssue) this.knownIssues.add(s.knownIssue);
    const attempts: Attempt[] = [
      { step: s, link: { id: c.id, ...(s.knownIssue ? { knownIssue: s.knownIssue } : {}) }, atomic: true },
    ];
    if (!c.result || same(s.result, c.result)) return attempts;
    for (const alt of this.overlaps(state, c.op, this.overlappingOf.get(c.id)!)) {
      if (!same(alt.result, c.result)) continue;
      if (alt.knownIssue) this.knownIssues.add(alt.knownIssue);
      attempts.push({
        step: { state: alt.state, result: alt.result, completed: [] },
        link: { id: c.id, window: alt.window, ...(alt.knownIssue ? { knownIssue: alt.knownIssue } : {}) },
        atomic: false,
      });
    }
    return attempts;
  }

  /**
   * The configuration after linearizing `c` by `attempt`, or null (with the refusal noted) when the
   * attempt's result, or the result of an operation it completes, is not what was returned.
   */
  private advance(
    config: Configuration,
    c: HistoryOp,
    attempt: Attempt,
    refusals: Refusal[],
  ): Configuration | null {
    const { step: t } = attempt;
    const done = new Set(config.done);
    const waiting = new Set(config.waiting);
    if (t.result.kind === 'blocked') waiting.add(c.id);
    else if (c.response === null || !same(t.result, c.result)) {
      if (attempt.atomic) refusals.push({ id: c.id, expected: t.result, actual: c.result });
      return null;
    } else done.add(c.id);
    for (const completed of t.completed) {
      const o = this.byId.get(completed.id);
      if (!o || !waiting.has(completed.id) || o.response === null || !same(completed.result, o.result)) {
        refusals.push({ id: completed.id, expected: completed.result, actual: o?.result ?? null });
        return null;
      }
      waiting.delete(completed.id);
      done.add(completed.id);
    }
    return { state: t.state, done, waiting, path: [...config.path, attempt.link] };
  }

  /** Nothing could come next because an operation the spec keeps blocked had already returned. */
  private returnedWhileWaiting(config: Configuration): Refusal[] {
    return [...config.waiting].flatMap((id) => {
      const o = this.byId.get(id)!;
      return o.response !== null ? [{ id, expected: { kind: 'blocked' } as const, actual: o.result }] : [];
    });
  }
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
 * that the end-of-run comparison is made against the right one. Wing & Gong's search, with a cache of
 * visited (state, linearized, waiting) configurations (Lowe's optimisation), so histories of tens of
 * operations are checked quickly.
 */
export function checkLinearizable(
  initial: SpecState,
  history: readonly HistoryOp[],
  step: SpecStepFn,
  overlaps: OverlapFn = () => [],
  matchesEnd: (final: SpecState) => boolean = () => true,
): LinearizabilityResult {
  const search = new LinearizationSearch(initial, history, step, overlaps, matchesEnd);
  const path = search.run();
  if (!path)
    return { ...search.best, explored: search.explored, knownIssues: [...search.knownIssues].sort() };
  return {
    ok: true,
    order: path.map((l) => l.id),
    finalState: search.finalState,
    windows: path.flatMap((l) => (l.window ? [{ id: l.id, window: l.window }] : [])),
    explored: search.explored,
    knownIssues: [...new Set(path.flatMap((l) => (l.knownIssue ? [l.knownIssue] : [])))].sort(),
  };
}
