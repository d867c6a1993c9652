import { and, assign, not, setup } from 'xstate';
import type { MachineEntry } from '../../src/spec_tools/registry.ts';

const slotsSetup = setup({
  types: {
    context: {} as { readonly held: number },
    events: {} as
      | { readonly type: 'GRAB'; readonly slot: number }
      | { readonly type: 'DROP'; readonly slot: number }
      | { readonly type: 'RESET' }
      | { readonly type: 'STOP' },
    input: {} as { readonly held: number } | undefined,
  },
  guards: {
    isSlot: ({ event }, params: { readonly slot: number }) => 'slot' in event && event.slot === params.slot,
    full: ({ context }, params: { readonly limit: number }) => context.held >= params.limit,
  },
  actions: {
    take: assign(({ context }) => ({ held: context.held + 1 })),
    give: assign(({ context }) => ({ held: context.held - 1 })),
    log: () => undefined,
  },
});

/**
 * A machine shaped like the compositions a registry may grow (many parallel slot regions built by a
 * factory, context from input, guard combinators, root-level refusals, a cross-region edge, history and
 * final states, entry actions): the renderers must draw any such machine, not only today's.
 */
function createSlotsMachine(slots: number, withHistory: boolean) {
  const region = (i: number) =>
    slotsSetup.createStateConfig({
      description: `Slot ${i}.`,
      initial: 'free',
      states: {
        free: {
          description: 'Free.',
          on: {
            GRAB: [
              {
                guard: and([
                  { type: 'isSlot', params: { slot: i } },
                  not({ type: 'full', params: { limit: 2 } }),
                ]),
                target: 'held',
                actions: 'take',
                meta: { kernel: 'grab', returns: '0' },
              },
              { guard: { type: 'isSlot', params: { slot: i } }, meta: { kernel: 'grab', errno: 'EBUSY' } },
            ],
          },
        },
        held: {
          description: 'Held: "quoted", <angled> & 100% sure; with colons: and semicolons;',
          entry: 'log',
          initial: 'fresh',
          states: {
            fresh: { description: 'Fresh.', on: { DROP: { target: 'stale', meta: { kernel: 'age' } } } },
            stale: { description: 'Stale.' },
            ...(withHistory ? { hist: { type: 'history' as const, description: 'History.' } } : {}),
          },
          on: {
            DROP: {
              guard: { type: 'isSlot', params: { slot: i } },
              target: `#slots.slot${(i + 1) % slots}.free`,
              actions: 'give',
              meta: { kernel: 'drop', note: 'a cross-region edge' },
            },
          },
        },
      },
    });
  return slotsSetup.createMachine({
    id: 'slots',
    description: 'Slots.',
    type: 'parallel',
    context: ({ input }) => ({ held: input?.held ?? 0 }),
    states: {
      ...Object.fromEntries(Array.from({ length: slots }, (_, i) => [`slot${i}`, region(i)])),
      power: {
        description: 'Power.',
        initial: 'on',
        states: {
          on: { description: 'On.', on: { STOP: { target: 'off', meta: { kernel: 'stop' } } } },
          off: { description: 'Off.', type: 'final' },
        },
      },
    },
    on: {
      RESET: { meta: { kernel: 'reset', errno: 'EPERM' } },
      STOP: { target: '.power.off', reenter: true, meta: { kernel: 'stop', returns: '0' } },
    },
  });
}

/** The slot machine as a registry entry: eight slots on v4.10, five (and a history state) on v6.1. */
export const SLOTS_ENTRY: MachineEntry = {
  id: 'slots',
  title: 'Slots <fixture> & "friends"',
  description: 'A fixture: many parallel regions, context, combinators.',
  create: (profile) => (profile === 'v4.10' ? createSlotsMachine(8, false) : createSlotsMachine(5, true)),
};
