import type { AnyMachineSnapshot, AnyStateNode } from 'xstate';
import { formatGuard } from '../spec_tools/format_label.ts';
import type { EdgePath } from './cover.ts';
import type { CoverageGoal } from './goals/goal.ts';
import { indexPairs } from './goals/pairs_goal.ts';
import type { PathModel } from './path_model.ts';
import type { StateGraph } from './state_graph.ts';
import { statePath, type TransitionDef, type TransitionIndex } from './transition_ids.ts';

/** How much of one kind of goal a path set covers. */
export interface CoverageCount {
  readonly covered: number;
  readonly total: number;
}

/** A part of the machine definition that no reachable state uses, and why. */
export interface Unreached {
  /** A state path or transition id (with interchangeable parts collapsed to their class). */
  readonly id: string;
  readonly reason: string;
}

/** The coverage report of a generated path set. */
export interface CoverageReport {
  readonly machine: string;
  readonly bounds: string;
  readonly goal: CoverageGoal;
  /** Covered/total of every kind, over the reachable (symmetry-reduced) state graph. */
  readonly kinds: Readonly<Record<CoverageGoal, CoverageCount>>;
  readonly paths: { readonly count: number; readonly steps: number; readonly longest: number };
  /** Events tried in reachable states that the spec does not accept (no transition is enabled). */
  readonly refusedBySpec: number;
  /** Transition definitions (up to symmetry) taken by some reachable edge, and the ones never taken. */
  readonly definitions: CoverageCount & { readonly unreached: readonly Unreached[] };
  /** State nodes (up to symmetry) active in some reachable state, and the ones never active. */
  readonly stateNodes: CoverageCount & { readonly unreached: readonly Unreached[] };
}

/**
 * Counts what `paths` cover of each kind — states visited (the initial one included), distinct edges
 * taken, distinct pairs of consecutive edges — against the totals of `graph`.
 */
export function measureCoverage(
  graph: StateGraph,
  paths: readonly EdgePath[],
): Record<CoverageGoal, CoverageCount> {
  const pairs = indexPairs(graph);
  const states = new Uint8Array(graph.reps.length);
  states[0] = 1;
  const edges = new Uint8Array(graph.src.length);
  const pairSeen = new Set<number>();
  for (const path of paths) {
    let last = -1;
    for (const e of path) {
      states[graph.dst[e]!] = 1;
      edges[e] = 1;
      if (last >= 0) pairSeen.add(pairs.start[last]! + pairs.position[e]!);
      last = e;
    }
  }
  const count = (a: Uint8Array) => a.reduce((n, x) => n + x, 0);
  return {
    states: { covered: count(states), total: graph.reps.length },
    transitions: { covered: count(edges), total: graph.src.length },
    'transition-pairs': { covered: pairSeen.size, total: pairs.count },
  };
}

/** Every state node of a machine below the root. */
function allStateNodes(root: AnyStateNode): AnyStateNode[] {
  const out: AnyStateNode[] = [];
  const walk = (node: AnyStateNode) => {
    for (const child of Object.values(node.states as Record<string, AnyStateNode>)) {
      out.push(child);
      walk(child);
    }
  };
  walk(root);
  return out;
}

/** The active state nodes of a snapshot. */
function activeNodes(snapshot: AnyMachineSnapshot): readonly AnyStateNode[] {
  return (snapshot as unknown as { _nodes: readonly AnyStateNode[] })._nodes;
}

/**
 * Definition-level coverage: which transition definitions and state nodes some reachable edge or state
 * uses, up to symmetry, and for the rest the reason — the source never reached within the bounds, the
 * event never tried there, or (its source reached and the event tried) a guard that never selects it.
 */
export function definitionCoverage(
  model: PathModel,
  graph: StateGraph,
  transitions: TransitionIndex,
): Pick<CoverageReport, 'definitions' | 'stateNodes' | 'refusedBySpec'> {
  const classOf = (id: string) => model.symmetry?.partClass(id) ?? id;
  const takenClasses = new Set<string>();
  for (const list of graph.taken) for (const i of list) takenClasses.add(classOf(transitions.all[i]!.id));
  const activeClasses = new Set<string>();
  for (const rep of graph.reps)
    for (const node of activeNodes(rep)) activeClasses.add(classOf(statePath(node)));
  const defClasses = new Map<string, TransitionDef>();
  for (const def of transitions.all)
    if (def.event !== '' && !defClasses.has(classOf(def.id))) defClasses.set(classOf(def.id), def);
  const untaken = [...defClasses.entries()].filter(([id]) => !takenClasses.has(id));
  const nodeClasses = new Map<string, AnyStateNode>();
  for (const node of allStateNodes(model.machine.root))
    if (!nodeClasses.has(classOf(statePath(node)))) nodeClasses.set(classOf(statePath(node)), node);
  const unreachedNodes = [...nodeClasses.entries()].filter(([id]) => !activeClasses.has(id));
  return {
    refusedBySpec: graph.refusedEvents.reduce((n, list) => n + list.length, 0),
    definitions: {
      covered: defClasses.size - untaken.length,
      total: defClasses.size,
      unreached: untaken.map(([id, def]) => ({ id, reason: whyUntaken(model, graph, def, classOf) })),
    },
    stateNodes: {
      covered: nodeClasses.size - unreachedNodes.length,
      total: nodeClasses.size,
      unreached: unreachedNodes.map(([id, node]) => ({
        id,
        reason: node.always?.length
          ? 'transient: its eventless transitions leave it within the step that enters it'
          : `no reachable state within the bounds enters it${enteredBy(transitions, node, classOf)}`,
      })),
    },
  };
}

function enteredBy(
  transitions: TransitionIndex,
  node: AnyStateNode,
  classOf: (id: string) => string,
): string {
  const into = transitions.all.filter((d) => d.definition.target?.some((t) => t === node));
  return into.length
    ? `; it is entered only by ${[...new Set(into.map((d) => classOf(d.id)))].join(', ')}`
    : '';
}

function whyUntaken(
  model: PathModel,
  graph: StateGraph,
  def: TransitionDef,
  classOf: (id: string) => string,
): string {
  const source = classOf(statePath(def.source));
  let active = 0;
  let tried = 0;
  for (const rep of graph.reps) {
    if (!activeNodes(rep).some((n) => classOf(statePath(n)) === source)) continue;
    active++;
    if (model.events(rep).some((e) => e.type === def.event)) tried++;
  }
  const outcome = def.meta.errno ? ` (${def.meta.errno})` : '';
  if (active === 0) return `its source ${source} is never active within the bounds`;
  if (tried === 0) return `${def.event} is not in the alphabet while ${source} is active (${active} states)`;
  const guard = def.definition.guard === undefined ? 'none' : formatGuard(def.definition.guard);
  return `in the ${tried} reachable states where ${source} is active and ${def.event} is tried, its guard ${guard}${outcome} never selects it`;
}
