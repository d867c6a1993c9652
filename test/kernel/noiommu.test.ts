import { describe, expect, it } from 'vitest';
import { MdevSystem } from '../../src/api/system.ts';
import { debianBuild } from '../../src/kernel/build_config.ts';
import { VFIO_NOIOMMU_IOMMU, VFIO_TYPE1_IOMMU, VFIO_TYPE1v2_IOMMU } from '../../src/vfio/uapi.ts';
import { BOTH_PROFILES, bootSystem, is410, uuid } from '../helpers/mdev_fixtures.ts';

/**
 * noiommu mode (kernel-semantics.md §3.2, §3.1, §6.5 "noiommu"), with a build that has CONFIG_VFIO_NOIOMMU and
 * the model-only `vfio_noiommu_fixture` module (PCI functions without an IOMMU group, bound to VFIO). Every row
 * applies to both kernels unless marked "profile-specific".
 */

const PARAM = '/sys/module/vfio/parameters/enable_unsafe_noiommu_mode';
const NOIOMMU_DEV = '0000:00:01.0';
const EPERM = -1;
const EINVAL = -22;
const ENODEV = -19;
const U1 = uuid(0xf001);

/** A process with CAP_SYS_RAWIO toggled by `rawio(bool)`, a container fd, and ioctl/open helpers. */
async function user(sys: MdevSystem, comm = 'root') {
  const p = sys.process(comm);
  const container = await sys.finish(p.open('/dev/vfio/vfio', 'rw'));
  return {
    p,
    container,
    rawio(on: boolean) {
      p.process.capSysRawio = on;
    },
    open: (path: string) => sys.finish(p.open(path, 'rw')),
    ioctl: (fd: number, cmd: string, arg?: unknown) => sys.finish(p.ioctl(fd, cmd, arg)),
  };
}

for (const profile of BOTH_PROFILES) {
  describe(`noiommu mode at ${profile.name}`, () => {
    it('without the parameter the fixture cannot register (EINVAL) and NOIOMMU is not offered', async () => {
      const sys = await bootSystem(profile, { noiommu: true });
      expect(await sys.read(PARAM)).toBe('N');
      // §3.2: a device without an IOMMU group gets a fake group only in noiommu mode → registration -EINVAL
      expect(await sys.load('vfio_noiommu_fixture')).toEqual({ stage: 'finit_module', ret: EINVAL });
      expect(sys.kernel.modules.loaded.has('vfio_noiommu_fixture')).toBe(false);
      expect(sys.ls('/dev/vfio')).toEqual(['vfio']);
      expect(sys.kernel.tainted).toBe(false);
      const u = await user(sys);
      // §3.2 / §6.5: CHECK_EXTENSION(8) = 1 only while enable_unsafe_noiommu_mode=1
      expect(await u.ioctl(u.container, 'VFIO_CHECK_EXTENSION', VFIO_NOIOMMU_IOMMU)).toBe(0);
    });

    it('enabled at load time: /dev/vfio/noiommu-N, kernel tainted, CHECK_EXTENSION(8) = 1', async () => {
      const sys = await MdevSystem.boot({
        profile,
        build: { ...debianBuild(profile.kernel), noiommu: true },
      });
      expect((await sys.load('vfio', 'enable_unsafe_noiommu_mode=1')).ret).toBe(0);
      expect(await sys.read(PARAM)).toBe('Y');
      expect((await sys.load('vfio_noiommu_fixture')).ret).toBe(0);
      // §3.2: the group char device is /dev/vfio/noiommu-<N>; the kernel is tainted (TAINT_USER) with a warning
      expect(sys.ls('/dev/vfio')).toEqual(['noiommu-0', 'vfio']);
      expect(sys.kernel.tainted).toBe(true);
      expect(sys.kernel.klog.records.map((r) => r.msg)).toContain(
        `vfio_noiommu_fixture ${NOIOMMU_DEV}: Adding kernel taint for vfio-noiommu group on device`,
      );
      expect(await sys.read('/sys/kernel/iommu_groups/0/name')).toBe('vfio-noiommu');
      const u = await user(sys);
      expect(await u.ioctl(u.container, 'VFIO_CHECK_EXTENSION', VFIO_NOIOMMU_IOMMU)).toBe(1); // §3.2
    });

    it('the 0644 parameter can be flipped at run time; CHECK_EXTENSION(8) follows it', async () => {
      const sys = await bootSystem(profile, { noiommu: true });
      const u = await user(sys);
      // §3.2 "bool, 0644, writable at runtime"
      expect(await sys.write(PARAM, '1')).toMatchObject({ ret: 1 });
      expect(await sys.read(PARAM)).toBe('Y');
      expect(await u.ioctl(u.container, 'VFIO_CHECK_EXTENSION', VFIO_NOIOMMU_IOMMU)).toBe(1);
      expect((await sys.load('vfio_noiommu_fixture')).ret).toBe(0);
      expect(sys.exists('/dev/vfio/noiommu-0')).toBe(true);
      // param_set_bool accepts only y/Y/1/n/N/0 → -EINVAL otherwise
      expect(await sys.write(PARAM, 'maybe')).toMatchObject({ stage: 'write', err: 'EINVAL' });
      expect(await sys.write(PARAM, 'N\n')).toMatchObject({ ret: 2 });
      expect(await u.ioctl(u.container, 'VFIO_CHECK_EXTENSION', VFIO_NOIOMMU_IOMMU)).toBe(0); // §3.2 "only while"
    });

    it('CAP_SYS_RAWIO is required to open the group, SET_CONTAINER, SET_IOMMU and GET_DEVICE_FD (EPERM)', async () => {
      const sys = await bootSystem(profile, { noiommu: true });
      await sys.write(PARAM, '1');
      await sys.load('vfio_noiommu_fixture');
      const plain = await user(sys, 'user');
      plain.rawio(false);
      // §3.2 / §2.6 "A noiommu group without CAP_SYS_RAWIO → -EPERM" at open()
      expect(await plain.open('/dev/vfio/noiommu-0')).toBe(EPERM);
      const u = await user(sys);
      const g = await u.open('/dev/vfio/noiommu-0');
      expect(g).toBeGreaterThanOrEqual(0);
      u.rawio(false);
      // §3.1 SET_CONTAINER "noiommu without RAWIO → -EPERM"
      expect(await u.ioctl(g, 'VFIO_GROUP_SET_CONTAINER', u.container)).toBe(EPERM);
      u.rawio(true);
      expect(await u.ioctl(g, 'VFIO_GROUP_SET_CONTAINER', u.container)).toBe(0);
      // §3.1 "noiommu containers only see noiommu": type1 is skipped → no backend matched → -ENODEV
      expect(await u.ioctl(u.container, 'VFIO_CHECK_EXTENSION', VFIO_TYPE1_IOMMU)).toBe(0);
      expect(await u.ioctl(u.container, 'VFIO_SET_IOMMU', VFIO_TYPE1v2_IOMMU)).toBe(ENODEV);
      u.rawio(false);
      // §3.1 SET_IOMMU: "noiommu `open` without RAWIO → -EPERM" (the last backend error)
      expect(await u.ioctl(u.container, 'VFIO_SET_IOMMU', VFIO_NOIOMMU_IOMMU)).toBe(EPERM);
      u.rawio(true);
      expect(await u.ioctl(u.container, 'VFIO_SET_IOMMU', VFIO_NOIOMMU_IOMMU)).toBe(0); // §3.2 SET_IOMMU(NOIOMMU)=0
      u.rawio(false);
      // §3.1 GET_DEVICE_FD "noiommu without RAWIO → -EPERM"
      expect(await u.ioctl(g, 'VFIO_GROUP_GET_DEVICE_FD', NOIOMMU_DEV)).toBe(EPERM);
      // §3.1 check order (profile-specific): 4.10 checks RAWIO before the name (EPERM for a wrong name too);
      // 6.1 looks the name up first (ENODEV)
      expect(await u.ioctl(g, 'VFIO_GROUP_GET_DEVICE_FD', 'bogus')).toBe(is410(profile) ? EPERM : ENODEV);
      u.rawio(true);
      const from = sys.kernel.klog.next;
      const dev = await u.ioctl(g, 'VFIO_GROUP_GET_DEVICE_FD', NOIOMMU_DEV);
      expect(dev).toBeGreaterThanOrEqual(0); // the device opens
      // §6.6 "vfio-noiommu device opened by user"
      expect(sys.kernel.klog.since(from).map((r) => r.msg)).toEqual([
        expect.stringContaining('vfio-noiommu device opened by user'),
      ]);
      await sys.finish(u.p.exit());
      expect(await sys.unload('vfio_noiommu_fixture')).toBe(0);
      expect(sys.ls('/dev/vfio')).toEqual(['vfio']);
      expect(sys.kernel.bugs).toEqual([]);
    });

    it('GET_DEVICE_FD on a noiommu group without a container is EINVAL', async () => {
      const sys = await bootSystem(profile, { noiommu: true });
      await sys.write(PARAM, '1');
      await sys.load('vfio_noiommu_fixture');
      const u = await user(sys);
      const g = await u.open('/dev/vfio/noiommu-0');
      // §3.1 GET_DEVICE_FD: "no container ... → -EINVAL" (4.10 first; 6.1 after the name lookup succeeds)
      expect(await u.ioctl(g, 'VFIO_GROUP_GET_DEVICE_FD', NOIOMMU_DEV)).toBe(EINVAL);
    });

    it('a noiommu group and an mdev group never share a container (EPERM, either order)', async () => {
      const sys = await bootSystem(profile, { noiommu: true, samples: ['mtty'] });
      await sys.write(PARAM, '1');
      await sys.load('vfio_noiommu_fixture');
      await sys.create('mtty', 'mtty-1', U1);
      expect(sys.ls('/dev/vfio')).toEqual(['1', 'noiommu-0', 'vfio']);
      const u = await user(sys);
      const ng = await u.open('/dev/vfio/noiommu-0');
      const mg = await u.open('/dev/vfio/1');
      expect(await u.ioctl(ng, 'VFIO_GROUP_SET_CONTAINER', u.container)).toBe(0);
      // §3.1 SET_CONTAINER "mixing noiommu and real groups → -EPERM"
      expect(await u.ioctl(mg, 'VFIO_GROUP_SET_CONTAINER', u.container)).toBe(EPERM);
      const other = await sys.finish(u.p.open('/dev/vfio/vfio', 'rw'));
      expect(await u.ioctl(mg, 'VFIO_GROUP_SET_CONTAINER', other)).toBe(0);
      expect(await u.ioctl(ng, 'VFIO_GROUP_UNSET_CONTAINER')).toBe(0);
      expect(await u.ioctl(ng, 'VFIO_GROUP_SET_CONTAINER', other)).toBe(EPERM); // §3.1 mixing → -EPERM
      // the mdev group's container still works with type1 (mdevs never use noiommu mode, §3.2)
      expect(await u.ioctl(other, 'VFIO_SET_IOMMU', VFIO_TYPE1v2_IOMMU)).toBe(0);
      expect(await u.ioctl(mg, 'VFIO_GROUP_GET_DEVICE_FD', U1)).toBeGreaterThanOrEqual(0);
      await sys.finish(u.p.exit());
    });
  });
}

describe('noiommu mode absent from the build', () => {
  it('without CONFIG_VFIO_NOIOMMU there is no parameter, no fixture and no NOIOMMU extension', async () => {
    for (const profile of BOTH_PROFILES) {
      const sys = await bootSystem(profile);
      expect(sys.exists(PARAM)).toBe(false);
      // the fixture is built only with CONFIG_VFIO_NOIOMMU: no .ko to open → ENOENT
      expect(await sys.load('vfio_noiommu_fixture')).toEqual({ stage: 'open', ret: -2 });
      const u = await user(sys);
      expect(await u.ioctl(u.container, 'VFIO_CHECK_EXTENSION', VFIO_NOIOMMU_IOMMU)).toBe(0); // oracle 06: NOIOMMU 0
    }
  });
});
