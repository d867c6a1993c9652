import { assign, setup } from 'xstate';
import type { StateMeta, TransitionMeta } from './meta.ts';
import type { KernelProfile } from './profile.ts';

/**
 * What a vendor driver hands to the mdev core when it registers a parent. v4.10 `mdev_register_device`
 * requires the first three `parent_ops` members; v6.1 `mdev_register_driver` requires only the
 * `mdev_driver.device_api` string (kernel-semantics.md §1.2, §2.3).
 */
export interface ParentRegistration {
  /** v4.10 `parent_ops->create`. */
  readonly create: boolean;
  /** v4.10 `parent_ops->remove`. */
  readonly remove: boolean;
  /** v4.10 `parent_ops->supported_type_groups`. */
  readonly supportedTypeGroups: boolean;
  /** v6.1 `mdev_driver->device_api`. */
  readonly deviceApi: boolean;
}

/** A registration that every profile accepts. */
export const COMPLETE_PARENT_REGISTRATION: ParentRegistration = {
  create: true,
  remove: true,
  supportedTypeGroups: true,
  deviceApi: true,
};

/** The parent machine's context: its mdev children, their open device fds and (v4.10) the parent kref. */
export interface ParentContext {
  /** Child mdev devices on the parent. */
  readonly children: number;
  /** Device fds open on the children (VFIO_GROUP_GET_DEVICE_FD results not yet closed). */
  readonly openFds: number;
  /**
   * v4.10 `parent->ref`: 1 at registration, +1 per child, −1 per removed child and at unregistration
   * (§1.10). `null` on v6.1, where `struct mdev_parent` is embedded in the vendor's struct and has no kref.
   */
  readonly kref: number | null;
}

/** The events of the parent machine: vendor (un)registration, module unload, and child/fd bookkeeping. */
export type ParentEvent =
  | { readonly type: 'REGISTER'; readonly registration: ParentRegistration }
  | { readonly type: 'UNREGISTER' }
  | { readonly type: 'UNLOAD_MODULE' }
  | { readonly type: 'CREATE_CHILD' }
  | { readonly type: 'REMOVE_CHILD' }
  | { readonly type: 'DEVICE_FD_OPEN' }
  | { readonly type: 'DEVICE_FD_CLOSE' };

const parentSetup = setup({
  types: {
    context: {} as ParentContext,
    events: {} as ParentEvent,
    input: {} as { readonly profile: KernelProfile },
    meta: {} as StateMeta,
    transitionMeta: {} as TransitionMeta,
  },
  guards: {
    /** v4.10: `ops`, `ops->create`, `ops->remove` or `ops->supported_type_groups` is NULL. */
    missingMandatoryOps: ({ event }) =>
      event.type === 'REGISTER' &&
      !(event.registration.create && event.registration.remove && event.registration.supportedTypeGroups),
    /** v6.1: `mdev_driver->device_api` is NULL. */
    missingDeviceApi: ({ event }) => event.type === 'REGISTER' && !event.registration.deviceApi,
    /** Some device fd is open on a child. */
    hasOpenFds: ({ context }) => context.openFds > 0,
    /** The parent has at least one child. */
    hasChildren: ({ context }) => context.children > 0,
    /** Fewer fds than children are open, so at least one child has none and its removal does not block. */
    hasChildWithoutFds: ({ context }) => context.children > context.openFds,
  },
  actions: {
    /** A fresh parent: no children; v4.10 `kref_init(&parent->ref)`. */
    initParent: assign(({ context }) => ({
      children: 0,
      openFds: 0,
      kref: context.kref === null ? null : 1,
    })),
    /** C-6: the v4.10 EEXIST error path drops a reference of the parent that is already registered. */
    putExistingParent: assign({ kref: ({ context }) => (context.kref === null ? null : context.kref - 1) }),
    /** A child was created (v4.10: it holds a parent reference). */
    addChild: assign(({ context }) => ({
      children: context.children + 1,
      kref: context.kref === null ? null : context.kref + 1,
    })),
    /** A child was removed (v4.10: its parent reference is dropped). */
    removeChild: assign(({ context }) => ({
      children: context.children - 1,
      kref: context.kref === null ? null : context.kref - 1,
    })),
    /** A device fd was opened on a child. */
    openFd: assign({ openFds: ({ context }) => context.openFds + 1 }),
    /** A device fd of a child was closed. */
    closeFd: assign({ openFds: ({ context }) => context.openFds - 1 }),
    /** Unregistration removed every child and (v4.10) dropped their references and the initial one. */
    removeAllChildren: assign(({ context }) => ({
      children: 0,
      kref: context.kref === null ? null : context.kref - context.children - 1,
    })),
  },
});

/**
 * The parent registration lifecycle of one parent device (kernel-semantics.md §1.2, §1.3, §2.3, §6.1 and
 * the oracle's "Module unload" observations): `unregistered → registered → unregistering → unregistered`.
 * Registration checks and the duplicate-registration errno differ per profile; unregistration
 * force-removes the children and waits while any child device fd is open; an unload of the vendor
 * module is refused with EAGAIN on v6.1 while a device fd is open (the fd pins the vendor module), but
 * proceeds and blocks on v4.10 (the fd pins vfio_mdev instead).
 */
export function createParentMachine({ profile }: { readonly profile: KernelProfile }) {
  const v410 = profile === 'v4.10';
  const register = v410 ? 'mdev_register_device' : 'mdev_register_parent';
  const unregister = v410 ? 'mdev_unregister_device' : 'mdev_unregister_parent';
  return parentSetup.createMachine({
    id: 'parent',
    description: v410
      ? 'v4.10 mdev parent (struct mdev_parent allocated by the core, kref counted, global parent_list).'
      : 'v6.1 mdev parent (struct mdev_parent embedded in the vendor, unreg_sem, no kref).',
    context: { children: 0, openFds: 0, kref: v410 ? 0 : null },
    initial: 'unregistered',
    states: {
      unregistered: {
        description: v410
          ? 'No parent for the device: no mdev_supported_types, no /sys/class/mdev_bus link (§6.1).'
          : 'No parent: no mdev_supported_types, no /sys/class/mdev_bus link; uevent MDEV_STATE=unregistered was sent after an unregistration (§6.1).',
        on: {
          REGISTER: [
            v410
              ? {
                  guard: 'missingMandatoryOps',
                  meta: {
                    kernel: register,
                    errno: 'EINVAL',
                    note: '§1.2 step 1: create, remove, supported_type_groups are mandatory',
                  },
                }
              : {
                  guard: 'missingDeviceApi',
                  meta: {
                    kernel: 'mdev_register_driver',
                    errno: 'EINVAL',
                    note: '§2.3: device_api is the only check',
                  },
                },
            {
              target: 'registered',
              actions: 'initParent',
              meta: { kernel: register, returns: '0' },
            },
          ],
          ...(v410
            ? {
                UNREGISTER: {
                  meta: {
                    kernel: unregister,
                    returns: 'void',
                    note: '§1.3 step 1: parent not found, returns silently',
                  },
                },
              }
            : {}),
        },
      },
      registered: {
        description: v410
          ? 'mdev_supported_types/<drv>-<group>/ with create and devices/ (vendor attributes); creates and removes run under parent->lock.'
          : 'mdev_supported_types/<drv>-<type>/ with core attributes; uevent MDEV_STATE=registered; creates and removes take unreg_sem for read with trylock.',
        on: {
          REGISTER: [
            v410
              ? {
                  guard: 'missingMandatoryOps',
                  meta: {
                    kernel: register,
                    errno: 'EINVAL',
                    note: '§1.2: the ops check comes before the duplicate check',
                  },
                }
              : {
                  guard: 'missingDeviceApi',
                  meta: { kernel: 'mdev_register_driver', errno: 'EINVAL', note: '§2.3' },
                },
            v410
              ? {
                  actions: 'putExistingParent',
                  meta: {
                    kernel: register,
                    errno: 'EEXIST',
                    note: '§1.2 step 3, C-6: the error path puts the existing parent (fixed in v5.2)',
                  },
                }
              : {
                  meta: {
                    kernel: register,
                    errno: 'ENOMEM',
                    note: '§2.3 step 2: kset_create_and_add("mdev_supported_types") fails on the existing name',
                  },
                },
          ],
          CREATE_CHILD: { actions: 'addChild', meta: { kernel: 'mdev_device_create', returns: '0' } },
          REMOVE_CHILD: {
            guard: 'hasChildWithoutFds',
            actions: 'removeChild',
            meta: { kernel: 'mdev_device_remove', returns: '0' },
          },
          DEVICE_FD_OPEN: {
            guard: 'hasChildren',
            actions: 'openFd',
            meta: { kernel: 'VFIO_GROUP_GET_DEVICE_FD', returns: 'fd' },
          },
          DEVICE_FD_CLOSE: {
            guard: 'hasOpenFds',
            actions: 'closeFd',
            meta: { kernel: 'vfio_device_fops_release' },
          },
          UNREGISTER: { target: 'unregistering', meta: { kernel: unregister } },
          UNLOAD_MODULE: v410
            ? {
                target: 'unregistering',
                meta: {
                  kernel: 'delete_module',
                  returns: '0',
                  note: 'an open device fd pins vfio_mdev, not the vendor: the vendor exit unregisters and blocks until the fds close',
                  unverified:
                    'kernel-semantics.md does not cover a 4.10 module unload; inferred from §1.7 (vfio_mdev_open takes a reference on vfio_mdev only) and §1.3',
                },
              }
            : [
                {
                  guard: 'hasOpenFds',
                  meta: {
                    kernel: 'delete_module',
                    errno: 'EAGAIN',
                    note: 'each open device fd holds a reference on the vendor module (vfio_device_open); oracle "Module unload"',
                  },
                },
                { target: 'unregistering', meta: { kernel: 'delete_module', returns: '0' } },
              ],
        },
      },
      unregistering: {
        description: v410
          ? 'mdev_unregister_device under the global parent_list_lock: children force-removed (vendor remove errors ignored); create/remove writes block on the locks, and a create that slips in after the child iteration is left as an orphan (C-9).'
          : 'mdev_unregister_parent holds unreg_sem for write: children removed with mdev_device_remove_common; create/remove writes fail their trylock with ENODEV.',
        initial: 'removingChildren',
        states: {
          removingChildren: {
            description: v410
              ? 'device_for_each_child(mdev_device_remove_cb, force): each child vendor remove, then device_unregister.'
              : 'device_for_each_child(mdev_device_remove_cb): mdev_device_remove_common for each child (never aborts).',
            always: [
              {
                guard: 'hasOpenFds',
                target: 'waitingForOpenFds',
                meta: {
                  kernel: v410 ? 'vfio_del_group_dev' : 'vfio_unregister_group_dev',
                  note: '§1.8 / §2.6: waits for the device fds',
                },
              },
              {
                target: '#parent.unregistered',
                actions: 'removeAllChildren',
                meta: { kernel: unregister, note: 'parent_remove_sysfs_files; children gone' },
              },
            ],
          },
          waitingForOpenFds: {
            description:
              'Blocked in the VFIO unregistration of a child until every device fd on it is closed (no timeout; a signal only makes the wait uninterruptible, §1.8).',
            on: {
              DEVICE_FD_CLOSE: {
                target: 'removingChildren',
                actions: 'closeFd',
                meta: { kernel: 'vfio_device_fops_release' },
              },
              DEVICE_FD_OPEN: {
                actions: 'openFd',
                meta: {
                  kernel: 'VFIO_GROUP_GET_DEVICE_FD',
                  returns: 'fd',
                  note: 'a device whose unregistration waits can still be opened (oracle "remove while a device fd is open")',
                },
              },
            },
          },
        },
        on: v410
          ? {}
          : {
              CREATE_CHILD: {
                meta: {
                  kernel: 'mdev_device_create',
                  errno: 'ENODEV',
                  note: '§2.4 step 7: down_read_trylock(unreg_sem) fails',
                },
              },
              REMOVE_CHILD: {
                meta: {
                  kernel: 'mdev_device_remove',
                  errno: 'ENODEV',
                  note: '§2.5 step 4: down_read_trylock(unreg_sem) fails',
                },
              },
            },
      },
    },
  });
}
