import type { AnyMachineSnapshot, EventObject } from 'xstate';

/**
 * The reachable state graph of a path model: vertices are canonical states (each with the first snapshot
 * found as its representative), edges are the enabled (state, event) pairs — one per transition of the
 * spec, refusals included. Edges are stored by source (`outStart[v]..outStart[v+1]` index `out`).
 */
export interface StateGraph {
  /** Vertex → its representative snapshot (vertex 0 is the initial state). */
  readonly reps: readonly AnyMachineSnapshot[];
  /** Vertex → canonical key. */
  readonly keys: readonly string[];
  readonly src: Int32Array;
  readonly dst: Int32Array;
  /** Edge → the event applied to the representative of its source. */
  readonly events: readonly EventObject[];
  /** Edge → how the successor maps onto the representative of `dst` (null: identically). */
  readonly perms: readonly (Int32Array | null)[];
  /** Edge → indexes of the transition definitions it took. */
  readonly taken: readonly (readonly number[])[];
  /** Edges grouped by source: the out-edges of `v` are `out[outStart[v]] … out[outStart[v + 1] - 1]`. */
  readonly outStart: Int32Array;
  readonly out: Int32Array;
  /** Vertex → the events tried there that no transition accepted. */
  readonly refusedEvents: readonly (readonly EventObject[])[];
}

/**
 * Groups edges by source into `outStart`/`out` (a compressed adjacency list): within a source, edges keep
 * their exploration order.
 */
export function groupBySource(vertices: number, src: Int32Array): { outStart: Int32Array; out: Int32Array } {
  const outStart = new Int32Array(vertices + 1);
  for (const s of src) outStart[s + 1]!++;
  for (let v = 0; v < vertices; v++) outStart[v + 1]! += outStart[v]!;
  const fill = outStart.slice(0, vertices);
  const out = new Int32Array(src.length);
  src.forEach((s, e) => {
    out[fill[s]!++] = e;
  });
  return { outStart, out };
}
