import { assign, setup } from 'xstate';
import { ERRNO, type ErrnoName } from './errno.ts';
import type { MdevDeviceEvent, TeardownCause, VendorCallback } from './mdev_device_events.ts';
import type { StateMeta, TransitionMeta } from './meta.ts';

/** Where the device's VFIO registration stands (§1.8, §2.6). */
export type VfioRegistration =
  /** Not registered with a VFIO group (yet; or never, 4.10 without vfio_mdev). */
  | 'none'
  /** Registered: GET_DEVICE_FD finds the device by name. */
  | 'registered'
  /** vfio_unregister_group_dev / vfio_del_group_dev dropped the registration reference. */
  | 'unregistering'
  /**
   * ... and sleeps because references remain: open fds, or a GET_DEVICE_FD that found the device before
   * the registration was dropped. New GET_DEVICE_FDs still succeed meanwhile.
   */
  | 'waiting'
  /** Removed from its group. */
  | 'gone';

/** What one mdev device carries besides its state: the facts that decide the next steps. */
export interface MdevDeviceContext {
  /** Device fds open: the `openCount` of the latest `vfio.fd.open`/`vfio.fd.close`. */
  readonly openFds: number;
  /** The device directory has its `remove` attribute. */
  readonly removeFile: boolean;
  /** The VFIO device's registration. */
  readonly vfio: VfioRegistration;
  /** The create write has not returned yet (no own `mdev.create.end` seen). */
  readonly creating: boolean;
  /** 6.1 `mdev->active`; 4.10 (99e3123e) membership of `mdev_list`. A remover can claim the device. */
  readonly active: boolean;
}

/** The context of a device that does not exist yet. */
export const ABSENT_DEVICE: MdevDeviceContext = {
  openFds: 0,
  removeFile: false,
  vfio: 'none',
  creating: false,
  active: false,
};

const retOf = (event: MdevDeviceEvent): number | undefined =>
  event.type === 'vendor.exit' || event.type === 'mdev.create.end' ? event.ret : undefined;

/**
 * The shared `setup()` of the mdev device machine: its types and its named guards and actions (pure
 * context updates). Both profiles' regions are built from it.
 */
export const mdevDeviceSetup = setup({
  types: {
    context: {} as MdevDeviceContext,
    events: {} as MdevDeviceEvent,
    meta: {} as StateMeta,
    transitionMeta: {} as TransitionMeta,
  },
  guards: {
    /** A vendor callback event of callback `cb`. */
    isCallback: ({ event }, params: { readonly cb: VendorCallback }) =>
      (event.type === 'vendor.enter' || event.type === 'vendor.exit') && event.cb === params.cb,
    /** A vendor callback event of one of `cbs`. */
    isOneOfCallbacks: ({ event }, params: { readonly cbs: readonly VendorCallback[] }) =>
      (event.type === 'vendor.enter' || event.type === 'vendor.exit') && params.cbs.includes(event.cb),
    /** Vendor callback `cb` returned success (≥ 0). */
    callbackSucceeded: ({ event }, params: { readonly cb: VendorCallback }) =>
      event.type === 'vendor.exit' && event.cb === params.cb && event.ret >= 0,
    /** Vendor callback `cb` returned an error (< 0). */
    callbackFailed: ({ event }, params: { readonly cb: VendorCallback }) =>
      event.type === 'vendor.exit' && event.cb === params.cb && event.ret < 0,
    /** A create of this GUID returned −`errno`. */
    createEndedWith: ({ event }, params: { readonly errno: ErrnoName }) =>
      retOf(event) === -ERRNO[params.errno],
    /** This device's own create returned success. */
    createSucceeded: ({ context, event }) => context.creating && retOf(event) === 0,
    /** This device's own create returned an error (after its device was released). */
    createFailed: ({ context, event }) => context.creating && (retOf(event) ?? 0) < 0,
    /** A remove was refused with `errno`. */
    refusedWith: ({ event }, params: { readonly errno: ErrnoName }) =>
      event.type === 'mdev.remove.refused' && event.errno === ERRNO[params.errno],
    /** A remove was refused with `errno` while the device is not claimable (4.10: not on `mdev_list`). */
    refusedWhileUnlisted: ({ context, event }, params: { readonly errno: ErrnoName }) =>
      !context.active && event.type === 'mdev.remove.refused' && event.errno === ERRNO[params.errno],
    /** A remove was refused with `errno` after its writer deleted the existing `remove` file. */
    refusedWhileRemoveFileExists: ({ context, event }, params: { readonly errno: ErrnoName }) =>
      context.removeFile && event.type === 'mdev.remove.refused' && event.errno === ERRNO[params.errno],
    /** The teardown was started by `by`. */
    teardownBy: ({ event }, params: { readonly by: TeardownCause }) =>
      event.type === 'mdev.teardown.begin' && event.by === params.by,
    /** The device has its `remove` attribute (a user can write it). */
    removeFileExists: ({ context }) => context.removeFile,
    /** 6.1 `active` / 4.10 on `mdev_list`. */
    isActive: ({ context }) => context.active,
    /** No device fd is open. */
    noOpenFds: ({ context }) => context.openFds === 0,
    /** The device is (or was) registered with VFIO: vfio_mdev bound it (4.10). */
    vfioBound: ({ context }) => context.vfio !== 'none',
    /** No VFIO driver bound the device (4.10 without vfio_mdev loaded). */
    vfioNotBound: ({ context }) => context.vfio === 'none',
    /** GET_DEVICE_FD can find the device: registered, or its unregistration waits on remaining references. */
    vfioAcceptsOpen: ({ context }) => context.vfio === 'registered' || context.vfio === 'waiting',
    /** The fd close left no device fd open. */
    lastFdClosed: ({ event }) => event.type === 'vfio.fd.close' && event.openCount === 0,
  },
  actions: {
    /** A create write started on this GUID. */
    beginCreate: assign({ creating: true }),
    /** The create write returned. */
    creatorReturned: assign({ creating: false }),
    /** The `remove` attribute appears (6.1 device_add from dev->groups; 4.10 mdev_create_sysfs_files or C-3 re-creation). */
    createRemoveFile: assign({ removeFile: true }),
    /** The `remove` attribute is gone (self-removed by a writer, or removed with the device). */
    dropRemoveFile: assign({ removeFile: false }),
    /** 6.1 `active = true` / 4.10 list_add to `mdev_list`. */
    activate: assign({ active: true }),
    /** A remover claimed the device: 6.1 `active = false` / 4.10 list_del. */
    deactivate: assign({ active: false }),
    /** The VFIO registration moved to `vfio`. */
    setVfio: assign((_, params: { readonly vfio: VfioRegistration }) => ({ vfio: params.vfio })),
    /** The device's open count after an fd open or close. */
    setOpenFds: assign({
      openFds: ({ context, event }) =>
        event.type === 'vfio.fd.open' || event.type === 'vfio.fd.close' ? event.openCount : context.openFds,
    }),
  },
});
