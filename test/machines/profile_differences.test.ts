import { describe, expect, it } from 'vitest';
import { machineGraph } from '../../src/spec_tools/machine_graph.ts';
import { describeDiff, diffProfiles } from '../../src/spec_tools/profile_diff.ts';
import { findMachine } from '../../src/spec_tools/registry.ts';

/**
 * The differences between the v4.10 and the v6.1 machine of every spec machine, as computed from the two
 * machines' graphs (`-` only in v4.10, `+` only in v6.1), with the rows of kernel-semantics.md §2.7 (and
 * the sections behind them) that call for them.
 */
const EXPECTED: Readonly<Record<string, readonly string[]>> = {
  // §1.2 vs §2.3: what registration checks (parent_ops members vs device_api) and what a duplicate returns
  // (EEXIST with the C-6 put vs ENOMEM from the kset); §1.3 step 1: 4.10 unregisters an unknown parent
  // silently; §2.7 "Create while parent unregistering" (6.1 ENODEV, 4.10 blocks); oracle "Module unload":
  // on 6.1 an open device fd pins the vendor module (EAGAIN), on 4.10 it pins vfio_mdev.
  parent: [
    '- v4.10 transition: registered --REGISTER [missingMandatoryOps]--> (internal) !EINVAL',
    '- v4.10 transition: registered --REGISTER--> (internal) !EEXIST {putExistingParent}',
    '- v4.10 transition: unregistered --REGISTER [missingMandatoryOps]--> (internal) !EINVAL',
    '- v4.10 transition: unregistered --UNREGISTER--> (internal) =void',
    '+ v6.1 transition: registered --REGISTER [missingDeviceApi]--> (internal) !EINVAL',
    '+ v6.1 transition: registered --REGISTER--> (internal) !ENOMEM',
    '+ v6.1 transition: registered --UNLOAD_MODULE [hasOpenFds]--> (internal) !EAGAIN',
    '+ v6.1 transition: unregistered --REGISTER [missingDeviceApi]--> (internal) !EINVAL',
    '+ v6.1 transition: unregistering --CREATE_CHILD--> (internal) !ENODEV',
    '+ v6.1 transition: unregistering --REMOVE_CHILD--> (internal) !ENODEV',
  ],
  // §2.7 "No instances left": 4.10 mtty never checks (available_instances may go negative, C-11);
  // 6.1 mtty reserves ports at probe and refuses with ENOSPC.
  type_accounting_mtty: [
    '- v4.10 state: mtty-1.negative',
    '- v4.10 state: mtty-2.negative',
    '- v4.10 transition: (root) --CREATE [isType(mdevType=mtty-1)]--> (internal) =0 {reserve(mdevType=mtty-1, cost=1)}',
    '- v4.10 transition: (root) --CREATE [isType(mdevType=mtty-2)]--> (internal) =0 {reserve(mdevType=mtty-2, cost=2)}',
    '- v4.10 transition: mtty-1.available --(always) [availableNegative(cost=1)]--> mtty-1.negative',
    '- v4.10 transition: mtty-1.exhausted --(always) [availableNegative(cost=1)]--> mtty-1.negative',
    '- v4.10 transition: mtty-1.negative --(always) [availablePositive(cost=1)]--> mtty-1.available',
    '- v4.10 transition: mtty-1.negative --(always) [availableZero(cost=1)]--> mtty-1.exhausted',
    '- v4.10 transition: mtty-2.exhausted --(always) [availableNegative(cost=2)]--> mtty-2.negative',
    '- v4.10 transition: mtty-2.negative --(always) [availableZero(cost=2)]--> mtty-2.exhausted',
    '+ v6.1 transition: (root) --CREATE [hasRoom(mdevType=mtty-1, cost=1)]--> (internal) =0 {reserve(mdevType=mtty-1, cost=1)}',
    '+ v6.1 transition: (root) --CREATE [hasRoom(mdevType=mtty-2, cost=2)]--> (internal) =0 {reserve(mdevType=mtty-2, cost=2)}',
    '+ v6.1 transition: (root) --CREATE [isType(mdevType=mtty-1)]--> (internal) !ENOSPC',
    '+ v6.1 transition: (root) --CREATE [isType(mdevType=mtty-2)]--> (internal) !ENOSPC',
  ],
  // §2.7 "No instances left": 4.10-era mdpy check-then-act ENOMEM (C-12); 6.1 core counter EUSERS.
  type_accounting_mdpy: [
    '- v4.10 transition: (root) --CREATE [isType(mdevType=mdpy-hd)]--> (internal) !ENOMEM',
    '- v4.10 transition: (root) --CREATE [isType(mdevType=mdpy-vga)]--> (internal) !ENOMEM',
    '- v4.10 transition: (root) --CREATE [isType(mdevType=mdpy-xga)]--> (internal) !ENOMEM',
    '+ v6.1 transition: (root) --CREATE [isType(mdevType=mdpy-hd)]--> (internal) !EUSERS',
    '+ v6.1 transition: (root) --CREATE [isType(mdevType=mdpy-vga)]--> (internal) !EUSERS',
    '+ v6.1 transition: (root) --CREATE [isType(mdevType=mdpy-xga)]--> (internal) !EUSERS',
  ],
  // §2.7 "No instances left": 4.10-era mbochs ENOMEM (C-12); 6.1 atomic reservation ENOSPC.
  type_accounting_mbochs: [
    '- v4.10 transition: (root) --CREATE [isType(mdevType=mbochs-large)]--> (internal) !ENOMEM',
    '- v4.10 transition: (root) --CREATE [isType(mdevType=mbochs-medium)]--> (internal) !ENOMEM',
    '- v4.10 transition: (root) --CREATE [isType(mdevType=mbochs-small)]--> (internal) !ENOMEM',
    '+ v6.1 transition: (root) --CREATE [isType(mdevType=mbochs-large)]--> (internal) !ENOSPC',
    '+ v6.1 transition: (root) --CREATE [isType(mdevType=mbochs-medium)]--> (internal) !ENOSPC',
    '+ v6.1 transition: (root) --CREATE [isType(mdevType=mbochs-small)]--> (internal) !ENOSPC',
  ],
  // §2.7 rows "Remove while the device is open" (4.10 vendor may refuse: EBUSY, file re-created; 6.1 always
  // accepted, blocks), "Remove while creating" (4.10 ENODEV before mdev_list; 6.1 EAGAIN and the file is
  // lost), "Duplicate UUID scope", "Create while parent unregistering", "Driver bound to mdev" (vfio_mdev
  // vs the vendor's mdev_driver); the create/remove orders of §1.5/§1.6 (vfio_mdev probed before the
  // vendor create, vendor remove before device_unregister; C-2) vs §2.4/§2.5 (reserve, device_add, probe,
  // links, active; device_del then vendor remove); C-13: open/close callbacks on every fd (4.10) vs
  // counted open_device/close_device (6.1).
  mdev_device: [
    '- v4.10 state: lifecycle.exists.claimed',
    '- v4.10 state: lifecycle.exists.claimed.awaitingParentLock',
    '- v4.10 state: lifecycle.exists.claimed.vendorRefused',
    '- v4.10 state: lifecycle.exists.claimed.vendorRemoved',
    '- v4.10 state: lifecycle.exists.claimed.vendorRemoving',
    '- v4.10 state: lifecycle.exists.creating.createFailed',
    '- v4.10 state: lifecycle.exists.creating.registered',
    '- v4.10 state: lifecycle.exists.creating.registering',
    '- v4.10 state: lifecycle.exists.creating.undoingCreate',
    '- v4.10 state: lifecycle.exists.creating.vendorCreated',
    '- v4.10 state: lifecycle.exists.creating.vendorCreating',
    '- v4.10 state: lifecycle.exists.listed',
    '- v4.10 state: lifecycle.exists.removing.unregistering',
    '- v4.10 state: lifecycle.exists.visible',
    '- v4.10 transition: fds.closed --vendor.enter [isOneOfCallbacks(cbs=open_device|open)]--> (internal)',
    '- v4.10 transition: fds.closed --vendor.exit [isOneOfCallbacks(cbs=open_device|open)]--> (internal)',
    '- v4.10 transition: fds.open --vendor.enter [isOneOfCallbacks(cbs=open_device|open|close_device|release|read|write|ioctl|mmap)]--> (internal)',
    '- v4.10 transition: fds.open --vendor.exit [isOneOfCallbacks(cbs=open_device|open|close_device|release|read|write|ioctl|mmap)]--> (internal)',
    '- v4.10 transition: lifecycle.absent --mdev.device_add--> lifecycle.exists.creating.registered {beginCreate}',
    '- v4.10 transition: lifecycle.absent --mdev.remove.refused [refusedWith(errno=ENODEV)]--> (internal) !ENODEV',
    '- v4.10 transition: lifecycle.absent --vfio.register--> lifecycle.exists {beginCreate, setVfio(vfio=registered)}',
    '- v4.10 transition: lifecycle.exists --mdev.remove.refused [refusedWhileUnlisted(errno=ENODEV)]--> (internal) !ENODEV',
    '- v4.10 transition: lifecycle.exists.claimed.awaitingParentLock --vendor.enter [isCallback(cb=remove)]--> lifecycle.exists.claimed.vendorRemoving',
    '- v4.10 transition: lifecycle.exists.claimed.vendorRefused --mdev.remove.refused [refusedWith(errno=EBUSY)]--> lifecycle.exists.listed !EBUSY {activate, createRemoveFile}',
    '- v4.10 transition: lifecycle.exists.claimed.vendorRefused --mdev.teardown.begin [teardownBy(by=unregister)]--> lifecycle.exists.removing',
    '- v4.10 transition: lifecycle.exists.claimed.vendorRemoved --mdev.teardown.begin--> lifecycle.exists.removing',
    '- v4.10 transition: lifecycle.exists.claimed.vendorRemoving --vendor.exit [callbackFailed(cb=remove)]--> lifecycle.exists.claimed.vendorRefused',
    '- v4.10 transition: lifecycle.exists.claimed.vendorRemoving --vendor.exit [callbackSucceeded(cb=remove)]--> lifecycle.exists.claimed.vendorRemoved =0',
    '- v4.10 transition: lifecycle.exists.creating.createFailed --mdev.teardown.begin [teardownBy(by=create-error)]--> lifecycle.exists.removing',
    '- v4.10 transition: lifecycle.exists.creating.registered --vendor.enter [isCallback(cb=create)]--> lifecycle.exists.creating.vendorCreating',
    '- v4.10 transition: lifecycle.exists.creating.registering --mdev.device_add--> lifecycle.exists.creating.registered =0',
    '- v4.10 transition: lifecycle.exists.creating.undoingCreate --vendor.exit [isCallback(cb=remove)]--> lifecycle.exists.creating.createFailed',
    '- v4.10 transition: lifecycle.exists.creating.vendorCreated --mdev.links--> lifecycle.exists.visible {createRemoveFile}',
    '- v4.10 transition: lifecycle.exists.creating.vendorCreated --vendor.enter [isCallback(cb=remove)]--> lifecycle.exists.creating.undoingCreate !EEXIST',
    '- v4.10 transition: lifecycle.exists.creating.vendorCreating --vendor.exit [callbackFailed(cb=create)]--> lifecycle.exists.creating.createFailed !EINVAL',
    '- v4.10 transition: lifecycle.exists.creating.vendorCreating --vendor.exit [callbackSucceeded(cb=create)]--> lifecycle.exists.creating.vendorCreated =0',
    '- v4.10 transition: lifecycle.exists.listed --mdev.remove.claim--> lifecycle.exists.claimed {deactivate, dropRemoveFile}',
    '- v4.10 transition: lifecycle.exists.removing.blockedOnRelease --vfio.unregister.end [noOpenFds]--> lifecycle.exists.removing.unbound {setVfio(vfio=gone)}',
    '- v4.10 transition: lifecycle.exists.removing.unregistering --mdev.teardown.end [vfioNotBound]--> lifecycle.exists.deleted',
    '- v4.10 transition: lifecycle.exists.removing.unregistering --vfio.unregister.begin [vfioBound]--> lifecycle.exists.removing.vfioUnregistering {setVfio(vfio=unregistering)}',
    '- v4.10 transition: lifecycle.exists.removing.vfioUnregistering --vfio.unregister.end [noOpenFds]--> lifecycle.exists.removing.unbound {setVfio(vfio=gone)}',
    '- v4.10 transition: lifecycle.exists.visible --mdev.active--> lifecycle.exists.listed {activate}',
    '+ v6.1 state: lifecycle.exists.active',
    '+ v6.1 state: lifecycle.exists.awaitingUnregister',
    '+ v6.1 state: lifecycle.exists.claimed',
    '+ v6.1 state: lifecycle.exists.creating.added',
    '+ v6.1 state: lifecycle.exists.creating.linked',
    '+ v6.1 state: lifecycle.exists.creating.probeFailed',
    '+ v6.1 state: lifecycle.exists.creating.probed',
    '+ v6.1 state: lifecycle.exists.creating.probing',
    '+ v6.1 state: lifecycle.exists.creating.reserved',
    '+ v6.1 state: lifecycle.exists.creating.vfioRegistered',
    '+ v6.1 state: lifecycle.exists.removing.unlinking',
    '+ v6.1 state: lifecycle.exists.removing.vendorReleasing',
    '+ v6.1 state: lifecycle.exists.removing.vendorRemoving',
    '+ v6.1 transition: fds.closed --vendor.enter [isOneOfCallbacks(cbs=open_device)]--> (internal)',
    '+ v6.1 transition: fds.closed --vendor.exit [isOneOfCallbacks(cbs=open_device)]--> (internal)',
    '+ v6.1 transition: fds.open --vendor.enter [isOneOfCallbacks(cbs=open_device|close_device|read|write|ioctl|mmap)]--> (internal)',
    '+ v6.1 transition: fds.open --vendor.exit [isOneOfCallbacks(cbs=open_device|close_device|read|write|ioctl|mmap)]--> (internal)',
    '+ v6.1 transition: lifecycle.absent --mdev.create.end [createEndedWith(errno=EUSERS)]--> (internal) !EUSERS',
    '+ v6.1 transition: lifecycle.absent --mdev.reserve--> lifecycle.exists {beginCreate}',
    '+ v6.1 transition: lifecycle.exists.active --mdev.remove.claim [removeFileExists]--> lifecycle.exists.claimed {deactivate, dropRemoveFile}',
    '+ v6.1 transition: lifecycle.exists.active --mdev.teardown.begin [teardownBy(by=unregister)]--> lifecycle.exists.removing',
    '+ v6.1 transition: lifecycle.exists.awaitingUnregister --mdev.teardown.begin [teardownBy(by=unregister)]--> lifecycle.exists.removing',
    '+ v6.1 transition: lifecycle.exists.claimed --mdev.remove.refused [refusedWith(errno=ENODEV)]--> lifecycle.exists.awaitingUnregister !ENODEV',
    '+ v6.1 transition: lifecycle.exists.claimed --mdev.teardown.begin [teardownBy(by=unregister)]--> lifecycle.exists.removing',
    '+ v6.1 transition: lifecycle.exists.claimed --mdev.teardown.begin [teardownBy(by=user)]--> lifecycle.exists.removing',
    '+ v6.1 transition: lifecycle.exists.creating --mdev.remove.refused [refusedWhileRemoveFileExists(errno=EAGAIN)]--> (internal) !EAGAIN {dropRemoveFile}',
    '+ v6.1 transition: lifecycle.exists.creating.added --vendor.enter [isCallback(cb=probe)]--> lifecycle.exists.creating.probing',
    '+ v6.1 transition: lifecycle.exists.creating.linked --mdev.active--> lifecycle.exists.active {activate}',
    '+ v6.1 transition: lifecycle.exists.creating.probeFailed --mdev.release--> lifecycle.released',
    '+ v6.1 transition: lifecycle.exists.creating.probed --mdev.links--> lifecycle.exists.creating.linked',
    '+ v6.1 transition: lifecycle.exists.creating.probing --vendor.enter [isOneOfCallbacks(cbs=init|release)]--> (internal)',
    '+ v6.1 transition: lifecycle.exists.creating.probing --vendor.exit [callbackFailed(cb=probe)]--> lifecycle.exists.creating.probeFailed !ENOSPC',
    '+ v6.1 transition: lifecycle.exists.creating.probing --vendor.exit [isOneOfCallbacks(cbs=init|release)]--> (internal)',
    '+ v6.1 transition: lifecycle.exists.creating.probing --vfio.register--> lifecycle.exists.creating.vfioRegistered {setVfio(vfio=registered)}',
    '+ v6.1 transition: lifecycle.exists.creating.reserved --mdev.device_add--> lifecycle.exists.creating.added {createRemoveFile}',
    '+ v6.1 transition: lifecycle.exists.creating.reserved --mdev.release--> lifecycle.released !ENODEV',
    '+ v6.1 transition: lifecycle.exists.creating.vfioRegistered --vendor.exit [callbackSucceeded(cb=probe)]--> lifecycle.exists.creating.probed =0',
    '+ v6.1 transition: lifecycle.exists.removing --mdev.remove.claim [isActive]--> (internal) {deactivate, dropRemoveFile}',
    '+ v6.1 transition: lifecycle.exists.removing --mdev.remove.refused [refusedWith(errno=ENODEV)]--> (internal) !ENODEV',
    '+ v6.1 transition: lifecycle.exists.removing.blockedOnRelease --vfio.unregister.end [noOpenFds]--> lifecycle.exists.removing.vendorReleasing {setVfio(vfio=gone)}',
    '+ v6.1 transition: lifecycle.exists.removing.unlinking --vendor.enter [isCallback(cb=remove)]--> lifecycle.exists.removing.vendorRemoving {dropRemoveFile}',
    '+ v6.1 transition: lifecycle.exists.removing.vendorReleasing --vendor.enter [isCallback(cb=release)]--> (internal)',
    '+ v6.1 transition: lifecycle.exists.removing.vendorReleasing --vendor.exit [isCallback(cb=release)]--> (internal)',
    '+ v6.1 transition: lifecycle.exists.removing.vendorReleasing --vendor.exit [isCallback(cb=remove)]--> lifecycle.exists.removing.unbound',
    '+ v6.1 transition: lifecycle.exists.removing.vendorRemoving --vfio.unregister.begin--> lifecycle.exists.removing.vfioUnregistering {setVfio(vfio=unregistering)}',
    '+ v6.1 transition: lifecycle.exists.removing.vfioUnregistering --vfio.unregister.end [noOpenFds]--> lifecycle.exists.removing.vendorReleasing {setVfio(vfio=gone)}',
    '+ v6.1 transition: lifecycle.released --mdev.create.end [createSucceeded]--> (internal) =count {creatorReturned}',
  ],
  // §2.7 "/dev/vfio/N after removal while the group fd is open" (4.10 stays; 6.1 gone, ioctls ENODEV);
  // §3.1 GET_DEVICE_FD order (4.10 container/IOMMU before the name; 6.1 the name first).
  vfio_attachment: [
    '- v4.10 transition: (root) --DEVICE_REMOVED [deviceRemovable]--> (internal) {removeDevice}',
    '- v4.10 transition: groupOpen --CLOSE_GROUP [deviceGone]--> gone',
    '- v4.10 transition: groupOpen.containerSet --GET_DEVICE_FD--> (internal) !EINVAL',
    '- v4.10 transition: groupOpen.iommuSet --GET_DEVICE_FD [nameMatches]--> (internal) =fd {openDeviceFd}',
    '- v4.10 transition: groupOpen.iommuSet --GET_DEVICE_FD--> (internal) !ENODEV',
    '- v4.10 transition: groupOpen.noContainer --GET_DEVICE_FD--> (internal) !EINVAL',
    '+ v6.1 state: stale',
    '+ v6.1 transition: (root) --DEVICE_REMOVED [deviceRemovable]--> stale {removeDevice}',
    '+ v6.1 transition: groupOpen.containerSet --GET_DEVICE_FD [nameMatches]--> (internal) !EINVAL',
    '+ v6.1 transition: groupOpen.containerSet --GET_DEVICE_FD--> (internal) !ENODEV',
    '+ v6.1 transition: groupOpen.iommuSet --GET_DEVICE_FD [nameUnknown]--> (internal) !ENODEV',
    '+ v6.1 transition: groupOpen.iommuSet --GET_DEVICE_FD--> (internal) =fd {openDeviceFd}',
    '+ v6.1 transition: groupOpen.noContainer --GET_DEVICE_FD [nameMatches]--> (internal) !EINVAL',
    '+ v6.1 transition: groupOpen.noContainer --GET_DEVICE_FD--> (internal) !ENODEV',
    '+ v6.1 transition: stale --CLOSE_GROUP--> gone',
    '+ v6.1 transition: stale --GET_DEVICE_FD--> (internal) !ENODEV',
    '+ v6.1 transition: stale --GET_STATUS--> (internal) !ENODEV',
    '+ v6.1 transition: stale --OPEN_GROUP--> (internal) !ENODEV',
    '+ v6.1 transition: stale --SET_CONTAINER--> (internal) !ENODEV',
    '+ v6.1 transition: stale --SET_IOMMU--> (internal) !EINVAL',
    '+ v6.1 transition: stale --UNSET_CONTAINER--> (internal) !EINVAL',
  ],
  // §3.3 Kconfig: VFIO depends on IOMMU_API (4.10) vs selects it (6.1); the TYPE1 and SPAPR_TCE rules of
  // each kernel (4.10: the user's seed text). §3.1: 6.1 skips disallowed backends in CHECK_EXTENSION once
  // groups are attached and type1 answers UNMAP_ALL; §3.3 table / §6.5: sPAPR refuses emulated groups
  // (6.1 EINVAL; 4.10 ENODEV, UNVERIFIED).
  iommu_backend: [
    '- v4.10 transition: container.attached --CHECK_EXTENSION [answers(backend=noiommu, extensions=8, respectsGroupKind=false)]--> (internal) =1',
    '- v4.10 transition: container.attached --CHECK_EXTENSION [answers(backend=spaprTce, extensions=2|7, respectsGroupKind=false)]--> (internal) =1',
    '- v4.10 transition: container.attached --CHECK_EXTENSION [answers(backend=type1, extensions=1|3|6, respectsGroupKind=false)]--> (internal) =1',
    '- v4.10 transition: container.attached --SET_IOMMU [candidate(backend=spaprTce, extensions=2|7)]--> (internal) !ENODEV',
    '- v4.10 transition: container.empty --CHECK_EXTENSION [answers(backend=type1, extensions=1|3|6, respectsGroupKind=false)]--> (internal) =1',
    '- v4.10 transition: container.type1 --CHECK_EXTENSION [answers(backend=type1, extensions=1|3|6, respectsGroupKind=false)]--> (internal) =1',
    '- v4.10 transition: kconfig.spaprTce --(always) [archSelects(anyOf=PPC_POWERNV|PPC_PSERIES)]--> kconfig.noiommu {buildBackend(backend=spaprTce)}',
    '- v4.10 transition: kconfig.type1 --(always) [archSelects(anyOf=X86|S390|ARM_SMMU|ARM_SMMU_V3)]--> kconfig.spaprTce {buildBackend(backend=type1)}',
    '- v4.10 transition: kconfig.vfio --(always) [vfioBuildable(dependsOn=IOMMU_API)]--> kconfig.type1 {buildVfio}',
    '+ v6.1 transition: container.attached --CHECK_EXTENSION [answers(backend=noiommu, extensions=8, respectsGroupKind=true)]--> (internal) =1',
    '+ v6.1 transition: container.attached --CHECK_EXTENSION [answers(backend=spaprTce, extensions=2|7, respectsGroupKind=true)]--> (internal) =1',
    '+ v6.1 transition: container.attached --CHECK_EXTENSION [answers(backend=type1, extensions=1|3|6|9, respectsGroupKind=true)]--> (internal) =1',
    '+ v6.1 transition: container.attached --SET_IOMMU [candidate(backend=spaprTce, extensions=2|7)]--> (internal) !EINVAL',
    '+ v6.1 transition: container.attached --SET_IOMMU [candidate(backend=type1, extensions=9)]--> (internal) !EINVAL',
    '+ v6.1 transition: container.empty --CHECK_EXTENSION [answers(backend=type1, extensions=1|3|6|9, respectsGroupKind=false)]--> (internal) =1',
    '+ v6.1 transition: container.type1 --CHECK_EXTENSION [answers(backend=type1, extensions=1|3|6|9, respectsGroupKind=false)]--> (internal) =1',
    '+ v6.1 transition: kconfig.spaprTce --(always) [archSelects(allOf=SPAPR_TCE_IOMMU)]--> kconfig.noiommu {buildBackend(backend=spaprTce)}',
    '+ v6.1 transition: kconfig.type1 --(always) [archSelects(allOf=MMU, anyOf=X86|S390|ARM|ARM64)]--> kconfig.spaprTce {buildBackend(backend=type1)}',
    '+ v6.1 transition: kconfig.vfio --(always) [vfioBuildable]--> kconfig.type1 {buildVfio}',
  ],
};

describe('profile differences (kernel-semantics.md §2.7)', () => {
  for (const [id, expected] of Object.entries(EXPECTED)) {
    it(`${id}: v4.10 and v6.1 differ exactly where expected`, () => {
      const entry = findMachine(id);
      if (!entry) throw new Error(`${id} is not registered`);
      const diff = diffProfiles(machineGraph(entry.create('v4.10')), machineGraph(entry.create('v6.1')));
      expect(describeDiff(diff, 'v4.10', 'v6.1')).toEqual(expected);
    });
  }
});
