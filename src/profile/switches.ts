/**
 * The named semantic switches that separate the kernels the model knows. A profile is a table of these,
 * never a copy of the code: the core reads a switch where the kernel's behaviour changed. Each switch names
 * the upstream change that flipped it (kernel-semantics.md §2.1, §2.7, §3.1, §5).
 */
export interface ProfileSwitches {
  /**
   * Vendor interface: 4.10 `struct parent_ops` through the vfio_mdev bridge, or 6.1 `struct mdev_driver` +
   * `vfio_device_ops`.
   * Source: 6c7f98b334a3 "vfio/mdev: Remove vfio_mdev.c" and the mdev_parent_ops removal series; v5.19
   * (landing exactly then UNVERIFIED).
   */
  readonly driverInterface: 'parent_ops' | 'mdev_driver';
  /**
   * Create and remove of one parent are serialized by `parent->lock`, held across vendor callbacks and the
   * blocking unregister.
   * Source: 7b96953bc640 "vfio: Mediated device Core driver" (introduced); removed by 002fe996f67f; v4.10 to
   * v4.17; C-4.
   */
  readonly perParentLock: boolean;
  /**
   * A global `mdev_list` on which a remover claims the device by `list_del` (concurrent removers get ENODEV,
   * a refused vendor remove re-adds it). From 4.18 the list holds every device until release and the claim
   * is the `active` flag instead.
   * Source: "vfio-mdev: Fix remove race" (Alex Williamson, Dec 2016), state of 99e3123e3d72; v4.10-rc
   * (inclusion in the v4.10 tag UNVERIFIED); C-1.
   */
  readonly removeClaimOnMdevList: boolean;
  /**
   * The UUID is reserved on the global `mdev_list` at the start of create, checked across all parents.
   * Source: 002fe996f67f "vfio/mdev: Check globally for duplicate devices"; v4.18; C-4.
   */
  readonly globalUuidReservation: boolean;
  /**
   * `mdev->active`: a remove of a device still being created (or already claimed) returns EAGAIN.
   * Source: 002fe996f67f "vfio/mdev: Check globally for duplicate devices"; v4.18; C-4.
   */
  readonly activeFlag: boolean;
  /**
   * The device is registered (and vfio_mdev probed: `/dev/vfio/N` openable) before vendor create runs.
   * Source: fixed by "vfio/mdev: Improve the create/remove sequence" (Parav Pandit); v4.10 design, fixed in
   * v5.2-rc5; C-2.
   */
  readonly visibleBeforeVendorCreate: boolean;
  /**
   * When the `remove` attribute appears: at the end of create before the type links (4.10), after them
   * (4.18–5.18), or with the device itself, from `dev->groups` at `device_add` (5.19/6.1: before probe and
   * before `active`, which opens the remove-during-create window of kernel-semantics.md §2.5).
   * Source: 6a62c1dfb5c7 "vfio/mdev: Re-order sysfs attribute creation" (4.18); dev->groups with the
   * mdev_parent_ops removal (≈v5.19, UNVERIFIED exact); v4.10 order UNVERIFIED verbatim; device-groups
   * verified in 6.1.192; C-5.
   */
  readonly removeFileCreation: 'before-links' | 'after-links' | 'device-groups';
  /**
   * Remove calls the vendor first (which frees its state), then unregisters and waits for the fds.
   * Source: fixed by "vfio/mdev: Improve the create/remove sequence" (Parav Pandit); v4.10 design, fixed in
   * v5.2-rc5; C-2.
   */
  readonly vendorRemoveBeforeUnregister: boolean;
  /**
   * The vendor `remove()` may refuse; a refusal fails the user's remove.
   * Source: ended by "vfio/mdev: Improve the create/remove sequence" (errors only logged), void remove by
   * 6.1; v4.10 to v5.2-rc4; C-8.
   */
  readonly vendorRemoveCanFail: boolean;
  /**
   * A refused vendor remove is reported as -EBUSY whatever errno the vendor returned.
   * Source: fixed by "vfio/mdev: Avoid masking error code to EBUSY" (Parav Pandit); v4.10 to v5.1; C-8.
   */
  readonly vendorRemoveErrnoMasked: boolean;
  /**
   * A failed remove re-creates the `remove` file (on a device that may be being deleted).
   * Source: fixed by "vfio/mdev: Avoid creating sysfs remove file on stale device removal" (Parav Pandit);
   * v4.10 to v5.2-rc4; C-3.
   */
  readonly recreateRemoveFileOnFailure: boolean;
  /**
   * `parent->unreg_sem`: create/remove `down_read_trylock` it (failure → ENODEV), unregistration takes it for
   * write.
   * Source: 5715c4dd66a3 "vfio/mdev: Synchronize device create/remove with parent removal"; v5.2-rc5; C-9.
   */
  readonly unregSem: boolean;
  /**
   * Parent unregistration stops removing children at the first child whose removal fails.
   * Source: fixed by 6093e348a5e2 "vfio/mdev: Fix aborting mdev child device removal if one fails"; v4.10 to
   * v5.1; C-7.
   */
  readonly childRemovalAbortsOnError: boolean;
  /**
   * A duplicate parent registration drops a reference of the existing parent (use after free).
   * Source: fixed by 60e7f2c3fe99 "vfio/mdev: Avoid release parent reference during error path"; v4.10 to
   * v5.1; C-6.
   */
  readonly duplicateParentPutsExisting: boolean;
  /**
   * Instances of a driver without `get_available` are counted by the core per parent (EUSERS when none is
   * left).
   * Source: "vfio/mdev: add mdev available instance checking to the core" (Jason Gunthorpe); v6.1; C-12.
   */
  readonly coreInstanceCounting: boolean;
  /**
   * open_device/close_device only on the first open and last close, counted under `dev_set->lock`.
   * Source: 2fd585f4ed9d "vfio: Provide better generic support for open/release vfio_device_ops"; v5.15;
   * C-13.
   */
  readonly openCloseCounting: boolean;
  /**
   * GET_DEVICE_FD looks the name up before checking container and IOMMU (wrong name without container:
   * ENODEV, not EINVAL).
   * Source: vfio_device_open() refactoring of the 5.19/6.0 cycle (Jason Gunthorpe; exact commit UNVERIFIED);
   * v6.1 (verified in 6.1.192 vfio_main.c).
   */
  readonly getDeviceFdLookupFirst: boolean;
  /**
   * When its last device goes, the group's `/dev/vfio/N` is removed at once and an open group fd answers
   * ENODEV.
   * Source: "vfio: Make the group FD disassociate from the iommu_group" (Jason Gunthorpe); v6.1; C-18.
   */
  readonly groupFdDisassociates: boolean;
}
