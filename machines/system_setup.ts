import { and, assign, type GuardPredicate, not, or, setup } from 'xstate';
import type { StateMeta } from './meta.ts';
import type { SystemTransitionMeta } from './system_meta.ts';

/**
 * What the system machine counts besides its state value, per parent driver: pool units held by its
 * devices, device fds open on them (each held by the slot's holder process) and removes sleeping on
 * them. Guards need these sums; the slot regions determine them.
 */
export interface SystemContext {
  readonly used: Readonly<Record<string, number>>;
  readonly fds: Readonly<Record<string, number>>;
  readonly removing: Readonly<Record<string, number>>;
}

/**
 * The user operations of the composition, one event per operation, each naming what it acts on: a
 * module (`insmod`/`rmmod`) or a device slot (a write of the slot's UUID to its type's `create`, a write
 * of `1` to its `remove`, its holder process opening it with the full VFIO protocol, the holder's exit).
 */
export type SystemEvent =
  | { readonly type: 'LOAD'; readonly module: string }
  | { readonly type: 'UNLOAD'; readonly module: string }
  | { readonly type: 'CREATE'; readonly slot: number }
  | { readonly type: 'REMOVE'; readonly slot: number }
  | { readonly type: 'OPEN'; readonly slot: number }
  | { readonly type: 'CLOSE'; readonly slot: number };

/** The local states of a device slot (the state of its region). */
export const SLOT_STATES = ['absent', 'idle', 'attached', 'removing'] as const;

/** A device slot's local state. */
export type SlotState = (typeof SLOT_STATES)[number];

/** A guard of the system machine: a named guard, a parameterized one, or a combination of them. */
export type SystemGuard =
  | string
  | { readonly type: string; readonly params?: unknown }
  | GuardPredicate<SystemContext, SystemEvent, unknown, never>;

/** All of `guards` hold (XState's `and`). */
export function allOf(
  ...guards: readonly SystemGuard[]
): GuardPredicate<SystemContext, SystemEvent, unknown, never> {
  return and(guards as never) as never;
}

/** One of `guards` holds (XState's `or`). */
export function anyOf(
  ...guards: readonly SystemGuard[]
): GuardPredicate<SystemContext, SystemEvent, unknown, never> {
  return or(guards as never) as never;
}

/** `guard` does not hold (XState's `not`). */
export function negate(guard: SystemGuard): GuardPredicate<SystemContext, SystemEvent, unknown, never> {
  return not(guard as never) as never;
}

/** The system machine's types and its named guards and actions (pure context updates). */
export const systemSetup = setup({
  types: {
    context: {} as SystemContext,
    events: {} as SystemEvent,
    meta: {} as StateMeta,
    transitionMeta: {} as SystemTransitionMeta,
  },
  guards: {
    /** The event acts on device slot `slot`. */
    isSlot: ({ event }, params: { readonly slot: number }) => 'slot' in event && event.slot === params.slot,
    /** The event loads or unloads `module`. */
    isModule: ({ event }, params: { readonly module: string }) =>
      'module' in event && event.module === params.module,
    /** One more instance costing `cost` fits in the `pool` of `parent`. */
    fits: ({ context }, params: { readonly parent: string; readonly cost: number; readonly pool: number }) =>
      (context.used[params.parent] ?? 0) + params.cost <= params.pool,
    /** A device fd is open on a device of one of `parents` (it holds a reference on the module). */
    pinned: ({ context }, params: { readonly parents: readonly string[] }) =>
      params.parents.some((p) => (context.fds[p] ?? 0) > 0),
    /** 4.10: a remove of a device of `parent` sleeps holding `parent->lock`. */
    lockHeld: ({ context }, params: { readonly parent: string }) =>
      (context.removing[params.parent] ?? 0) > 0,
  },
  actions: {
    /** A device of `parent` takes `cost` units of its pool. */
    reserve: assign(({ context }, params: { readonly parent: string; readonly cost: number }) => ({
      used: { ...context.used, [params.parent]: (context.used[params.parent] ?? 0) + params.cost },
    })),
    /** A device of `parent` gives its `cost` units back. */
    giveBack: assign(({ context }, params: { readonly parent: string; readonly cost: number }) => ({
      used: { ...context.used, [params.parent]: (context.used[params.parent] ?? 0) - params.cost },
    })),
    /** The slot's holder got a device fd on a device of `parent`. */
    openFd: assign(({ context }, params: { readonly parent: string }) => ({
      fds: { ...context.fds, [params.parent]: (context.fds[params.parent] ?? 0) + 1 },
    })),
    /** The slot's holder closed its device fd on a device of `parent`. */
    closeFd: assign(({ context }, params: { readonly parent: string }) => ({
      fds: { ...context.fds, [params.parent]: (context.fds[params.parent] ?? 0) - 1 },
    })),
    /** A remove of a device of `parent` went to sleep. */
    sleepRemove: assign(({ context }, params: { readonly parent: string }) => ({
      removing: { ...context.removing, [params.parent]: (context.removing[params.parent] ?? 0) + 1 },
    })),
    /** A sleeping remove of a device of `parent` returned. */
    wakeRemove: assign(({ context }, params: { readonly parent: string }) => ({
      removing: { ...context.removing, [params.parent]: (context.removing[params.parent] ?? 0) - 1 },
    })),
  },
});

/** The name of the guard "module `m` is loaded" (a `stateIn` of the module's region). */
export function loadedGuard(module: string): string {
  return `${module.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase())}Loaded`;
}
