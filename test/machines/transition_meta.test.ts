import { describe, expect, it } from 'vitest';
import type { AnyStateMachine, AnyStateNode, AnyTransitionDefinition } from 'xstate';
import { KERNEL_PROFILES } from '../../machines/profile.ts';
import { formatGuard } from '../../src/spec_tools/format_label.ts';
import { MACHINE_REGISTRY } from '../../src/spec_tools/registry.ts';

/**
 * Events that report a vendor callback the kernel ran: a machine accepts them without a change and
 * without an answer of its own (the callback's result is the answer of the call that ran it).
 */
const OBSERVATION = /^vendor\.(enter|exit)$/;

/** One transition with where it is defined and a readable name. */
interface Edge {
  readonly node: AnyStateNode;
  readonly t: AnyTransitionDefinition;
  readonly name: string;
  readonly meta: Readonly<Record<string, unknown>>;
}

function statesOf(machine: AnyStateMachine): AnyStateNode[] {
  const out: AnyStateNode[] = [];
  const walk = (node: AnyStateNode): void => {
    out.push(node);
    for (const child of Object.values(node.states as Record<string, AnyStateNode>)) walk(child);
  };
  walk(machine.root);
  return out;
}

function edgesOf(machine: AnyStateMachine): Edge[] {
  return statesOf(machine).flatMap((node) =>
    [...[...node.transitions.values()].flat(), ...(node.always ?? [])].map((t) => ({
      node,
      t,
      name: `${node.id} --${t.eventType || '(always)'}${t.guard === undefined ? '' : ` [${formatGuard(t.guard)}]`}--> ${t.target?.map((n) => n.id).join(', ') || '(internal)'}`,
      meta: (t.meta ?? {}) as Readonly<Record<string, unknown>>,
    })),
  );
}

/** A transition that leaves state and context as they are: it answers a call and changes nothing. */
const changesNothing = (e: Edge): boolean => !e.t.target?.length && e.t.actions.length === 0;

describe('every registry machine, at every profile, documents its kernel behaviour', () => {
  for (const entry of MACHINE_REGISTRY) {
    for (const profile of KERNEL_PROFILES) {
      const machine = entry.create(profile);
      const edges = edgesOf(machine);

      it(`${entry.id} ${profile}: every state has a description`, () => {
        expect(
          statesOf(machine)
            .filter((s) => !s.description?.trim())
            .map((s) => s.id),
        ).toEqual([]);
      });

      it(`${entry.id} ${profile}: every transition names the kernel function, ioctl or syscall it models`, () => {
        expect(edges.length).toBeGreaterThan(0);
        expect(
          edges.filter((e) => typeof e.meta.kernel !== 'string' || !e.meta.kernel.trim()).map((e) => e.name),
        ).toEqual([]);
      });

      it(`${entry.id} ${profile}: every refusal carries its errno, and every errno is a symbolic E-name`, () => {
        // A transition that changes nothing refuses the call (errno) or answers a query (returns).
        const unanswered = edges.filter(
          (e) => changesNothing(e) && !OBSERVATION.test(e.t.eventType) && !e.meta.errno && !e.meta.returns,
        );
        expect(unanswered.map((e) => e.name)).toEqual([]);
        // A guard that selects a refusal by its errno belongs to a transition with that errno.
        const mismatched = edges.filter((e) => {
          const named = /\berrno=(E[A-Z0-9]+)\b/.exec(
            e.t.guard === undefined ? '' : formatGuard(e.t.guard),
          )?.[1];
          return named !== undefined && e.meta.errno !== named;
        });
        expect(mismatched.map((e) => `${e.name} has errno ${String(e.meta.errno)}`)).toEqual([]);
        const malformed = edges.filter(
          (e) => e.meta.errno !== undefined && !/^E[A-Z0-9]+$/.test(String(e.meta.errno)),
        );
        expect(malformed.map((e) => `${e.name}: ${String(e.meta.errno)}`)).toEqual([]);
        expect(edges.filter((e) => e.meta.errno && e.meta.returns).map((e) => e.name)).toEqual([]);
      });

      it(`${entry.id} ${profile}: no timers and no invoked actors (the machines are pure)`, () => {
        const impure = statesOf(machine).filter((s) => s.invoke.length > 0 || s.after.length > 0);
        expect(impure.map((s) => s.id)).toEqual([]);
      });
    }
  }
});
