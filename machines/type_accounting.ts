import { assign, setup } from 'xstate';
import type { ErrnoName } from './errno.ts';
import type { StateMeta, TransitionMeta } from './meta.ts';
import type { KernelProfile } from './profile.ts';

/** The sample vendor drivers whose instance accounting is modelled (kernel-semantics.md §4). */
export type SampleVendor = 'mtty' | 'mdpy' | 'mbochs';

/** Every sample vendor, in a stable order. */
export const SAMPLE_VENDORS: readonly SampleVendor[] = ['mtty', 'mdpy', 'mbochs'];

/** One mdev type of a sample parent: its sysfs directory name and what one instance takes from the pool. */
export interface SampleType {
  /** `mdev_supported_types/<name>`. */
  readonly name: string;
  /** Pool units one instance takes (ports, instances or MB). */
  readonly cost: number;
}

/** A sample parent: the unit and default size of its pool, and its types. */
export interface SampleParent {
  /** What the pool counts. */
  readonly unit: 'ports' | 'instances' | 'MB';
  /** The pool's default size (`MAX_MTTYS`, mdpy's `count`/`max_devices`, mbochs' `count` in MB). */
  readonly capacity: number;
  readonly types: readonly SampleType[];
}

/** The sample parents' pools and types (§4.1–§4.4; mdpy's 4.10-era `max_devices` is taken as 4, like 6.1's `count`). */
export const SAMPLE_PARENTS: Readonly<Record<SampleVendor, SampleParent>> = {
  mtty: {
    unit: 'ports',
    capacity: 24,
    types: [
      { name: 'mtty-1', cost: 1 },
      { name: 'mtty-2', cost: 2 },
    ],
  },
  mdpy: {
    unit: 'instances',
    capacity: 4,
    types: [
      { name: 'mdpy-vga', cost: 1 },
      { name: 'mdpy-xga', cost: 1 },
      { name: 'mdpy-hd', cost: 1 },
    ],
  },
  mbochs: {
    unit: 'MB',
    capacity: 256,
    types: [
      { name: 'mbochs-small', cost: 4 },
      { name: 'mbochs-medium', cost: 16 },
      { name: 'mbochs-large', cost: 64 },
    ],
  },
};

/**
 * How a profile's sample driver counts instances (§2.7 "No instances left", §4):
 * - `vendorPool`: 6.1 mtty/mbochs, `get_available` over a shared pool, reserved atomically at probe; ENOSPC.
 * - `coreCounter`: 6.1 mdpy, `max_instances` counted by the core per parent across all types; EUSERS.
 * - `unbounded`: 4.10 mtty, never checks (available_instances may go negative, printed with %d).
 * - `checkThenAct`: 4.10-era mdpy/mbochs, an unlocked check then increment; ENOMEM when full.
 */
export type AccountingStyle = 'vendorPool' | 'coreCounter' | 'unbounded' | 'checkThenAct';

/** The accounting style of `vendor` under `profile`. */
export function accountingStyle(profile: KernelProfile, vendor: SampleVendor): AccountingStyle {
  if (profile === 'v4.10') return vendor === 'mtty' ? 'unbounded' : 'checkThenAct';
  return vendor === 'mdpy' ? 'coreCounter' : 'vendorPool';
}

/** The pool of one parent: its size, the units in use, and the live instances per type. */
export interface TypeAccountingContext {
  readonly capacity: number;
  readonly used: number;
  readonly instances: Readonly<Record<string, number>>;
}

/** CREATE: an instance of `mdevType` is being created; RELEASE: one is given back. */
export type TypeAccountingEvent =
  | { readonly type: 'CREATE'; readonly mdevType: string }
  | { readonly type: 'RELEASE'; readonly mdevType: string };

/**
 * `available_instances` of a type with `cost`: `(capacity − used) / cost` with C's truncating division
 * (mtty's `%d` at 4.10 can print a negative value; every other style stays ≥ 0).
 */
export function availableInstances(context: TypeAccountingContext, cost: number): number {
  return Math.trunc((context.capacity - context.used) / cost);
}

const typeAccountingSetup = setup({
  types: {
    context: {} as TypeAccountingContext,
    events: {} as TypeAccountingEvent,
    input: {} as { readonly capacity?: number } | undefined,
    meta: {} as StateMeta,
    transitionMeta: {} as TransitionMeta,
  },
  guards: {
    /** The event is about `mdevType`. */
    isType: ({ event }, params: { readonly mdevType: string }) => event.mdevType === params.mdevType,
    /** The event is about `mdevType` and one more instance (`cost` units) fits in the pool. */
    hasRoom: ({ context, event }, params: { readonly mdevType: string; readonly cost: number }) =>
      event.mdevType === params.mdevType && context.used + params.cost <= context.capacity,
    /** The event is about `mdevType` and an instance of it is live. */
    hasInstance: ({ context, event }, params: { readonly mdevType: string }) =>
      event.mdevType === params.mdevType && (context.instances[params.mdevType] ?? 0) > 0,
    /** `available_instances` of a type with `cost` is positive. */
    availablePositive: ({ context }, params: { readonly cost: number }) =>
      availableInstances(context, params.cost) > 0,
    /** `available_instances` of a type with `cost` is 0. */
    availableZero: ({ context }, params: { readonly cost: number }) =>
      availableInstances(context, params.cost) === 0,
    /** `available_instances` of a type with `cost` is negative (4.10 mtty only). */
    availableNegative: ({ context }, params: { readonly cost: number }) =>
      availableInstances(context, params.cost) < 0,
  },
  actions: {
    /** One instance of `mdevType` takes `cost` units of the pool. */
    reserve: assign(({ context }, params: { readonly mdevType: string; readonly cost: number }) => ({
      used: context.used + params.cost,
      instances: { ...context.instances, [params.mdevType]: (context.instances[params.mdevType] ?? 0) + 1 },
    })),
    /** One instance of `mdevType` gives its `cost` units back. */
    giveBack: assign(({ context }, params: { readonly mdevType: string; readonly cost: number }) => ({
      used: context.used - params.cost,
      instances: { ...context.instances, [params.mdevType]: (context.instances[params.mdevType] ?? 0) - 1 },
    })),
  },
});

/** A CREATE transition of one type: accepted when it fits (or always, 4.10 mtty), or refused. */
type CreateTransition =
  | {
      readonly guard: {
        readonly type: 'hasRoom';
        readonly params: { readonly mdevType: string; readonly cost: number };
      };
      readonly actions: {
        readonly type: 'reserve';
        readonly params: { readonly mdevType: string; readonly cost: number };
      };
      readonly meta: TransitionMeta;
    }
  | {
      readonly guard: { readonly type: 'isType'; readonly params: { readonly mdevType: string } };
      readonly actions?: {
        readonly type: 'reserve';
        readonly params: { readonly mdevType: string; readonly cost: number };
      };
      readonly meta: TransitionMeta;
    };

/** The kernel functions behind one style's create, refusal and give-back, and the refusal errno. */
interface StyleKernel {
  readonly create: string;
  readonly release: string;
  readonly refusal: ErrnoName | null;
  readonly note: string;
  /** What kernel-semantics.md does not verify about this style, if anything. */
  readonly unverified?: string;
}

function styleKernel(style: AccountingStyle, vendor: SampleVendor): StyleKernel {
  switch (style) {
    case 'vendorPool':
      return {
        create: `${vendor}_init_dev`,
        release: `${vendor}_release_dev`,
        refusal: 'ENOSPC',
        note: '§4.2/§4.4: atomic_try_cmpxchg reservation in the vfio_device init run by probe; given back at vfio release, after the last fd closed',
      };
    case 'coreCounter':
      return {
        create: 'mdev_device_create',
        release: 'mdev_device_release',
        refusal: 'EUSERS',
        note: '§2.4 step 3: parent->available_instances under mdev_list_lock, shared by all types; given back at the final put_device',
      };
    case 'unbounded':
      return {
        create: 'mtty_create',
        release: 'mtty_remove',
        refusal: null,
        note: '§4.1, C-11: mtty_create never checks the ports; given back by mtty_remove (before the fds close)',
      };
    case 'checkThenAct':
      return {
        create: `${vendor}_create`,
        release: `${vendor}_remove`,
        refusal: 'ENOMEM',
        note: '§4.3/§4.4, C-12: an unlocked check-then-increment (concurrent creates can overshoot); ENOMEM when full',
        unverified:
          'mdpy and mbochs postdate 4.10 (added ≈4.16/4.17, §2.1): their first upstream accounting stands for the 4.10 profile',
      };
  }
}

/**
 * Type discovery and instance accounting of one sample parent (kernel-semantics.md §2.4, §2.7, §4, §6.2,
 * C-11, C-12): one region per type shows whether its `available_instances` is positive, zero or (4.10
 * mtty) negative; CREATE and RELEASE move the shared pool. Styles per profile and vendor: see
 * {@link accountingStyle}. `input.capacity` overrides the default pool (mdpy/mbochs `count` parameter).
 */
export function createTypeAccountingMachine({
  profile,
  vendor,
}: {
  readonly profile: KernelProfile;
  readonly vendor: SampleVendor;
}) {
  const parent = SAMPLE_PARENTS[vendor];
  const style = accountingStyle(profile, vendor);
  const kernel = styleKernel(style, vendor);
  const shared = style === 'coreCounter' ? ' (the core counter is shared by all types)' : '';
  const maxCost = Math.max(...parent.types.map((t) => t.cost));
  const regions = Object.fromEntries(
    parent.types.map((t) => [
      t.name,
      typeAccountingSetup.createStateConfig({
        description: `${t.name}: one instance takes ${t.cost} ${parent.unit}${shared}.`,
        initial: 'available',
        states: {
          available: {
            description: `available_instances of ${t.name} > 0: a create of it is accepted.`,
            always: [
              {
                guard: { type: 'availableZero', params: { cost: t.cost } },
                target: 'exhausted',
                meta: { kernel: 'available_instances_show' },
              },
              ...(style === 'unbounded' && maxCost >= 2 * t.cost
                ? [
                    {
                      guard: { type: 'availableNegative' as const, params: { cost: t.cost } },
                      target: 'negative' as const,
                      meta: {
                        kernel: 'available_instances_show',
                        note: 'one create of a dearer type jumps past 0',
                      },
                    },
                  ]
                : []),
            ],
          },
          exhausted: {
            description:
              style === 'unbounded'
                ? `available_instances of ${t.name} reads 0, yet mtty_create still accepts (C-11).`
                : `available_instances of ${t.name} reads 0: a create of it is refused with ${kernel.refusal}.`,
            always: [
              {
                guard: { type: 'availablePositive', params: { cost: t.cost } },
                target: 'available',
                meta: { kernel: 'available_instances_show' },
              },
              ...(style === 'unbounded'
                ? [
                    {
                      guard: { type: 'availableNegative' as const, params: { cost: t.cost } },
                      target: 'negative' as const,
                      meta: { kernel: 'available_instances_show' },
                    },
                  ]
                : []),
            ],
          },
          ...(style === 'unbounded'
            ? {
                negative: {
                  description: `available_instances of ${t.name} is negative, printed with %d (4.10 mtty, C-11).`,
                  always: [
                    ...(maxCost >= 2 * t.cost
                      ? [
                          {
                            guard: { type: 'availablePositive' as const, params: { cost: t.cost } },
                            target: 'available' as const,
                            meta: {
                              kernel: 'available_instances_show',
                              note: 'one release of a dearer type jumps past 0',
                            },
                          },
                        ]
                      : []),
                    {
                      guard: { type: 'availableZero' as const, params: { cost: t.cost } },
                      target: 'exhausted' as const,
                      meta: { kernel: 'available_instances_show' },
                    },
                  ],
                },
              }
            : {}),
        },
      }),
    ]),
  );
  const unverified = kernel.unverified === undefined ? {} : { unverified: kernel.unverified };
  const create = parent.types.flatMap((t): CreateTransition[] => {
    const params = { mdevType: t.name, cost: t.cost };
    if (kernel.refusal === null) {
      return [
        {
          guard: { type: 'isType', params: { mdevType: t.name } },
          actions: { type: 'reserve', params },
          meta: { kernel: kernel.create, returns: '0', note: kernel.note },
        },
      ];
    }
    return [
      {
        guard: { type: 'hasRoom', params },
        actions: { type: 'reserve', params },
        meta: { kernel: kernel.create, returns: '0', ...unverified },
      },
      {
        guard: { type: 'isType', params: { mdevType: t.name } },
        meta: { kernel: kernel.create, errno: kernel.refusal, note: kernel.note, ...unverified },
      },
    ];
  });
  const release = parent.types.map((t) => ({
    guard: { type: 'hasInstance' as const, params: { mdevType: t.name } },
    actions: { type: 'giveBack' as const, params: { mdevType: t.name, cost: t.cost } },
    meta: { kernel: kernel.release },
  }));
  return typeAccountingSetup.createMachine({
    id: `typeAccounting_${vendor}`,
    description: `${vendor} on ${profile}: ${style} accounting over ${parent.capacity} ${parent.unit}. ${kernel.note}.`,
    type: 'parallel',
    context: ({ input }) => ({
      capacity: input?.capacity ?? parent.capacity,
      used: 0,
      instances: Object.fromEntries(parent.types.map((t) => [t.name, 0])),
    }),
    states: regions,
    on: { CREATE: create, RELEASE: release },
  });
}
