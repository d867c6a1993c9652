/**
 * The named semantic switches that separate the kernels the model knows. A profile is a table of these,
 * never a copy of the code: the core reads a switch where the kernel's behaviour changed. Each switch names
 * the upstream change that flipped it (kernel-semantics.md §2.1, §2.7, §3.1, §5).
 */
export interface ProfileSwitches {
  /** Vendor interface: 4.10 `struct parent_ops` through the vfio_mdev bridge, or 6.1 `struct mdev_driver` + `vfio_device_ops`. */
  readonly driverInterface: 'parent_ops' | 'mdev_driver';
  /** Create and remove of one parent are serialized by `parent->lock`, held across vendor callbacks and the blocking unregister. */
  readonly perParentLock: boolean;
  /**
   * A global `mdev_list` on which a remover claims the device by `list_del` (concurrent removers get ENODEV,
   * a refused vendor remove re-adds it). From 4.18 the list holds every device until release and the claim
   * is the `active` flag instead.
   */
  readonly removeClaimOnMdevList: boolean;
  /** The UUID is reserved on the global `mdev_list` at the start of create, checked across all parents. */
  readonly globalUuidReservation: boolean;
  /** `mdev->active`: a remove of a device still being created (or already claimed) returns EAGAIN. */
  readonly activeFlag: boolean;
  /** The device is registered (and vfio_mdev probed: `/dev/vfio/N` openable) before vendor create runs. */
  readonly visibleBeforeVendorCreate: boolean;
  /**
   * When the `remove` attribute appears: at the end of create before the type links (4.10), after them
   * (4.18–5.18), or with the device itself, from `dev->groups` at `device_add` (5.19/6.1: before probe and
   * before `active`, which opens the remove-during-create window of kernel-semantics.md §2.5).
   */
  readonly removeFileCreation: 'before-links' | 'after-links' | 'device-groups';
  /** Remove calls the vendor first (which frees its state), then unregisters and waits for the fds. */
  readonly vendorRemoveBeforeUnregister: boolean;
  /** The vendor `remove()` may refuse; a refusal fails the user's remove. */
  readonly vendorRemoveCanFail: boolean;
  /** A refused vendor remove is reported as -EBUSY whatever errno the vendor returned. */
  readonly vendorRemoveErrnoMasked: boolean;
  /** A failed remove re-creates the `remove` file (on a device that may be being deleted). */
  readonly recreateRemoveFileOnFailure: boolean;
  /** `parent->unreg_sem`: create/remove `down_read_trylock` it (failure → ENODEV), unregistration takes it for write. */
  readonly unregSem: boolean;
  /** Parent unregistration stops removing children at the first child whose removal fails. */
  readonly childRemovalAbortsOnError: boolean;
  /** A duplicate parent registration drops a reference of the existing parent (use after free). */
  readonly duplicateParentPutsExisting: boolean;
  /** Instances of a driver without `get_available` are counted by the core per parent (EUSERS when none is left). */
  readonly coreInstanceCounting: boolean;
  /** open_device/close_device only on the first open and last close, counted under `dev_set->lock`. */
  readonly openCloseCounting: boolean;
  /** GET_DEVICE_FD looks the name up before checking container and IOMMU (wrong name without container: ENODEV, not EINVAL). */
  readonly getDeviceFdLookupFirst: boolean;
  /** When its last device goes, the group's `/dev/vfio/N` is removed at once and an open group fd answers ENODEV. */
  readonly groupFdDisassociates: boolean;
}

/** A switch's provenance: the kernel change that introduced the behaviour the `true`/6.1 side describes. */
export interface SwitchSource {
  /** What the switch means, in one line. */
  readonly summary: string;
  /** The commit subject and id (as far as kernel-semantics.md verifies it), or what is known of it. */
  readonly commit: string;
  /** The kernel release that shipped it. */
  readonly release: string;
  /** The catalogue entry of kernel-semantics.md §5 it relates to, if any. */
  readonly catalogue?: string;
}

/** Where every switch comes from. */
export const SWITCH_SOURCES: { readonly [K in keyof ProfileSwitches]: SwitchSource } = {
  driverInterface: {
    summary:
      'vendors are mdev_drivers with vfio_device_ops (6.1) instead of parent_ops behind vfio_mdev (4.10)',
    commit: '6c7f98b334a3 "vfio/mdev: Remove vfio_mdev.c" and the mdev_parent_ops removal series',
    release: 'v5.19 (landing exactly then UNVERIFIED)',
  },
  perParentLock: {
    summary: 'parent->lock serializes create/remove per parent, held across the blocking unregister',
    commit: '7b96953bc640 "vfio: Mediated device Core driver" (introduced); removed by 002fe996f67f',
    release: 'v4.10 to v4.17',
    catalogue: 'C-4',
  },
  removeClaimOnMdevList: {
    summary: 'remove claims the device by list_del on the global mdev_list; concurrent removers get ENODEV',
    commit: '"vfio-mdev: Fix remove race" (Alex Williamson, Dec 2016), state of 99e3123e3d72',
    release: 'v4.10-rc (inclusion in the v4.10 tag UNVERIFIED)',
    catalogue: 'C-1',
  },
  globalUuidReservation: {
    summary: 'UUID reserved on the global mdev_list at the start of create: EEXIST across parents',
    commit: '002fe996f67f "vfio/mdev: Check globally for duplicate devices"',
    release: 'v4.18',
    catalogue: 'C-4',
  },
  activeFlag: {
    summary: 'mdev->active: removing a device that is not active returns EAGAIN',
    commit: '002fe996f67f "vfio/mdev: Check globally for duplicate devices"',
    release: 'v4.18',
    catalogue: 'C-4',
  },
  visibleBeforeVendorCreate: {
    summary: 'device_register (vfio_mdev probe, /dev/vfio/N) runs before vendor create: openable first',
    commit: 'fixed by "vfio/mdev: Improve the create/remove sequence" (Parav Pandit)',
    release: 'v4.10 design, fixed in v5.2-rc5',
    catalogue: 'C-2',
  },
  removeFileCreation: {
    summary: 'the remove file appears before the links (4.10), after them (4.18), or at device_add (5.19+)',
    commit:
      '6a62c1dfb5c7 "vfio/mdev: Re-order sysfs attribute creation" (4.18); dev->groups with the mdev_parent_ops removal (≈v5.19, UNVERIFIED exact)',
    release: 'v4.10 order UNVERIFIED verbatim; device-groups verified in 6.1.192',
    catalogue: 'C-5',
  },
  vendorRemoveBeforeUnregister: {
    summary: 'vendor remove (state freed) runs before device_unregister waits for the fds',
    commit: 'fixed by "vfio/mdev: Improve the create/remove sequence" (Parav Pandit)',
    release: 'v4.10 design, fixed in v5.2-rc5',
    catalogue: 'C-2',
  },
  vendorRemoveCanFail: {
    summary: 'the vendor remove() may refuse, failing the user remove',
    commit:
      'ended by "vfio/mdev: Improve the create/remove sequence" (errors only logged), void remove by 6.1',
    release: 'v4.10 to v5.2-rc4',
    catalogue: 'C-8',
  },
  vendorRemoveErrnoMasked: {
    summary: 'a refused vendor remove is reported as EBUSY',
    commit: 'fixed by "vfio/mdev: Avoid masking error code to EBUSY" (Parav Pandit)',
    release: 'v4.10 to v5.1',
    catalogue: 'C-8',
  },
  recreateRemoveFileOnFailure: {
    summary: 'a failed remove re-creates the remove file',
    commit: 'fixed by "vfio/mdev: Avoid creating sysfs remove file on stale device removal" (Parav Pandit)',
    release: 'v4.10 to v5.2-rc4',
    catalogue: 'C-3',
  },
  unregSem: {
    summary: 'parent->unreg_sem: create/remove trylock it (ENODEV), unregister holds it for write',
    commit: '5715c4dd66a3 "vfio/mdev: Synchronize device create/remove with parent removal"',
    release: 'v5.2-rc5',
    catalogue: 'C-9',
  },
  childRemovalAbortsOnError: {
    summary: 'parent unregistration stops at the first child whose removal fails',
    commit: 'fixed by 6093e348a5e2 "vfio/mdev: Fix aborting mdev child device removal if one fails"',
    release: 'v4.10 to v5.1',
    catalogue: 'C-7',
  },
  duplicateParentPutsExisting: {
    summary: 'a duplicate parent registration drops a kref of the existing parent',
    commit: 'fixed by 60e7f2c3fe99 "vfio/mdev: Avoid release parent reference during error path"',
    release: 'v4.10 to v5.1',
    catalogue: 'C-6',
  },
  coreInstanceCounting: {
    summary: 'the core counts instances of drivers without get_available, per parent: EUSERS',
    commit: '"vfio/mdev: add mdev available instance checking to the core" (Jason Gunthorpe)',
    release: 'v6.1',
    catalogue: 'C-12',
  },
  openCloseCounting: {
    summary: 'open_device/close_device only on first open and last close',
    commit: '2fd585f4ed9d "vfio: Provide better generic support for open/release vfio_device_ops"',
    release: 'v5.15',
    catalogue: 'C-13',
  },
  getDeviceFdLookupFirst: {
    summary: 'GET_DEVICE_FD looks the device name up before checking container and IOMMU',
    commit: 'vfio_device_open() refactoring of the 5.19/6.0 cycle (Jason Gunthorpe; exact commit UNVERIFIED)',
    release: 'v6.1 (verified in 6.1.192 vfio_main.c)',
  },
  groupFdDisassociates: {
    summary:
      'removing the last device deletes /dev/vfio/N at once; the open group fd answers ENODEV; group ioctls use the 6.1 group_lock order (SET_CONTAINER checks the fd first)',
    commit: '"vfio: Make the group FD disassociate from the iommu_group" (Jason Gunthorpe)',
    release: 'v6.1',
    catalogue: 'C-18',
  },
};
