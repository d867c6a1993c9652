import { assign, setup } from 'xstate';
import type { StateMeta, TransitionMeta } from './meta.ts';
import type { KernelProfile } from './profile.ts';

/** UAPI IOMMU types SET_IOMMU can ask for (include/uapi/linux/vfio.h, §3.1). */
export const VFIO_IOMMU_TYPE = {
  TYPE1: 1,
  SPAPR_TCE: 2,
  TYPE1v2: 3,
  TYPE1_NESTING: 6,
  SPAPR_TCE_v2: 7,
  NOIOMMU: 8,
} as const;

/** What the fd passed to VFIO_GROUP_SET_CONTAINER is. */
export type ContainerFdKind = 'container' | 'badFd' | 'notContainer' | 'negative';

/** What kind of group it is and what the container's backends accept (fixed for one run). */
export interface VfioAttachmentInput {
  /** `mdev` (6.1 VFIO_EMULATED_IOMMU; 4.10 a real IOMMU group on the mdev bus) or a `noiommu` group. */
  readonly group?: 'mdev' | 'noiommu';
  /** IOMMU types a registered backend accepts for this group (default: type1 on x86, §6.5). */
  readonly iommuTypes?: readonly number[];
}

/** The attachment's facts beyond its state. */
export interface VfioAttachmentContext {
  readonly group: 'mdev' | 'noiommu';
  readonly iommuTypes: readonly number[];
  /** Device fds obtained through this group and not closed. */
  readonly deviceFds: number;
  /** The mdev device is still registered in the group (4.10 keeps the group after it is gone). */
  readonly devicePresent: boolean;
}

/**
 * The group and container ioctls (and opens/closes) on one group fd and one container. Opens,
 * SET_CONTAINER and GET_DEVICE_FD check the calling task's CAP_SYS_RAWIO each time (the fd may have been
 * passed to, or the capability dropped by, another task).
 */
export type VfioAttachmentEvent =
  | { readonly type: 'OPEN_GROUP'; readonly capSysRawio: boolean }
  | { readonly type: 'CLOSE_GROUP' }
  | { readonly type: 'GET_STATUS' }
  | { readonly type: 'SET_CONTAINER'; readonly fd: ContainerFdKind; readonly capSysRawio: boolean }
  | { readonly type: 'UNSET_CONTAINER' }
  | { readonly type: 'SET_IOMMU'; readonly iommuType: number }
  | { readonly type: 'GET_DEVICE_FD'; readonly nameMatches: boolean; readonly capSysRawio: boolean }
  | { readonly type: 'CLOSE_DEVICE_FD' }
  | { readonly type: 'DEVICE_REMOVED' };

const vfioAttachmentSetup = setup({
  types: {
    context: {} as VfioAttachmentContext,
    events: {} as VfioAttachmentEvent,
    input: {} as VfioAttachmentInput | undefined,
    meta: {} as StateMeta,
    transitionMeta: {} as TransitionMeta,
  },
  guards: {
    /** A noiommu group used by a task without CAP_SYS_RAWIO. */
    lacksRawio: ({ context, event }) =>
      context.group === 'noiommu' && 'capSysRawio' in event && !event.capSysRawio,
    /** SET_CONTAINER's fd is of `kind`. */
    containerFdIs: ({ event }, params: { readonly kind: ContainerFdKind }) =>
      event.type === 'SET_CONTAINER' && event.fd === params.kind,
    /** A backend accepts the requested IOMMU type for this group. */
    backendAccepts: ({ context, event }) =>
      event.type === 'SET_IOMMU' && context.iommuTypes.includes(event.iommuType),
    /** GET_DEVICE_FD names a device of this group. */
    nameMatches: ({ context, event }) =>
      event.type === 'GET_DEVICE_FD' && event.nameMatches && context.devicePresent,
    /** GET_DEVICE_FD names no device of this group. */
    nameUnknown: ({ context, event }) =>
      event.type === 'GET_DEVICE_FD' && !(event.nameMatches && context.devicePresent),
    /** Device fds obtained through the group are open. */
    hasDeviceFds: ({ context }) => context.deviceFds > 0,
    /** The mdev can leave the group: it is still there and no device fd holds it (removal waits for them). */
    deviceRemovable: ({ context }) => context.devicePresent && context.deviceFds === 0,
    /** The mdev already left the group (4.10 keeps an open group after that). */
    deviceGone: ({ context }) => !context.devicePresent,
    /** Exactly one device fd is open (closing it releases the group). */
    lastDeviceFd: ({ context }) => context.deviceFds === 1,
  },
  actions: {
    /** A device fd was returned. */
    openDeviceFd: assign({ deviceFds: ({ context }) => context.deviceFds + 1 }),
    /** A device fd was closed. */
    closeDeviceFd: assign({ deviceFds: ({ context }) => context.deviceFds - 1 }),
    /** The mdev device left the group (its removal completed). */
    removeDevice: assign({ devicePresent: false }),
  },
});

/**
 * The VFIO container and group protocol for one group and one container, as one process drives it
 * (kernel-semantics.md §3.1, §2.6, §6.5 and the oracle's "VFIO ioctl ordering"): group open
 * (single-open), GET_STATUS, SET_CONTAINER, SET_IOMMU, GET_DEVICE_FD (4.10 checks container and IOMMU
 * before the name, 6.1 the name first), UNSET_CONTAINER, device fd close, and the group after its mdev
 * is removed (6.1: /dev/vfio/N goes at once and the ioctls answer ENODEV; 4.10: the group stays until
 * its fd closes and only GET_DEVICE_FD notices, after the container checks). A device's removal
 * completes only when its fds are closed, so DEVICE_REMOVED needs none open.
 */
export function createVfioAttachmentMachine({ profile }: { readonly profile: KernelProfile }) {
  const v410 = profile === 'v4.10';
  const groupGoneOnOpen = {
    meta: {
      kernel: 'vfio_group_fops_open',
      errno: 'ENODEV',
      note: v410
        ? '§3.1: the group is gone (an open that raced its removal; afterwards the path is gone)'
        : '§2.6: drivers == 0 (an open that raced the removal; afterwards /dev/vfio/N is gone)',
    },
  } as const;
  /** A second open of a group that is held: the noiommu capability check comes first (§3.1 open()). */
  const openWhileHeld = [
    {
      guard: 'lacksRawio',
      meta: {
        kernel: 'vfio_group_fops_open',
        errno: 'EPERM',
        note: '§3.1, §3.2: checked before the single-open',
      },
    },
    { meta: { kernel: 'vfio_group_fops_open', errno: 'EBUSY', note: '§2.6: the group fd is single-open' } },
  ] as const;
  const noGroupInContainer = {
    meta: { kernel: 'VFIO_SET_IOMMU', errno: 'EINVAL', note: '§3.1: no group attached to the container' },
  } as const;
  const iommuAlreadySet = {
    meta: { kernel: 'VFIO_SET_IOMMU', errno: 'EINVAL', note: '§3.1: an IOMMU is already set' },
  } as const;
  const containerAlreadySet = {
    meta: { kernel: 'VFIO_GROUP_SET_CONTAINER', errno: 'EINVAL', note: '§3.1: container already set' },
  } as const;
  const unsetWithoutContainer = {
    meta: { kernel: 'VFIO_GROUP_UNSET_CONTAINER', errno: 'EINVAL', note: '§3.1: no container set' },
  } as const;
  const status = (flags: string) => ({ meta: { kernel: 'VFIO_GROUP_GET_STATUS', returns: flags } }) as const;
  /** GET_DEVICE_FD before an IOMMU is set: 4.10 checks the container first, 6.1 the name first. */
  const deviceFdWithoutIommu: readonly { readonly guard?: 'nameMatches'; readonly meta: TransitionMeta }[] =
    v410
      ? [
          {
            meta: {
              kernel: 'VFIO_GROUP_GET_DEVICE_FD',
              errno: 'EINVAL',
              note: '§3.1: 4.10 checks container and IOMMU first',
            },
          },
        ]
      : [
          {
            guard: 'nameMatches',
            meta: {
              kernel: 'VFIO_GROUP_GET_DEVICE_FD',
              errno: 'EINVAL',
              note: '§3.1: 6.1 looks the name up first',
            },
          },
          {
            meta: {
              kernel: 'VFIO_GROUP_GET_DEVICE_FD',
              errno: 'ENODEV',
              note: '§3.1: 6.1: a wrong name is ENODEV even without a container',
            },
          },
        ];
  return vfioAttachmentSetup.createMachine({
    id: 'vfioAttachment',
    description: v410
      ? 'One group fd and one container on v4.10 (vfio_mdev devices, group kref keeps /dev/vfio/N).'
      : 'One group fd and one container on v6.1 (emulated IOMMU group that disassociates on removal).',
    context: ({ input }) => ({
      group: input?.group ?? 'mdev',
      iommuTypes: input?.iommuTypes ?? [
        VFIO_IOMMU_TYPE.TYPE1,
        VFIO_IOMMU_TYPE.TYPE1v2,
        VFIO_IOMMU_TYPE.TYPE1_NESTING,
      ],
      deviceFds: 0,
      devicePresent: true,
    }),
    initial: 'groupClosed',
    states: {
      groupClosed: {
        description: '/dev/vfio/N exists; this process has no group fd. The container fd is open and empty.',
        on: {
          OPEN_GROUP: [
            {
              guard: 'lacksRawio',
              meta: {
                kernel: 'vfio_group_fops_open',
                errno: 'EPERM',
                note: '§3.2: noiommu groups need CAP_SYS_RAWIO',
              },
            },
            { target: 'groupOpen', meta: { kernel: 'vfio_group_fops_open', returns: 'fd' } },
          ],
          SET_IOMMU: noGroupInContainer,
          DEVICE_REMOVED: {
            target: 'gone',
            actions: 'removeDevice',
            meta: {
              kernel: v410 ? 'vfio_del_group_dev' : 'vfio_device_remove_group',
              note: 'the group’s last device left',
            },
          },
        },
      },
      groupOpen: {
        description: 'This process holds the group fd (single-open: nobody else can open it).',
        initial: 'noContainer',
        on: {
          OPEN_GROUP: openWhileHeld,
          CLOSE_GROUP: [
            ...(v410
              ? [
                  {
                    guard: 'deviceGone' as const,
                    target: '#vfioAttachment.gone' as const,
                    meta: {
                      kernel: 'vfio_group_fops_release',
                      note: '§6.5 [4.10]: the last group reference goes with the fd',
                    },
                  },
                ]
              : []),
            {
              guard: 'hasDeviceFds',
              target: 'closedWithDeviceFds',
              meta: {
                kernel: 'vfio_group_fops_release',
                note: 'the device fds keep the group and its container',
              },
            },
            {
              target: 'groupClosed',
              meta: {
                kernel: 'vfio_group_fops_release',
                note: '§3.1: closing the group fd detaches the container',
              },
            },
          ],
        },
        states: {
          noContainer: {
            description: 'Group fd open, not attached to a container.',
            on: {
              GET_STATUS: status('VIABLE'),
              SET_CONTAINER: [
                {
                  guard: 'lacksRawio',
                  meta: {
                    kernel: 'VFIO_GROUP_SET_CONTAINER',
                    errno: 'EPERM',
                    note: '§3.1: noiommu without CAP_SYS_RAWIO',
                  },
                },
                {
                  guard: { type: 'containerFdIs', params: { kind: 'negative' } },
                  meta: { kernel: 'VFIO_GROUP_SET_CONTAINER', errno: 'EINVAL', note: '§3.1: fd < 0' },
                },
                {
                  guard: { type: 'containerFdIs', params: { kind: 'badFd' } },
                  meta: { kernel: 'VFIO_GROUP_SET_CONTAINER', errno: 'EBADF', note: '§3.1: not an open fd' },
                },
                {
                  guard: { type: 'containerFdIs', params: { kind: 'notContainer' } },
                  meta: {
                    kernel: 'VFIO_GROUP_SET_CONTAINER',
                    errno: 'EINVAL',
                    note: '§3.1: not a container fd',
                  },
                },
                {
                  target: 'containerSet',
                  meta: { kernel: 'VFIO_GROUP_SET_CONTAINER', returns: '0' },
                },
              ],
              UNSET_CONTAINER: unsetWithoutContainer,
              SET_IOMMU: noGroupInContainer,
              GET_DEVICE_FD: deviceFdWithoutIommu,
            },
          },
          containerSet: {
            description: 'Attached to the container, which has no IOMMU backend yet.',
            on: {
              GET_STATUS: status('VIABLE|CONTAINER_SET'),
              SET_CONTAINER: containerAlreadySet,
              UNSET_CONTAINER: {
                target: 'noContainer',
                meta: { kernel: 'VFIO_GROUP_UNSET_CONTAINER', returns: '0' },
              },
              SET_IOMMU: [
                {
                  guard: 'backendAccepts',
                  target: 'iommuSet',
                  meta: {
                    kernel: 'VFIO_SET_IOMMU',
                    returns: '0',
                    note: '§3.1: the first backend that opens and attaches every group wins',
                  },
                },
                {
                  meta: {
                    kernel: 'VFIO_SET_IOMMU',
                    errno: 'ENODEV',
                    note: '§3.1: no backend supports the type',
                  },
                },
              ],
              GET_DEVICE_FD: deviceFdWithoutIommu,
            },
          },
          iommuSet: {
            description: 'The container has an IOMMU backend: devices of the group can be opened.',
            on: {
              GET_STATUS: status('VIABLE|CONTAINER_SET'),
              SET_CONTAINER: containerAlreadySet,
              SET_IOMMU: iommuAlreadySet,
              UNSET_CONTAINER: [
                {
                  guard: 'hasDeviceFds',
                  meta: {
                    kernel: 'VFIO_GROUP_UNSET_CONTAINER',
                    errno: 'EBUSY',
                    note: '§3.1: device fds are open',
                  },
                },
                {
                  target: 'noContainer',
                  meta: {
                    kernel: 'VFIO_GROUP_UNSET_CONTAINER',
                    returns: '0',
                    note: 'the last group left the container: it drops its IOMMU (GET_DEVICE_FD is EINVAL until SET_IOMMU again)',
                  },
                },
              ],
              GET_DEVICE_FD: v410
                ? [
                    {
                      guard: 'lacksRawio',
                      meta: {
                        kernel: 'VFIO_GROUP_GET_DEVICE_FD',
                        errno: 'EPERM',
                        note: '§3.1, §3.2: 4.10 checks the capability before the name',
                      },
                    },
                    {
                      guard: 'nameMatches',
                      actions: 'openDeviceFd',
                      meta: {
                        kernel: 'VFIO_GROUP_GET_DEVICE_FD',
                        returns: 'fd',
                        note: 'each call returns a new fd',
                      },
                    },
                    {
                      meta: {
                        kernel: 'VFIO_GROUP_GET_DEVICE_FD',
                        errno: 'ENODEV',
                        note: '§3.1: no device by that name (or the mdev was removed), checked after container and IOMMU',
                      },
                    },
                  ]
                : [
                    {
                      guard: 'nameUnknown',
                      meta: {
                        kernel: 'VFIO_GROUP_GET_DEVICE_FD',
                        errno: 'ENODEV',
                        note: '§3.1: 6.1 looks the name up before any other check',
                      },
                    },
                    {
                      guard: 'lacksRawio',
                      meta: {
                        kernel: 'VFIO_GROUP_GET_DEVICE_FD',
                        errno: 'EPERM',
                        note: '§3.1, §3.2: noiommu without CAP_SYS_RAWIO, after the container checks',
                      },
                    },
                    {
                      actions: 'openDeviceFd',
                      meta: {
                        kernel: 'VFIO_GROUP_GET_DEVICE_FD',
                        returns: 'fd',
                        note: 'each call returns a new fd',
                      },
                    },
                  ],
              CLOSE_DEVICE_FD: {
                guard: 'hasDeviceFds',
                actions: 'closeDeviceFd',
                meta: { kernel: 'vfio_device_fops_release' },
              },
            },
          },
        },
      },
      closedWithDeviceFds: {
        description: v410
          ? 'Group fd closed, but open device fds keep container_users: the group stays attached and cannot be reopened.'
          : 'Group fd closed by the process, but each device fd holds a reference on the group file: it stays attached and cannot be reopened.',
        on: {
          OPEN_GROUP: openWhileHeld,
          CLOSE_DEVICE_FD: [
            {
              guard: 'lastDeviceFd',
              target: 'groupClosed',
              actions: 'closeDeviceFd',
              meta: {
                kernel: 'vfio_device_fops_release',
                note: 'the last user detaches the group from the container',
              },
            },
            { actions: 'closeDeviceFd', meta: { kernel: 'vfio_device_fops_release' } },
          ],
          SET_IOMMU: iommuAlreadySet,
        },
      },
      ...(v410
        ? {}
        : {
            stale: {
              description:
                '6.1: the mdev was removed while the group fd is open: /dev/vfio/N is gone, the group has no iommu_group and no container (C-18).',
              on: {
                OPEN_GROUP: groupGoneOnOpen,
                GET_STATUS: {
                  meta: {
                    kernel: 'VFIO_GROUP_GET_STATUS',
                    errno: 'ENODEV',
                    note: '§2.6: iommu_group is NULL',
                  },
                },
                SET_CONTAINER: {
                  meta: { kernel: 'VFIO_GROUP_SET_CONTAINER', errno: 'ENODEV', note: '§2.6: disassociated' },
                },
                GET_DEVICE_FD: {
                  meta: {
                    kernel: 'VFIO_GROUP_GET_DEVICE_FD',
                    errno: 'ENODEV',
                    note: '§2.6: empty device list',
                  },
                },
                UNSET_CONTAINER: {
                  meta: {
                    kernel: 'VFIO_GROUP_UNSET_CONTAINER',
                    errno: 'EINVAL',
                    note: '§2.6: the removal detached the container',
                  },
                },
                SET_IOMMU: noGroupInContainer,
                CLOSE_GROUP: { target: 'gone', meta: { kernel: 'vfio_group_fops_release' } },
              },
            },
          }),
      gone: {
        description: v410
          ? 'The group is gone: its last device was removed and no fd holds it.'
          : 'The group is gone: /dev/vfio/N was removed with its last device.',
        on: {
          OPEN_GROUP: groupGoneOnOpen,
          SET_IOMMU: noGroupInContainer,
        },
      },
    },
    on: {
      DEVICE_REMOVED: v410
        ? {
            guard: 'deviceRemovable',
            actions: 'removeDevice',
            meta: {
              kernel: 'vfio_del_group_dev',
              note: '§6.5 [4.10]: /dev/vfio/N stays while the group fd is open; GET_STATUS still answers',
            },
          }
        : {
            guard: 'deviceRemovable',
            target: '.stale',
            actions: 'removeDevice',
            meta: {
              kernel: 'vfio_device_remove_group',
              note: '§2.6: /dev/vfio/N removed at once; container detached',
            },
          },
    },
  });
}
