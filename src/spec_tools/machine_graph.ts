import type { AnyStateMachine, AnyStateNode } from 'xstate';
import { formatAction, formatGuard } from './format_label.ts';

/** The kinds of state node a diagram draws differently. */
export type StateKind = 'atomic' | 'compound' | 'parallel' | 'final' | 'history';

/** One state node of a machine, with its children in definition order. */
export interface GraphState {
  /** Keys from the root joined with `.` (`''` for the root itself). */
  readonly path: string;
  readonly key: string;
  readonly kind: StateKind;
  readonly description: string | null;
  /** `meta.unverified` of the state, when kernel-semantics.md marks it UNVERIFIED. */
  readonly unverified: string | null;
  /** Path of the initial child (compound states only). */
  readonly initial: string | null;
  readonly entry: readonly string[];
  readonly exit: readonly string[];
  readonly children: readonly GraphState[];
}

/** One transition: where it is defined, its trigger, guard, targets, actions and kernel meta. */
export interface GraphTransition {
  /** Path of the state node that defines it. */
  readonly source: string;
  /** The event type; `''` for an eventless (`always`) transition. */
  readonly event: string;
  /** Target paths; empty for a targetless (internal) transition. */
  readonly targets: readonly string[];
  /** The guard as `name(param=value, …)`, or null. */
  readonly guard: string | null;
  readonly actions: readonly string[];
  readonly kernel: string | null;
  readonly errno: string | null;
  readonly returns: string | null;
  readonly note: string | null;
  readonly unverified: string | null;
}

/** A machine as data: its state tree and all of its transitions in definition order. */
export interface MachineGraph {
  readonly id: string;
  readonly description: string | null;
  readonly root: GraphState;
  readonly transitions: readonly GraphTransition[];
}

interface TransitionLike {
  readonly eventType: string | null;
  readonly target?: readonly AnyStateNode[] | undefined;
  readonly guard?: unknown;
  readonly actions: readonly unknown[];
  readonly meta?: unknown;
}

const pathOf = (node: AnyStateNode): string => node.path.join('.');

function metaText(meta: unknown, field: string): string | null {
  if (typeof meta !== 'object' || meta === null) return null;
  const value = (meta as Record<string, unknown>)[field];
  return value === undefined || value === null ? null : String(value);
}

function stateOf(node: AnyStateNode): GraphState {
  const children = Object.values(node.states as Record<string, AnyStateNode>).map(stateOf);
  const initialTarget = node.type === 'compound' ? node.initial.target[0] : undefined;
  return {
    path: pathOf(node),
    key: node.path.length === 0 ? node.machine.id : node.key,
    kind: node.type,
    description: node.description ?? null,
    unverified: metaText(node.meta, 'unverified'),
    initial: initialTarget ? pathOf(initialTarget) : null,
    entry: node.entry.map(formatAction),
    exit: node.exit.map(formatAction),
    children,
  };
}

function transitionOf(source: AnyStateNode, t: TransitionLike): GraphTransition {
  return {
    source: pathOf(source),
    event: t.eventType ?? '',
    targets: (t.target ?? []).map(pathOf),
    guard: t.guard === undefined ? null : formatGuard(t.guard),
    actions: t.actions.map(formatAction),
    kernel: metaText(t.meta, 'kernel'),
    errno: metaText(t.meta, 'errno'),
    returns: metaText(t.meta, 'returns'),
    note: metaText(t.meta, 'note'),
    unverified: metaText(t.meta, 'unverified'),
  };
}

function collectTransitions(node: AnyStateNode, out: GraphTransition[]): void {
  for (const list of node.transitions.values()) {
    for (const t of list as readonly TransitionLike[]) out.push(transitionOf(node, t));
  }
  for (const t of (node.always ?? []) as readonly TransitionLike[]) out.push(transitionOf(node, t));
  for (const child of Object.values(node.states as Record<string, AnyStateNode>))
    collectTransitions(child, out);
}

/**
 * Reads a machine's state tree and transitions (the data `machine.toJSON()` gives, plus the eventless
 * transitions it leaves out) in definition order, with guards, actions and the `meta` every spec
 * transition carries. Deterministic: the same machine always gives the same graph.
 */
export function machineGraph(machine: AnyStateMachine): MachineGraph {
  const transitions: GraphTransition[] = [];
  collectTransitions(machine.root, transitions);
  return {
    id: machine.id,
    description: machine.root.description ?? null,
    root: stateOf(machine.root),
    transitions,
  };
}

/** Every state of the graph, parents before children, in definition order (the root first). */
export function graphStates(graph: MachineGraph): GraphState[] {
  const out: GraphState[] = [];
  const walk = (s: GraphState): void => {
    out.push(s);
    for (const c of s.children) walk(c);
  };
  walk(graph.root);
  return out;
}

/**
 * The identity of a transition for comparing two profiles: where it is defined, its trigger, guard,
 * targets, actions and outcome (errno or return value). The kernel function name and notes are left
 * out, so a renamed kernel function alone is not a behavioural difference.
 */
export function transitionKey(t: GraphTransition): string {
  const outcome = t.errno ? `!${t.errno}` : t.returns ? `=${t.returns}` : '';
  const actions = t.actions.length ? ` {${t.actions.join(', ')}}` : '';
  return `${t.source || '(root)'} --${t.event || '(always)'}${t.guard ? ` [${t.guard}]` : ''}--> ${t.targets.join(', ') || '(internal)'}${outcome ? ` ${outcome}` : ''}${actions}`;
}

/** Whether `path` is `ancestor` or lies inside it. */
export function isWithin(path: string, ancestor: string): boolean {
  return ancestor === '' || path === ancestor || path.startsWith(`${ancestor}.`);
}
