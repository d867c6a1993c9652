import type { GraphTransition } from '../spec_tools/machine_graph.ts';

/** The three parts of a transition's label: trigger and guard, then the outcome. */
export interface TransitionLabel {
  /** `event [guard]`, `[guard]` for an eventless transition, or `(always)`. */
  readonly trigger: string;
  /** `/ ERRNO` for a refusal, `/ = value` for a return value worth showing, or `''`. */
  readonly outcome: string;
  /** Whether the outcome is an errno. */
  readonly refusal: boolean;
}

/**
 * A transition's label in the diagrams' notation: `event [guard] / ERRNO` for refusals (e.g.
 * `mdev.remove.refused [refusedWith(errno=EAGAIN)] / EAGAIN`), `event [guard] / = value` when the call's
 * return value is part of the spec, `event [guard]` otherwise. Eventless transitions show only `[guard]`
 * (or `(always)`); behaviour kernel-semantics.md marks UNVERIFIED is marked `(UNVERIFIED)`.
 */
export function transitionLabel(t: GraphTransition): TransitionLabel {
  const guard = t.guard ? `[${t.guard}]` : '';
  const unverified = t.unverified ? '(UNVERIFIED)' : '';
  const trigger = [t.event || (guard ? '' : '(always)'), guard, unverified].filter(Boolean).join(' ');
  if (t.errno) return { trigger, outcome: `/ ${t.errno}`, refusal: true };
  return { trigger, outcome: t.returns ? `/ = ${t.returns}` : '', refusal: false };
}

/** A label on one line: `trigger outcome`. */
export function labelText({ trigger, outcome }: TransitionLabel): string {
  return outcome ? `${trigger} ${outcome}` : trigger;
}

/** A transition's label on one line. */
export function transitionLabelText(t: GraphTransition): string {
  return labelText(transitionLabel(t));
}
