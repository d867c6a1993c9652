import { graphStates, type MachineGraph, transitionKey } from './machine_graph.ts';

/** What one profile's machine has that the other's lacks: state paths and transition keys. */
export interface ProfileOnly {
  readonly states: ReadonlySet<string>;
  readonly transitions: ReadonlySet<string>;
}

/** The two-way difference of two profiles' machines. */
export interface ProfileDiff {
  readonly onlyInFirst: ProfileOnly;
  readonly onlyInSecond: ProfileOnly;
}

const stateKey = (path: string, kind: string): string => `${path || '(root)'} (${kind})`;

function onlyIn(a: MachineGraph, b: MachineGraph): ProfileOnly {
  const bStates = new Set(graphStates(b).map((s) => stateKey(s.path, s.kind)));
  const bTransitions = new Set(b.transitions.map(transitionKey));
  return {
    states: new Set(
      graphStates(a)
        .filter((s) => !bStates.has(stateKey(s.path, s.kind)))
        .map((s) => s.path),
    ),
    transitions: new Set(a.transitions.map(transitionKey).filter((k) => !bTransitions.has(k))),
  };
}

/**
 * Diffs two machines (two profiles of one spec machine) by their graphs: a state differs when its path
 * or kind does, a transition when its {@link transitionKey} does (source, trigger, guard, targets,
 * actions, errno/return value). Diagrams colour what is only in one profile.
 */
export function diffProfiles(first: MachineGraph, second: MachineGraph): ProfileDiff {
  return { onlyInFirst: onlyIn(first, second), onlyInSecond: onlyIn(second, first) };
}

/** Lists a diff as sorted lines (`- v4.10 state: …`, `+ v6.1 transition: …`): the text tests compare. */
export function describeDiff(diff: ProfileDiff, first: string, second: string): string[] {
  const lines = (only: ProfileOnly, sign: string, profile: string): string[] => [
    ...[...only.states].sort().map((s) => `${sign} ${profile} state: ${s || '(root)'}`),
    ...[...only.transitions].sort().map((t) => `${sign} ${profile} transition: ${t}`),
  ];
  return [...lines(diff.onlyInFirst, '-', first), ...lines(diff.onlyInSecond, '+', second)];
}
