import { describe, expect, it } from 'vitest';
import { ERRNO, type ErrnoName } from '../../machines/errno.ts';
import { KERNEL_PROFILES, type KernelProfile } from '../../machines/profile.ts';
import { SAMPLE_PARENTS, type SampleVendor } from '../../machines/type_accounting.ts';
import { machineGraph } from '../../src/spec_tools/machine_graph.ts';
import { MACHINE_REGISTRY } from '../../src/spec_tools/registry.ts';

/** One expected refusal: where it is defined, its trigger and guard, its errno, and its source. */
interface Row {
  readonly machine: string;
  readonly profiles: readonly KernelProfile[];
  readonly at: string;
  readonly on: string;
  readonly guard?: string;
  readonly errno: ErrnoName;
  /** Where kernel-semantics.md (or the oracle README) says so. */
  readonly source: string;
}

const BOTH = KERNEL_PROFILES;
const V410: readonly KernelProfile[] = ['v4.10'];
const V61: readonly KernelProfile[] = ['v6.1'];

const typeRows = (
  vendor: SampleVendor,
  profiles: readonly KernelProfile[],
  errno: ErrnoName,
  source: string,
): Row[] =>
  SAMPLE_PARENTS[vendor].types.map((t) => ({
    machine: `type_accounting_${vendor}`,
    profiles,
    at: '',
    on: 'CREATE',
    guard: `isType(mdevType=${t.name})`,
    errno,
    source,
  }));

/** Every refusal of every machine, with the section of kernel-semantics.md it comes from. */
const EXPECTED: readonly Row[] = [
  // parent
  {
    machine: 'parent',
    profiles: V410,
    at: 'unregistered',
    on: 'REGISTER',
    guard: 'missingMandatoryOps',
    errno: 'EINVAL',
    source: '§1.2 step 1',
  },
  {
    machine: 'parent',
    profiles: V410,
    at: 'registered',
    on: 'REGISTER',
    guard: 'missingMandatoryOps',
    errno: 'EINVAL',
    source: '§1.2 step 1 (before the duplicate check)',
  },
  {
    machine: 'parent',
    profiles: V410,
    at: 'registered',
    on: 'REGISTER',
    errno: 'EEXIST',
    source: '§1.2 step 3, C-6',
  },
  {
    machine: 'parent',
    profiles: V61,
    at: 'unregistered',
    on: 'REGISTER',
    guard: 'missingDeviceApi',
    errno: 'EINVAL',
    source: '§2.3 mdev_register_driver',
  },
  {
    machine: 'parent',
    profiles: V61,
    at: 'registered',
    on: 'REGISTER',
    guard: 'missingDeviceApi',
    errno: 'EINVAL',
    source: '§2.3 mdev_register_driver',
  },
  {
    machine: 'parent',
    profiles: V61,
    at: 'registered',
    on: 'REGISTER',
    errno: 'ENOMEM',
    source: '§2.3 step 2 (duplicate kset name)',
  },
  {
    machine: 'parent',
    profiles: V61,
    at: 'registered',
    on: 'UNLOAD_MODULE',
    guard: 'hasOpenFds',
    errno: 'EAGAIN',
    source: 'oracle README "Module unload"',
  },
  {
    machine: 'parent',
    profiles: V61,
    at: 'unregistering',
    on: 'CREATE_CHILD',
    errno: 'ENODEV',
    source: '§2.4 step 7, §2.7, §6.1',
  },
  {
    machine: 'parent',
    profiles: V61,
    at: 'unregistering',
    on: 'REMOVE_CHILD',
    errno: 'ENODEV',
    source: '§2.5 step 4, §6.4',
  },
  // type accounting
  ...typeRows('mtty', V61, 'ENOSPC', '§4.2, §6.3'),
  ...typeRows('mdpy', V61, 'EUSERS', '§2.4 step 3, §4.3, §6.3'),
  ...typeRows('mbochs', V61, 'ENOSPC', '§4.4, §6.3'),
  ...typeRows('mdpy', V410, 'ENOMEM', '§4.3 history, C-12'),
  ...typeRows('mbochs', V410, 'ENOMEM', '§4.4 history, C-12'),
  // mdev device, v4.10
  {
    machine: 'mdev_device',
    profiles: V410,
    at: 'lifecycle.absent',
    on: 'mdev.remove.refused',
    guard: 'refusedWith(errno=ENODEV)',
    errno: 'ENODEV',
    source: '§1.3 step 3, C-7',
  },
  {
    machine: 'mdev_device',
    profiles: V410,
    at: 'lifecycle.exists',
    on: 'mdev.remove.refused',
    guard: 'refusedWhileUnlisted(errno=ENODEV)',
    errno: 'ENODEV',
    source: '§1.6 (99e3123e), C-1, §6.4',
  },
  {
    machine: 'mdev_device',
    profiles: V410,
    at: 'lifecycle.exists',
    on: 'mdev.create.end',
    guard: 'createEndedWith(errno=EEXIST)',
    errno: 'EEXIST',
    source: '§1.5 step 3',
  },
  {
    machine: 'mdev_device',
    profiles: V410,
    at: 'lifecycle.exists.creating.vendorCreating',
    on: 'vendor.exit',
    guard: 'callbackFailed(cb=create)',
    errno: 'EINVAL',
    source: '§1.5 (vendor errno unchanged), §4.1 mtty_create',
  },
  {
    machine: 'mdev_device',
    profiles: V410,
    at: 'lifecycle.exists.creating.vendorCreated',
    on: 'vendor.enter',
    guard: 'isCallback(cb=remove)',
    errno: 'EEXIST',
    source: '§1.5 steps 6–7, C-4 (sysfs link exists)',
  },
  {
    machine: 'mdev_device',
    profiles: V410,
    at: 'lifecycle.exists.claimed.vendorRefused',
    on: 'mdev.remove.refused',
    guard: 'refusedWith(errno=EBUSY)',
    errno: 'EBUSY',
    source: '§1.6, C-8, §2.7',
  },
  {
    machine: 'mdev_device',
    profiles: V410,
    at: 'lifecycle.released',
    on: 'mdev.remove.refused',
    guard: 'refusedWith(errno=ENODEV)',
    errno: 'ENODEV',
    source: '§1.6, C-3',
  },
  // mdev device, v6.1
  {
    machine: 'mdev_device',
    profiles: V61,
    at: 'lifecycle.released',
    on: 'mdev.remove.refused',
    guard: 'refusedWith(errno=ENODEV)',
    errno: 'ENODEV',
    source: '§2.5 step 1 (a remover that opened the file before the device went)',
  },
  {
    machine: 'mdev_device',
    profiles: V61,
    at: 'lifecycle.absent',
    on: 'mdev.create.end',
    guard: 'createEndedWith(errno=EUSERS)',
    errno: 'EUSERS',
    source: '§2.4 step 3',
  },
  {
    machine: 'mdev_device',
    profiles: V61,
    at: 'lifecycle.exists',
    on: 'mdev.create.end',
    guard: 'createEndedWith(errno=EEXIST)',
    errno: 'EEXIST',
    source: '§2.4 step 2, §6.3',
  },
  {
    machine: 'mdev_device',
    profiles: V61,
    at: 'lifecycle.exists.creating',
    on: 'mdev.remove.refused',
    guard: 'refusedWhileRemoveFileExists(errno=EAGAIN)',
    errno: 'EAGAIN',
    source: '§2.5 anomaly, §2.7, §6.3',
  },
  {
    machine: 'mdev_device',
    profiles: V61,
    at: 'lifecycle.exists.creating.reserved',
    on: 'mdev.release',
    errno: 'ENODEV',
    source: '§2.4 step 7',
  },
  {
    machine: 'mdev_device',
    profiles: V61,
    at: 'lifecycle.exists.creating.probing',
    on: 'vendor.exit',
    guard: 'callbackFailed(cb=probe)',
    errno: 'ENOSPC',
    source: '§2.4 step 9, §4.2, §6.3',
  },
  {
    machine: 'mdev_device',
    profiles: V61,
    at: 'lifecycle.exists.claimed',
    on: 'mdev.remove.refused',
    guard: 'refusedWith(errno=ENODEV)',
    errno: 'ENODEV',
    source: '§2.5 step 4',
  },
  {
    machine: 'mdev_device',
    profiles: V61,
    at: 'lifecycle.exists.removing',
    on: 'mdev.remove.refused',
    guard: 'refusedWith(errno=ENODEV)',
    errno: 'ENODEV',
    source: '§2.5 step 4, §6.1, §6.4',
  },
  // VFIO attachment
  {
    machine: 'vfio_attachment',
    profiles: BOTH,
    at: 'groupClosed',
    on: 'OPEN_GROUP',
    guard: 'lacksRawio',
    errno: 'EPERM',
    source: '§3.1 open(), §3.2',
  },
  {
    machine: 'vfio_attachment',
    profiles: BOTH,
    at: 'groupClosed',
    on: 'SET_IOMMU',
    errno: 'EINVAL',
    source: '§3.1 SET_IOMMU without a group, §6.5',
  },
  {
    machine: 'vfio_attachment',
    profiles: BOTH,
    at: 'groupOpen',
    on: 'OPEN_GROUP',
    guard: 'lacksRawio',
    errno: 'EPERM',
    source: '§3.1 open() (the capability check precedes the single-open check), §3.2',
  },
  {
    machine: 'vfio_attachment',
    profiles: BOTH,
    at: 'groupOpen',
    on: 'OPEN_GROUP',
    errno: 'EBUSY',
    source: '§3.1 open(), §2.6',
  },
  {
    machine: 'vfio_attachment',
    profiles: BOTH,
    at: 'groupOpen.noContainer',
    on: 'SET_CONTAINER',
    guard: 'lacksRawio',
    errno: 'EPERM',
    source: '§3.1 SET_CONTAINER',
  },
  {
    machine: 'vfio_attachment',
    profiles: BOTH,
    at: 'groupOpen.noContainer',
    on: 'SET_CONTAINER',
    guard: 'containerFdIs(kind=negative)',
    errno: 'EINVAL',
    source: '§3.1 SET_CONTAINER (fd < 0)',
  },
  {
    machine: 'vfio_attachment',
    profiles: BOTH,
    at: 'groupOpen.noContainer',
    on: 'SET_CONTAINER',
    guard: 'containerFdIs(kind=badFd)',
    errno: 'EBADF',
    source: '§3.1 SET_CONTAINER',
  },
  {
    machine: 'vfio_attachment',
    profiles: BOTH,
    at: 'groupOpen.noContainer',
    on: 'SET_CONTAINER',
    guard: 'containerFdIs(kind=notContainer)',
    errno: 'EINVAL',
    source: '§3.1 SET_CONTAINER',
  },
  {
    machine: 'vfio_attachment',
    profiles: BOTH,
    at: 'groupOpen.noContainer',
    on: 'UNSET_CONTAINER',
    errno: 'EINVAL',
    source: '§3.1 UNSET_CONTAINER',
  },
  {
    machine: 'vfio_attachment',
    profiles: BOTH,
    at: 'groupOpen.noContainer',
    on: 'SET_IOMMU',
    errno: 'EINVAL',
    source: '§3.1, §6.5',
  },
  {
    machine: 'vfio_attachment',
    profiles: V410,
    at: 'groupOpen.noContainer',
    on: 'GET_DEVICE_FD',
    errno: 'EINVAL',
    source: '§3.1 GET_DEVICE_FD (4.10 order)',
  },
  {
    machine: 'vfio_attachment',
    profiles: V61,
    at: 'groupOpen.noContainer',
    on: 'GET_DEVICE_FD',
    guard: 'nameMatches',
    errno: 'EINVAL',
    source: '§3.1 GET_DEVICE_FD (6.1 order)',
  },
  {
    machine: 'vfio_attachment',
    profiles: V61,
    at: 'groupOpen.noContainer',
    on: 'GET_DEVICE_FD',
    errno: 'ENODEV',
    source: '§3.1 GET_DEVICE_FD (6.1 order)',
  },
  {
    machine: 'vfio_attachment',
    profiles: BOTH,
    at: 'groupOpen.containerSet',
    on: 'SET_CONTAINER',
    errno: 'EINVAL',
    source: '§3.1, oracle "VFIO ioctl ordering"',
  },
  {
    machine: 'vfio_attachment',
    profiles: BOTH,
    at: 'groupOpen.containerSet',
    on: 'SET_IOMMU',
    errno: 'ENODEV',
    source: '§3.1, §6.5',
  },
  {
    machine: 'vfio_attachment',
    profiles: V410,
    at: 'groupOpen.containerSet',
    on: 'GET_DEVICE_FD',
    errno: 'EINVAL',
    source: '§3.1 (4.10 order), §6.5',
  },
  {
    machine: 'vfio_attachment',
    profiles: V61,
    at: 'groupOpen.containerSet',
    on: 'GET_DEVICE_FD',
    guard: 'nameMatches',
    errno: 'EINVAL',
    source: '§3.1 (6.1 order), §6.5',
  },
  {
    machine: 'vfio_attachment',
    profiles: V61,
    at: 'groupOpen.containerSet',
    on: 'GET_DEVICE_FD',
    errno: 'ENODEV',
    source: '§3.1 (6.1 order)',
  },
  {
    machine: 'vfio_attachment',
    profiles: BOTH,
    at: 'groupOpen.iommuSet',
    on: 'SET_CONTAINER',
    errno: 'EINVAL',
    source: '§3.1',
  },
  {
    machine: 'vfio_attachment',
    profiles: BOTH,
    at: 'groupOpen.iommuSet',
    on: 'SET_IOMMU',
    errno: 'EINVAL',
    source: '§3.1, §6.5',
  },
  {
    machine: 'vfio_attachment',
    profiles: BOTH,
    at: 'groupOpen.iommuSet',
    on: 'UNSET_CONTAINER',
    guard: 'hasDeviceFds',
    errno: 'EBUSY',
    source: '§3.1, §6.5',
  },
  {
    machine: 'vfio_attachment',
    profiles: BOTH,
    at: 'groupOpen.iommuSet',
    on: 'GET_DEVICE_FD',
    guard: 'lacksRawio',
    errno: 'EPERM',
    source: '§3.1, §3.2',
  },
  {
    machine: 'vfio_attachment',
    profiles: V410,
    at: 'groupOpen.iommuSet',
    on: 'GET_DEVICE_FD',
    errno: 'ENODEV',
    source: '§3.1 (4.10: the name after container, IOMMU and capability), §6.5',
  },
  {
    machine: 'vfio_attachment',
    profiles: V61,
    at: 'groupOpen.iommuSet',
    on: 'GET_DEVICE_FD',
    guard: 'nameUnknown',
    errno: 'ENODEV',
    source: '§3.1 (6.1: the name first), §6.5',
  },
  {
    machine: 'vfio_attachment',
    profiles: BOTH,
    at: 'closedWithDeviceFds',
    on: 'OPEN_GROUP',
    guard: 'lacksRawio',
    errno: 'EPERM',
    source: '§3.1 open(), §3.2',
  },
  {
    machine: 'vfio_attachment',
    profiles: BOTH,
    at: 'closedWithDeviceFds',
    on: 'OPEN_GROUP',
    errno: 'EBUSY',
    source: '§3.1 open() and close ordering',
  },
  {
    machine: 'vfio_attachment',
    profiles: BOTH,
    at: 'closedWithDeviceFds',
    on: 'SET_IOMMU',
    errno: 'EINVAL',
    source: '§3.1',
  },
  {
    machine: 'vfio_attachment',
    profiles: BOTH,
    at: 'gone',
    on: 'OPEN_GROUP',
    errno: 'ENODEV',
    source: '§3.1 open() (group gone / drivers == 0)',
  },
  {
    machine: 'vfio_attachment',
    profiles: BOTH,
    at: 'gone',
    on: 'SET_IOMMU',
    errno: 'EINVAL',
    source: '§3.1',
  },
  {
    machine: 'vfio_attachment',
    profiles: V61,
    at: 'stale',
    on: 'OPEN_GROUP',
    errno: 'ENODEV',
    source: '§2.6 open() (drivers == 0 is checked before the single-open)',
  },
  {
    machine: 'vfio_attachment',
    profiles: V61,
    at: 'stale',
    on: 'GET_STATUS',
    errno: 'ENODEV',
    source: '§2.6, §6.5',
  },
  {
    machine: 'vfio_attachment',
    profiles: V61,
    at: 'stale',
    on: 'SET_CONTAINER',
    errno: 'ENODEV',
    source: '§2.6, §6.5',
  },
  {
    machine: 'vfio_attachment',
    profiles: V61,
    at: 'stale',
    on: 'GET_DEVICE_FD',
    errno: 'ENODEV',
    source: '§2.6, §6.5',
  },
  {
    machine: 'vfio_attachment',
    profiles: V61,
    at: 'stale',
    on: 'UNSET_CONTAINER',
    errno: 'EINVAL',
    source: '§2.6 (the removal detached the container)',
  },
  {
    machine: 'vfio_attachment',
    profiles: V61,
    at: 'stale',
    on: 'SET_IOMMU',
    errno: 'EINVAL',
    source: '§3.1',
  },
  // IOMMU backends
  {
    machine: 'iommu_backend',
    profiles: BOTH,
    at: 'container.empty',
    on: 'SET_IOMMU',
    errno: 'EINVAL',
    source: '§3.1, §6.5',
  },
  ...['attached', 'type1', 'noiommu'].map(
    (s): Row => ({
      machine: 'iommu_backend',
      profiles: BOTH,
      at: `container.${s}`,
      on: 'ATTACH_GROUP',
      guard: 'mixesGroupKinds',
      errno: 'EPERM',
      source: '§3.1 SET_CONTAINER (mixing), §3.2',
    }),
  ),
  {
    machine: 'iommu_backend',
    profiles: V410,
    at: 'container.attached',
    on: 'SET_IOMMU',
    guard: 'candidate(backend=spaprTce, extensions=2|7)',
    errno: 'ENODEV',
    source: '§3.3 table, §6.5 [4.10] (UNVERIFIED errno)',
  },
  {
    machine: 'iommu_backend',
    profiles: V61,
    at: 'container.attached',
    on: 'SET_IOMMU',
    guard: 'candidate(backend=spaprTce, extensions=2|7)',
    errno: 'EINVAL',
    source: '§3.1, §3.3 table, §6.5',
  },
  {
    machine: 'iommu_backend',
    profiles: V61,
    at: 'container.attached',
    on: 'SET_IOMMU',
    guard: 'candidate(backend=type1, extensions=9)',
    errno: 'EINVAL',
    source: '§3.1 (last backend error; UNVERIFIED)',
  },
  {
    machine: 'iommu_backend',
    profiles: BOTH,
    at: 'container.attached',
    on: 'SET_IOMMU',
    guard: 'candidate(backend=noiommu, extensions=8, rawio=false)',
    errno: 'EPERM',
    source: '§3.1, §3.2',
  },
  {
    machine: 'iommu_backend',
    profiles: BOTH,
    at: 'container.attached',
    on: 'SET_IOMMU',
    errno: 'ENODEV',
    source: '§3.1, §6.5',
  },
  {
    machine: 'iommu_backend',
    profiles: BOTH,
    at: 'container.type1',
    on: 'SET_IOMMU',
    errno: 'EINVAL',
    source: '§3.1, §6.5',
  },
  {
    machine: 'iommu_backend',
    profiles: BOTH,
    at: 'container.noiommu',
    on: 'SET_IOMMU',
    errno: 'EINVAL',
    source: '§3.1',
  },
];

const rowKey = (machine: string, profile: string, at: string, on: string, guard: string, errno: string) =>
  `${machine} ${profile} ${at || '(root)'} ${on}${guard ? ` [${guard}]` : ''} / ${errno}`;

describe('errno table', () => {
  it('every refusal in the machines is in the table, and every row is in the machines', () => {
    const tabled = new Set(EXPECTED.map((r) => r.machine));
    const actual = MACHINE_REGISTRY.filter((entry) => tabled.has(entry.id))
      .flatMap((entry) =>
        KERNEL_PROFILES.flatMap((profile) =>
          machineGraph(entry.create(profile))
            .transitions.filter((t) => t.errno !== null)
            .map((t) => rowKey(entry.id, profile, t.source, t.event, t.guard ?? '', t.errno ?? '')),
        ),
      )
      .sort();
    const expected = EXPECTED.flatMap((r) =>
      r.profiles.map((p) => rowKey(r.machine, p, r.at, r.on, r.guard ?? '', r.errno)),
    ).sort();
    expect(actual).toEqual(expected);
  });

  it('every row names where it comes from, and every errno is a known one', () => {
    for (const r of EXPECTED) {
      expect(r.source).toMatch(/§|oracle/);
      expect(ERRNO[r.errno]).toBeGreaterThan(0);
    }
  });
});
