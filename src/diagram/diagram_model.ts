import {
  type GraphState,
  type GraphTransition,
  graphStates,
  isWithin,
  type MachineGraph,
  transitionKey,
} from '../spec_tools/machine_graph.ts';
import type { ProfileOnly } from '../spec_tools/profile_diff.ts';
import { type TransitionLabel, transitionLabel } from './transition_label.ts';

/** What a rendering is of: the machine's profile and what only that profile has (marked). */
export interface ProfileHighlight {
  readonly profile: string;
  readonly only: ProfileOnly;
}

/** One drawn edge: a transition with a target, from its source to one of its targets. */
export interface DiagramEdge {
  readonly transition: GraphTransition;
  /** Position of the transition in the graph (stable across renderings). */
  readonly index: number;
  readonly source: string;
  readonly target: string;
  /**
   * The edge leaves the source's "any substate" node rather than its outline: the source is the root, or
   * a composite whose transition leads into itself (an outline cannot point into itself).
   */
  readonly fromAny: boolean;
  /** Only the profile being drawn has this transition. */
  readonly profileOnly: boolean;
}

/** A line inside a state: an internal (targetless) transition or an entry/exit action. */
export interface InternalLine extends TransitionLabel {
  /** Only the profile being drawn has this line. */
  readonly profileOnly: boolean;
}

/** What every renderer needs: the states, each state's internal lines, and the edges to draw. */
export interface DiagramModel {
  readonly graph: MachineGraph;
  readonly states: readonly GraphState[];
  readonly internal: ReadonlyMap<string, readonly InternalLine[]>;
  readonly edges: readonly DiagramEdge[];
  /** Non-atomic states (and the root) that need an "any substate" node for their own edges. */
  readonly anyNodes: ReadonlySet<string>;
  /** States only in the profile being drawn. */
  readonly profileOnlyStates: ReadonlySet<string>;
}

/** Tooltip text of an edge: the kernel function, actions, note and any UNVERIFIED remark. */
export function transitionDetail(t: GraphTransition): string {
  return [
    t.kernel,
    t.actions.length ? `actions: ${t.actions.join(', ')}` : null,
    t.note,
    t.unverified ? `UNVERIFIED: ${t.unverified}` : null,
  ]
    .filter(Boolean)
    .join('\n');
}

/**
 * Prepares a machine graph for drawing: targetless transitions become lines inside their state (UML's
 * internal transitions), transitions with targets become edges (one per target), and what only this
 * profile has (`only`) is marked.
 */
export function diagramModel(graph: MachineGraph, only: ProfileOnly): DiagramModel {
  const states = graphStates(graph);
  const kinds = new Map(states.map((s) => [s.path, s.kind]));
  const internal = new Map<string, InternalLine[]>();
  const add = (path: string, line: InternalLine): void => {
    internal.set(path, [...(internal.get(path) ?? []), line]);
  };
  const profileOnlyStates = new Set(states.map((s) => s.path).filter((p) => only.states.has(p)));
  for (const s of states) {
    const profileOnly = profileOnlyStates.has(s.path);
    for (const a of s.entry)
      add(s.path, { trigger: `entry / ${a}`, outcome: '', refusal: false, profileOnly });
    for (const a of s.exit) add(s.path, { trigger: `exit / ${a}`, outcome: '', refusal: false, profileOnly });
  }
  const edges: DiagramEdge[] = [];
  const anyNodes = new Set<string>();
  graph.transitions.forEach((t, index) => {
    const profileOnly = only.transitions.has(transitionKey(t));
    if (t.targets.length === 0) {
      add(t.source, { ...transitionLabel(t), profileOnly });
      return;
    }
    const atomicSource = kinds.get(t.source) !== 'compound' && kinds.get(t.source) !== 'parallel';
    for (const target of t.targets) {
      const fromAny = !atomicSource && (t.source === '' || isWithin(target, t.source));
      if (fromAny) anyNodes.add(t.source);
      edges.push({ transition: t, index, source: t.source, target, fromAny, profileOnly });
    }
  });
  return { graph, states, internal, edges, anyNodes, profileOnlyStates };
}
