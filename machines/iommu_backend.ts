import { assign, setup } from 'xstate';
import { IOMMU_ARCH_SYMBOLS, type IommuArch } from './iommu_arch.ts';
import type { StateMeta, TransitionMeta } from './meta.ts';
import type { KernelProfile } from './profile.ts';

/** A Kconfig tristate value. */
export type Tristate = 'y' | 'm' | 'n';

/** The VFIO IOMMU backends. */
export type IommuBackendName = 'type1' | 'spaprTce' | 'noiommu';

/** Which backends the configuration builds: type1 and sPAPR TCE as y/m/n, noiommu compiled into VFIO or not. */
export interface IommuBackends {
  readonly type1: Tristate;
  readonly spaprTce: Tristate;
  readonly noiommu: boolean;
}

/** The kind of group attached to the container: an mdev's emulated group or a noiommu group. */
export type ContainerGroupKind = 'emulated' | 'noiommu';

/** The configuration to evaluate: the arch preset and the VFIO options of the `.config`. */
export interface IommuBackendInput {
  readonly arch: IommuArch;
  /** CONFIG_VFIO (default m, like Debian). */
  readonly vfio?: Tristate;
  /** CONFIG_VFIO_NOIOMMU requested (default n). */
  readonly noiommu?: boolean;
  /** `vfio.enable_unsafe_noiommu_mode` at boot (default 0). */
  readonly unsafeNoiommuMode?: boolean;
}

/** The evaluated configuration and one container's groups and IOMMU. */
export interface IommuBackendContext {
  /** The arch preset's `y` symbols. */
  readonly symbols: readonly string[];
  /** The `.config` requests for VFIO and VFIO_NOIOMMU. */
  readonly request: { readonly vfio: Tristate; readonly noiommu: boolean };
  /** CONFIG_VFIO as evaluated. */
  readonly vfio: Tristate;
  readonly backends: IommuBackends;
  /** `vfio.enable_unsafe_noiommu_mode` (writable at runtime, 0644). */
  readonly unsafeNoiommuMode: boolean;
  /** Groups attached to the container. */
  readonly groups: number;
  /** The kind of the attached groups (a container holds one kind). */
  readonly groupKind: ContainerGroupKind | null;
}

/** Container ioctls (and the noiommu module parameter) on one `/dev/vfio/vfio` fd. */
export type IommuBackendEvent =
  | { readonly type: 'CHECK_EXTENSION'; readonly extension: number }
  | { readonly type: 'SET_IOMMU'; readonly iommuType: number; readonly capSysRawio: boolean }
  | { readonly type: 'ATTACH_GROUP'; readonly kind: ContainerGroupKind }
  | { readonly type: 'DETACH_GROUP' }
  | { readonly type: 'SET_NOIOMMU_MODE'; readonly enabled: boolean };

/** VFIO_CHECK_EXTENSION / SET_IOMMU argument values (include/uapi/linux/vfio.h, §3.1). */
export const VFIO_EXTENSION = {
  TYPE1: 1,
  SPAPR_TCE: 2,
  TYPE1v2: 3,
  TYPE1_NESTING: 6,
  SPAPR_TCE_v2: 7,
  NOIOMMU: 8,
  UNMAP_ALL: 9,
  UPDATE_VADDR: 10,
} as const;

/** A Kconfig condition on the arch's symbols: all of `allOf` and (when not empty) one of `anyOf`. */
interface ArchCondition {
  readonly allOf: readonly string[];
  readonly anyOf: readonly string[];
}

/** Whether `backend` may serve a container holding groups of `kind` (`vfio_iommu_driver_allowed`). */
function allowed(backend: IommuBackendName, kind: ContainerGroupKind | null): boolean {
  return kind === null || (kind === 'noiommu') === (backend === 'noiommu');
}

/** Whether `backend` is built (y or m; modules are assumed loaded). */
function built(context: IommuBackendContext, backend: IommuBackendName): boolean {
  return backend === 'noiommu' ? context.backends.noiommu : context.backends[backend] !== 'n';
}

const iommuBackendSetup = setup({
  types: {
    context: {} as IommuBackendContext,
    events: {} as IommuBackendEvent,
    input: {} as IommuBackendInput,
    meta: {} as StateMeta,
    transitionMeta: {} as TransitionMeta,
  },
  guards: {
    /** CONFIG_VFIO is requested and its `depends on` symbols are set. */
    vfioBuildable: ({ context }, params: { readonly dependsOn: readonly string[] }) =>
      context.request.vfio !== 'n' && params.dependsOn.every((s) => context.symbols.includes(s)),
    /** The arch satisfies a `select ... if` / `depends on` condition. */
    archSelects: ({ context }, params: ArchCondition) =>
      params.allOf.every((s) => context.symbols.includes(s)) &&
      (params.anyOf.length === 0 || params.anyOf.some((s) => context.symbols.includes(s))),
    /** CONFIG_VFIO_NOIOMMU is requested (it depends only on VFIO). */
    noiommuRequested: ({ context }) => context.request.noiommu,
    /** VFIO_NOIOMMU is built in (the module parameter exists). */
    noiommuBuilt: ({ context }) => context.backends.noiommu,
    /**
     * CHECK_EXTENSION(`extensions`) is answered 1 by `backend`: it is built, knows the extension, (noiommu)
     * the unsafe mode is on, and — where `respectsGroupKind` (6.1) — it is allowed for the attached groups.
     */
    answers: (
      { context, event },
      params: {
        readonly backend: IommuBackendName;
        readonly extensions: readonly number[];
        readonly respectsGroupKind: boolean;
      },
    ) =>
      event.type === 'CHECK_EXTENSION' &&
      params.extensions.includes(event.extension) &&
      built(context, params.backend) &&
      (params.backend !== 'noiommu' || context.unsafeNoiommuMode) &&
      (!params.respectsGroupKind || allowed(params.backend, context.groupKind)),
    /**
     * SET_IOMMU(type) reaches `backend`'s open: built, allowed for the attached groups, answers the type
     * (noiommu: while the unsafe mode is on); `rawio`, when given, must match the caller's CAP_SYS_RAWIO.
     */
    candidate: (
      { context, event },
      params: {
        readonly backend: IommuBackendName;
        readonly extensions: readonly number[];
        readonly rawio?: boolean;
      },
    ) =>
      event.type === 'SET_IOMMU' &&
      params.extensions.includes(event.iommuType) &&
      built(context, params.backend) &&
      allowed(params.backend, context.groupKind) &&
      (params.backend !== 'noiommu' || context.unsafeNoiommuMode) &&
      (params.rawio === undefined || params.rawio === event.capSysRawio),
    /** The group to attach can exist here (noiommu groups need VFIO_NOIOMMU). */
    groupCanExist: ({ context, event }) =>
      event.type === 'ATTACH_GROUP' && (event.kind === 'emulated' || context.backends.noiommu),
    /** The group to attach is of the other kind than the attached ones. */
    mixesGroupKinds: ({ context, event }) =>
      event.type === 'ATTACH_GROUP' && context.groupKind !== null && event.kind !== context.groupKind,
    /** One group is attached: detaching it empties the container. */
    lastGroup: ({ context }) => context.groups === 1,
  },
  actions: {
    /** CONFIG_VFIO takes the requested value. */
    buildVfio: assign(({ context }) => ({ vfio: context.request.vfio })),
    /** A backend is built like VFIO (selected by, or defaulting to, VFIO's y/m). */
    buildBackend: assign(({ context }, params: { readonly backend: 'type1' | 'spaprTce' }) => ({
      backends: { ...context.backends, [params.backend]: context.vfio },
    })),
    /** VFIO_NOIOMMU is compiled into VFIO. */
    buildNoiommu: assign(({ context }) => ({ backends: { ...context.backends, noiommu: true } })),
    /** `enable_unsafe_noiommu_mode` written. */
    setUnsafeNoiommuMode: assign(({ context, event }) => ({
      unsafeNoiommuMode: event.type === 'SET_NOIOMMU_MODE' ? event.enabled : context.unsafeNoiommuMode,
    })),
    /** One more group in the container (the first decides the container's kind). */
    attachGroup: assign(({ context, event }) => ({
      groups: context.groups + 1,
      groupKind: event.type === 'ATTACH_GROUP' ? event.kind : context.groupKind,
    })),
    /** One group fewer. */
    detachGroup: assign(({ context }) => ({ groups: context.groups - 1 })),
    /** The last group left: the container is empty (and has dropped its IOMMU). */
    emptyContainer: assign({ groups: 0, groupKind: null }),
  },
});

/** The Kconfig rules of one kernel (kernel-semantics.md §3.3; v4.10 is the user's seed Kconfig). */
interface KconfigRules {
  readonly vfioDependsOn: readonly string[];
  readonly type1: ArchCondition;
  readonly spaprTce: ArchCondition;
  readonly notes: { readonly vfio: string; readonly type1: string; readonly spaprTce: string };
}

const KCONFIG_RULES: Readonly<Record<KernelProfile, KconfigRules>> = {
  'v4.10': {
    vfioDependsOn: ['IOMMU_API'],
    type1: { allOf: [], anyOf: ['X86', 'S390', 'ARM_SMMU', 'ARM_SMMU_V3'] },
    spaprTce: { allOf: [], anyOf: ['PPC_POWERNV', 'PPC_PSERIES'] },
    notes: {
      vfio: 'seed Kconfig: menuconfig VFIO depends on IOMMU_API',
      type1: 'seed Kconfig: select VFIO_IOMMU_TYPE1 if (X86 || S390 || ARM_SMMU || ARM_SMMU_V3)',
      spaprTce:
        'seed Kconfig: select VFIO_IOMMU_SPAPR_TCE if (PPC_POWERNV || PPC_PSERIES) (§3.3’s reconstruction has default VFIO instead)',
    },
  },
  'v6.1': {
    vfioDependsOn: [],
    type1: { allOf: ['MMU'], anyOf: ['X86', 'S390', 'ARM', 'ARM64'] },
    spaprTce: { allOf: ['SPAPR_TCE_IOMMU'], anyOf: [] },
    notes: {
      vfio: '§3.3: VFIO selects IOMMU_API itself',
      type1: '§3.3: select VFIO_IOMMU_TYPE1 if MMU && (X86 || S390 || ARM || ARM64)',
      spaprTce: '§3.3: VFIO_IOMMU_SPAPR_TCE depends on SPAPR_TCE_IOMMU, default VFIO',
    },
  },
};

/**
 * Kconfig-gated IOMMU backend selection and what one container answers (kernel-semantics.md §3.1–§3.3,
 * §6.5): from an arch preset and the VFIO options to the backends that exist (an eventless Kconfig
 * chain), then VFIO_CHECK_EXTENSION (type1: TYPE1/TYPE1v2/NESTING, and UNMAP_ALL on 6.1; spapr: SPAPR_TCE
 * and v2; noiommu: 1 only while `enable_unsafe_noiommu_mode` is set; UPDATE_VADDR is 0 with mdev groups)
 * and SET_IOMMU for mdev (emulated) and noiommu groups. Modules built as `m` are assumed loaded.
 */
export function createIommuBackendMachine({ profile }: { readonly profile: KernelProfile }) {
  const v61 = profile === 'v6.1';
  const rules = KCONFIG_RULES[profile];
  const type1Extensions = [VFIO_EXTENSION.TYPE1, VFIO_EXTENSION.TYPE1v2, VFIO_EXTENSION.TYPE1_NESTING];
  const type1Answers = v61 ? [...type1Extensions, VFIO_EXTENSION.UNMAP_ALL] : type1Extensions;
  const spaprExtensions = [VFIO_EXTENSION.SPAPR_TCE, VFIO_EXTENSION.SPAPR_TCE_v2];
  const checkNote = v61
    ? '§3.1: no IOMMU set: poll the backends allowed for the attached groups'
    : '§3.1: no IOMMU set: poll every registered backend';
  /** CHECK_EXTENSION without an IOMMU; `respectsGroupKind` once groups are attached (6.1 skips disallowed backends). */
  const checkExtensionWithoutIommu = (respectsGroupKind: boolean) => [
    {
      guard: {
        type: 'answers' as const,
        params: { backend: 'type1' as const, extensions: type1Answers, respectsGroupKind },
      },
      meta: { kernel: 'VFIO_CHECK_EXTENSION', returns: '1', note: checkNote },
    },
    {
      guard: {
        type: 'answers' as const,
        params: { backend: 'spaprTce' as const, extensions: spaprExtensions, respectsGroupKind },
      },
      meta: { kernel: 'VFIO_CHECK_EXTENSION', returns: '1', note: checkNote },
    },
    {
      guard: {
        type: 'answers' as const,
        params: { backend: 'noiommu' as const, extensions: [VFIO_EXTENSION.NOIOMMU], respectsGroupKind },
      },
      meta: {
        kernel: 'VFIO_CHECK_EXTENSION',
        returns: '1',
        note: '§3.2: only while enable_unsafe_noiommu_mode is set',
      },
    },
    {
      meta: {
        kernel: 'VFIO_CHECK_EXTENSION',
        returns: '0',
        note: 'no backend knows it (UPDATE_VADDR: type1 answers 0 without an IOMMU and with mdev groups)',
      },
    },
  ];
  const mixing = {
    guard: 'mixesGroupKinds' as const,
    meta: {
      kernel: 'VFIO_GROUP_SET_CONTAINER',
      errno: 'EPERM' as const,
      note: '§3.1: noiommu and other groups do not mix',
    },
  };
  const alreadySet = {
    meta: { kernel: 'VFIO_SET_IOMMU', errno: 'EINVAL' as const, note: '§3.1: an IOMMU is already set' },
  };
  const detach = (target: string) => [
    {
      guard: 'lastGroup' as const,
      target,
      actions: 'emptyContainer' as const,
      meta: {
        kernel: 'vfio_group_try_dissolve_container',
        note: 'the last group left: the IOMMU is dropped',
      },
    },
    { actions: 'detachGroup' as const, meta: { kernel: 'vfio_group_try_dissolve_container' } },
  ];
  return iommuBackendSetup.createMachine({
    id: 'iommuBackend',
    description: `${profile}: which VFIO IOMMU backends a configuration builds, and what a container answers.`,
    context: ({ input }) => ({
      symbols: IOMMU_ARCH_SYMBOLS[input.arch],
      request: { vfio: input.vfio ?? 'm', noiommu: input.noiommu ?? false },
      vfio: 'n',
      backends: { type1: 'n', spaprTce: 'n', noiommu: false },
      unsafeNoiommuMode: input.unsafeNoiommuMode ?? false,
      groups: 0,
      groupKind: null,
    }),
    initial: 'kconfig',
    states: {
      kconfig: {
        description: `Evaluating drivers/vfio/Kconfig (${profile}) for the arch preset.`,
        initial: 'vfio',
        states: {
          vfio: {
            description: 'CONFIG_VFIO.',
            always: [
              {
                guard: { type: 'vfioBuildable', params: { dependsOn: rules.vfioDependsOn } },
                target: 'type1',
                actions: 'buildVfio',
                meta: { kernel: 'Kconfig: VFIO', note: rules.notes.vfio },
              },
              { target: '#iommuBackend.vfioAbsent', meta: { kernel: 'Kconfig: VFIO', note: 'VFIO=n' } },
            ],
          },
          type1: {
            description: 'CONFIG_VFIO_IOMMU_TYPE1 (prompt-less: only a select can enable it).',
            always: [
              {
                guard: { type: 'archSelects', params: rules.type1 },
                target: 'spaprTce',
                actions: { type: 'buildBackend', params: { backend: 'type1' } },
                meta: { kernel: 'Kconfig: VFIO_IOMMU_TYPE1', note: rules.notes.type1 },
              },
              { target: 'spaprTce', meta: { kernel: 'Kconfig: VFIO_IOMMU_TYPE1', note: 'not selected' } },
            ],
          },
          spaprTce: {
            description: 'CONFIG_VFIO_IOMMU_SPAPR_TCE.',
            always: [
              {
                guard: { type: 'archSelects', params: rules.spaprTce },
                target: 'noiommu',
                actions: { type: 'buildBackend', params: { backend: 'spaprTce' } },
                meta: { kernel: 'Kconfig: VFIO_IOMMU_SPAPR_TCE', note: rules.notes.spaprTce },
              },
              { target: 'noiommu', meta: { kernel: 'Kconfig: VFIO_IOMMU_SPAPR_TCE', note: 'not built' } },
            ],
          },
          noiommu: {
            description: 'CONFIG_VFIO_NOIOMMU (bool, depends on VFIO).',
            always: [
              {
                guard: 'noiommuRequested',
                target: '#iommuBackend.container',
                actions: 'buildNoiommu',
                meta: { kernel: 'Kconfig: VFIO_NOIOMMU', note: '§3.2' },
              },
              {
                target: '#iommuBackend.container',
                meta: { kernel: 'Kconfig: VFIO_NOIOMMU', note: 'not set' },
              },
            ],
          },
        },
      },
      vfioAbsent: {
        description: 'VFIO is not built: there is no /dev/vfio/vfio.',
        type: 'final',
      },
      container: {
        description: 'An open /dev/vfio/vfio container (VFIO_GET_API_VERSION = 0).',
        initial: 'empty',
        on: {
          SET_NOIOMMU_MODE: {
            guard: 'noiommuBuilt',
            actions: 'setUnsafeNoiommuMode',
            meta: { kernel: 'vfio.enable_unsafe_noiommu_mode', note: '§3.2: module parameter, 0644' },
          },
        },
        states: {
          empty: {
            description: 'No group attached and no IOMMU set.',
            on: {
              CHECK_EXTENSION: checkExtensionWithoutIommu(false),
              SET_IOMMU: {
                meta: { kernel: 'VFIO_SET_IOMMU', errno: 'EINVAL', note: '§3.1: no group attached' },
              },
              ATTACH_GROUP: {
                guard: 'groupCanExist',
                target: 'attached',
                actions: 'attachGroup',
                meta: { kernel: 'VFIO_GROUP_SET_CONTAINER', returns: '0' },
              },
            },
          },
          attached: {
            description: 'Groups attached, no IOMMU set yet.',
            on: {
              CHECK_EXTENSION: checkExtensionWithoutIommu(v61),
              ATTACH_GROUP: [
                mixing,
                {
                  guard: 'groupCanExist',
                  actions: 'attachGroup',
                  meta: { kernel: 'VFIO_GROUP_SET_CONTAINER', returns: '0' },
                },
              ],
              DETACH_GROUP: detach('empty'),
              SET_IOMMU: [
                {
                  guard: { type: 'candidate', params: { backend: 'type1', extensions: type1Extensions } },
                  target: 'type1',
                  meta: {
                    kernel: 'VFIO_SET_IOMMU',
                    returns: '0',
                    note: 'type1 attaches an emulated (mdev) group without a hardware domain (§1.9, §2.6)',
                  },
                },
                ...(v61
                  ? [
                      {
                        guard: {
                          type: 'candidate' as const,
                          params: { backend: 'type1' as const, extensions: [VFIO_EXTENSION.UNMAP_ALL] },
                        },
                        meta: {
                          kernel: 'VFIO_SET_IOMMU',
                          errno: 'EINVAL' as const,
                          note: '§3.1: SET_IOMMU returns the last backend error; type1 answers UNMAP_ALL but its open() rejects it',
                          unverified:
                            'kernel-semantics.md does not cover SET_IOMMU(VFIO_UNMAP_ALL); from vfio_iommu_type1_open()',
                        },
                      },
                    ]
                  : []),
                {
                  guard: { type: 'candidate', params: { backend: 'spaprTce', extensions: spaprExtensions } },
                  meta: v61
                    ? {
                        kernel: 'VFIO_SET_IOMMU',
                        errno: 'EINVAL',
                        note: '§3.3: tce_iommu_attach_group refuses VFIO_EMULATED_IOMMU groups',
                      }
                    : {
                        kernel: 'VFIO_SET_IOMMU',
                        errno: 'ENODEV',
                        note: 'tce_iommu_attach_group: the mdev group has no sPAPR table group',
                        unverified:
                          '§6.5 only says 4.10 spapr has no pinning support; the errno is from memory',
                      },
                },
                {
                  guard: {
                    type: 'candidate',
                    params: { backend: 'noiommu', extensions: [VFIO_EXTENSION.NOIOMMU], rawio: false },
                  },
                  meta: {
                    kernel: 'VFIO_SET_IOMMU',
                    errno: 'EPERM',
                    note: '§3.2: vfio-noiommu open() needs CAP_SYS_RAWIO',
                  },
                },
                {
                  guard: {
                    type: 'candidate',
                    params: { backend: 'noiommu', extensions: [VFIO_EXTENSION.NOIOMMU], rawio: true },
                  },
                  target: 'noiommu',
                  meta: { kernel: 'VFIO_SET_IOMMU', returns: '0', note: '§3.2' },
                },
                {
                  meta: { kernel: 'VFIO_SET_IOMMU', errno: 'ENODEV', note: '§3.1: no backend matched' },
                },
              ],
            },
          },
          type1: {
            description: 'The type1 backend serves the container: CHECK_EXTENSION asks only it.',
            on: {
              CHECK_EXTENSION: [
                {
                  guard: {
                    type: 'answers',
                    params: { backend: 'type1', extensions: type1Answers, respectsGroupKind: false },
                  },
                  meta: {
                    kernel: 'VFIO_CHECK_EXTENSION',
                    returns: '1',
                    note: 'vfio_iommu_type1_check_extension',
                  },
                },
                {
                  meta: {
                    kernel: 'VFIO_CHECK_EXTENSION',
                    returns: '0',
                    note: 'other backends are not asked; UPDATE_VADDR is 0 with emulated (mdev) groups',
                  },
                },
              ],
              SET_IOMMU: alreadySet,
              ATTACH_GROUP: [
                mixing,
                {
                  guard: 'groupCanExist',
                  actions: 'attachGroup',
                  meta: { kernel: 'VFIO_GROUP_SET_CONTAINER', returns: '0', note: 'type1 attach_group' },
                },
              ],
              DETACH_GROUP: detach('empty'),
            },
          },
          noiommu: {
            description:
              'The vfio-noiommu backend serves the container (kernel tainted, /dev/vfio/noiommu-N groups).',
            on: {
              CHECK_EXTENSION: [
                {
                  guard: {
                    type: 'answers',
                    params: {
                      backend: 'noiommu',
                      extensions: [VFIO_EXTENSION.NOIOMMU],
                      respectsGroupKind: false,
                    },
                  },
                  meta: {
                    kernel: 'VFIO_CHECK_EXTENSION',
                    returns: '1',
                    note: '§3.2: only while the unsafe mode is set',
                  },
                },
                { meta: { kernel: 'VFIO_CHECK_EXTENSION', returns: '0' } },
              ],
              SET_IOMMU: alreadySet,
              ATTACH_GROUP: [
                mixing,
                {
                  actions: 'attachGroup',
                  meta: { kernel: 'VFIO_GROUP_SET_CONTAINER', returns: '0', note: 'another noiommu group' },
                },
              ],
              DETACH_GROUP: detach('empty'),
            },
          },
        },
      },
    },
  });
}
