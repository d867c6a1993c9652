import { describe, expect, it } from 'vitest';
import type { MdevSystem } from '../../src/api/system.ts';
import { V4_10, V6_1 } from '../../src/profile/profiles.ts';
import {
  VFIO_NOIOMMU_IOMMU,
  VFIO_SPAPR_TCE_IOMMU,
  VFIO_TYPE1_IOMMU,
  VFIO_TYPE1_NESTING_IOMMU,
  VFIO_TYPE1v2_IOMMU,
  VFIO_UNMAP_ALL,
  VFIO_UPDATE_VADDR,
  type VfioGroupStatus,
} from '../../src/vfio/uapi.ts';
import {
  BOTH_PROFILES,
  bootSystem,
  closeAll,
  FULL,
  is410,
  recordOf,
  runOps,
  uuid,
} from '../helpers/mdev_fixtures.ts';

/**
 * The VFIO container/group/device protocol against mdevs (kernel-semantics.md §3.1, §6.5; oracle README
 * "VFIO ioctl ordering" and "remove while a device fd is open"). Rows that differ between the kernels are
 * marked "profile-specific".
 */

const U1 = uuid(0xe001);
const U2 = uuid(0xe002);

const EBADF = -9;
const EINVAL = -22;
const ENODEV = -19;
const ENOTTY = -25;

/** A raw process with a container fd and the group fd of `id`'s IOMMU group. */
async function rawGroup(sys: MdevSystem, group: number) {
  const p = sys.process('raw');
  const container = await sys.finish(p.open('/dev/vfio/vfio', 'rw'));
  const fd = await sys.finish(p.open(`/dev/vfio/${group}`, 'rw'));
  const ioctl = (f: number, cmd: string, arg?: unknown) => sys.finish(p.ioctl(f, cmd, arg));
  const status = async (argsz = 8): Promise<VfioGroupStatus | number> => {
    const st: VfioGroupStatus = { argsz, flags: 0 };
    const r = await ioctl(fd, 'VFIO_GROUP_GET_STATUS', st);
    return r < 0 ? r : st;
  };
  return { p, container, fd, ioctl, status };
}

for (const profile of BOTH_PROFILES) {
  describe(`VFIO protocol at ${profile.name}`, () => {
    it('container: API version 0 and the extensions type1 offers (with and without vfio_iommu_type1)', async () => {
      const sys = await bootSystem(profile, { samples: ['mtty'] });
      await sys.create('mtty', 'mtty-1', U1);
      const h = sys.vfioUser('f', U1);
      const recs = await sys.finish(h.ops(FULL));
      expect(recordOf(recs, 'api')).toMatchObject({ ret: 0 }); // §3.1 VFIO_GET_API_VERSION → 0 (oracle 06)
      // §3.1 CHECK_EXTENSION: type1 answers 1 for TYPE1/TYPE1v2, NOIOMMU 0 (oracle 06); UNMAP_ALL only exists
      // from 5.12 (profile-specific: 1 at 6.1, 0 at 4.10); UPDATE_VADDR is 0 with mdevs present (oracle: 0)
      expect(recordOf(recs, 'ext')).toMatchObject({
        type1: 1,
        type1v2: 1,
        noiommu: 0,
        unmap_all: is410(profile) ? 0 : 1,
        update_vaddr: 0,
      });
      const p = sys.process('probe');
      const c = await sys.finish(p.open('/dev/vfio/vfio', 'rw'));
      expect(await sys.finish(p.ioctl(c, 'VFIO_CHECK_EXTENSION', VFIO_TYPE1_NESTING_IOMMU))).toBe(1); // §3.1
      expect(await sys.finish(p.ioctl(c, 'VFIO_CHECK_EXTENSION', VFIO_SPAPR_TCE_IOMMU))).toBe(0);
      expect(await sys.finish(p.ioctl(c, 'VFIO_CHECK_EXTENSION', 999))).toBe(0);
      await sys.finish(p.exit());
      await closeAll(sys, h);
      expect(await sys.unload('vfio_iommu_type1')).toBe(0);
      // oracle 06 "Without vfio_iommu_type1": CHECK_EXTENSION(TYPE1) is 0, SET_IOMMU ENODEV, GET_DEVICE_FD EINVAL
      const w = sys.vfioUser('h', U1);
      const without = await sys.finish(w.ops(FULL));
      expect(recordOf(without, 'ext')).toMatchObject({ type1: 0, type1v2: 0, noiommu: 0, unmap_all: 0 });
      expect(recordOf(without, 'iommu')).toMatchObject({ err: 'ENODEV' }); // §3.1 no backend matched → -ENODEV
      expect(recordOf(without, 'dev')).toMatchObject({ err: 'EINVAL' }); // §3.1 no IOMMU → -EINVAL
      await closeAll(sys, w);
      expect((await sys.load('vfio_iommu_type1')).ret).toBe(0);
      const again = sys.vfioUser('i', U1);
      expect(await runOps(sys, again, FULL)).toContain('dev:5'); // oracle 06 steps 27–28
      await closeAll(sys, again);
    });

    it('container: SET_IOMMU without a group / twice → EINVAL, unsupported type → ENODEV, map before IOMMU → EINVAL', async () => {
      const sys = await bootSystem(profile, { samples: ['mtty'] });
      await sys.create('mtty', 'mtty-1', U1);
      const g = await rawGroup(sys, 0);
      // §6.5 "SET_IOMMU before any group → -EINVAL" (oracle 06 "g": container,api,ext,iommu → EINVAL)
      expect(await g.ioctl(g.container, 'VFIO_SET_IOMMU', VFIO_TYPE1v2_IOMMU)).toBe(EINVAL);
      // §6.5 "map ioctls before SET_IOMMU → -EINVAL" (the container's default ret)
      expect(await g.ioctl(g.container, 'VFIO_IOMMU_MAP_DMA')).toBe(EINVAL);
      expect(await g.ioctl(g.fd, 'VFIO_GROUP_SET_CONTAINER', g.container)).toBe(0);
      // §3.1 SET_IOMMU "-ENODEV if no backend matched": SPAPR and NOIOMMU are not built here
      expect(await g.ioctl(g.container, 'VFIO_SET_IOMMU', VFIO_SPAPR_TCE_IOMMU)).toBe(ENODEV);
      expect(await g.ioctl(g.container, 'VFIO_SET_IOMMU', VFIO_NOIOMMU_IOMMU)).toBe(ENODEV);
      expect(await g.ioctl(g.container, 'VFIO_SET_IOMMU', VFIO_TYPE1_IOMMU)).toBe(0);
      // §6.5 "SET_IOMMU twice → -EINVAL"
      expect(await g.ioctl(g.container, 'VFIO_SET_IOMMU', VFIO_TYPE1v2_IOMMU)).toBe(EINVAL);
      // with the IOMMU set, CHECK_EXTENSION asks only type1 (§3.1)
      expect(await g.ioctl(g.container, 'VFIO_CHECK_EXTENSION', VFIO_TYPE1v2_IOMMU)).toBe(1);
      expect(await g.ioctl(g.container, 'VFIO_CHECK_EXTENSION', VFIO_UPDATE_VADDR)).toBe(0);
      expect(await g.ioctl(g.container, 'VFIO_CHECK_EXTENSION', VFIO_UNMAP_ALL)).toBe(is410(profile) ? 0 : 1);
      expect(await g.ioctl(g.container, 'VFIO_IOMMU_MAP_DMA')).toBe(0); // forwarded to type1 now
      await sys.finish(g.p.exit());
    });

    it('group: status flags, single open, SET_CONTAINER and UNSET_CONTAINER errors, unknown ioctls', async () => {
      const sys = await bootSystem(profile, { samples: ['mtty'] });
      await sys.create('mtty', 'mtty-1', U1);
      await sys.create('mtty', 'mtty-1', U2);
      const g = await rawGroup(sys, 0);
      // §6.5 "Created, no container: GET_STATUS: VIABLE, not CONTAINER_SET"
      expect(await g.status()).toEqual({ argsz: 8, flags: 1 });
      // §3.1 GET_STATUS "argsz < minsz → -EINVAL"
      expect(await g.status(4)).toBe(EINVAL);
      // §3.1 "second concurrent open → -EBUSY" (oracle 06 step 14: from another process)
      const other = sys.process('other');
      expect(await sys.finish(other.open('/dev/vfio/0', 'rw'))).toBe(-16);
      // §3.1 UNSET_CONTAINER "none set → -EINVAL"
      expect(await g.ioctl(g.fd, 'VFIO_GROUP_UNSET_CONTAINER')).toBe(EINVAL);
      // §3.1 SET_CONTAINER "bad fd → -EBADF", "not a container fd → -EINVAL"
      expect(await g.ioctl(g.fd, 'VFIO_GROUP_SET_CONTAINER', 77)).toBe(EBADF);
      expect(await g.ioctl(g.fd, 'VFIO_GROUP_SET_CONTAINER', g.fd)).toBe(EINVAL);
      // §3.1 "unknown ioctl → -ENOTTY"
      expect(await g.ioctl(g.fd, 'VFIO_DEVICE_GET_INFO')).toBe(ENOTTY);
      expect(await g.ioctl(g.fd, 'VFIO_BOGUS')).toBe(ENOTTY);
      expect(await g.ioctl(g.fd, 'VFIO_GROUP_SET_CONTAINER', g.container)).toBe(0);
      // §6.5 "Container set, no IOMMU: GET_STATUS: VIABLE|CONTAINER_SET"
      expect(await g.status()).toEqual({ argsz: 8, flags: 3 });
      // §3.1 SET_CONTAINER "already set → -EINVAL" (oracle 06: a second SET_CONTAINER)
      expect(await g.ioctl(g.fd, 'VFIO_GROUP_SET_CONTAINER', g.container)).toBe(EINVAL);
      // a group with a container and no device fd can leave it again
      expect(await g.ioctl(g.fd, 'VFIO_GROUP_UNSET_CONTAINER')).toBe(0);
      expect(await g.status()).toEqual({ argsz: 8, flags: 1 });
      await sys.finish(g.p.exit());
      // the group is free again once its fd is closed
      const again = await sys.finish(other.open('/dev/vfio/0', 'rw'));
      expect(again).toBeGreaterThanOrEqual(0);
      await sys.finish(other.exit());
    });

    it('GET_DEVICE_FD: check order, wrong names, second fds; UNSET_CONTAINER with device fds → EBUSY', async () => {
      const sys = await bootSystem(profile, { samples: ['mtty'] });
      await sys.create('mtty', 'mtty-1', U1);
      await sys.create('mtty', 'mtty-1', U2);
      const a = sys.vfioUser('a', U1);
      // §6.5 / oracle 06 step 7: GET_DEVICE_FD before SET_CONTAINER → EINVAL
      expect(await runOps(sys, a, 'dev-before-container')).toEqual([
        'container:3',
        'group:4',
        'status:0',
        'dev:EINVAL',
      ]);
      // §3.1 GET_DEVICE_FD order (profile-specific): a wrong name without a container is EINVAL at 4.10
      // (container checked first) and ENODEV at 6.1 (name looked up first)
      expect(await runOps(sys, a, 'dev:bogus')).toEqual([
        is410(profile) ? 'dev:bogus:EINVAL' : 'dev:bogus:ENODEV',
      ]);
      await closeAll(sys, a);
      // oracle 06 step 9: before SET_IOMMU → EINVAL, then it works
      const b = sys.vfioUser('b', U1);
      expect(await runOps(sys, b, 'dev-before-iommu')).toEqual([
        'container:3',
        'group:4',
        'status:0',
        'setc:0',
        'dev:EINVAL',
        'iommu:0',
        'dev:5',
        'info:0',
      ]);
      await closeAll(sys, b);
      // oracle 06 step 11: SET_IOMMU before SET_CONTAINER → EINVAL (no group yet)
      const c = sys.vfioUser('c', U1);
      expect(await runOps(sys, c, 'iommu-before-container')).toEqual([
        'container:3',
        'iommu:EINVAL',
        'group:4',
        'status:0',
        'setc:0',
        'iommu:0',
        'dev:5',
      ]);
      await closeAll(sys, c);
      // oracle 06 steps 13, 16: type1 v1, a second fd, wrong names, setc/iommu twice, unsetc with device fds
      const d = sys.vfioUser('d', U1);
      expect(await runOps(sys, d, 'container,group,setc,iommu1,dev,info')).toEqual([
        'container:3',
        'group:4',
        'setc:0',
        'iommu1:0',
        'dev:5',
        'info:0',
      ]);
      expect(
        await runOps(sys, d, `dev,info,dev:bogus,dev:${U1.toUpperCase()},dev:${U2},setc,iommu,status,unsetc`),
      ).toEqual([
        'dev:6', // §6.5 "new fd each time"
        'info:0',
        'dev:bogus:ENODEV', // §6.5 IOMMU set: "wrong name → -ENODEV"
        `dev:${U1.toUpperCase()}:ENODEV`, // oracle 06: an upper-case UUID → ENODEV
        `dev:${U2}:ENODEV`, // oracle 06: another group's device → ENODEV
        'setc:EINVAL', // §3.1 SET_CONTAINER twice
        'iommu:EINVAL', // §6.5 SET_IOMMU twice
        'status:0',
        'unsetc:EBUSY', // §3.1 UNSET_CONTAINER "device fds open → -EBUSY"
      ]);
      // oracle 06 step 17: after the device fds close UNSET_CONTAINER works and the container loses its IOMMU:
      // GET_DEVICE_FD is EINVAL until SET_IOMMU again
      expect(await runOps(sys, d, 'closedev,closedev,unsetc,status,dev,setc,dev,iommu,dev')).toEqual([
        'closedev:0',
        'closedev:0',
        'unsetc:0',
        'status:0',
        'dev:EINVAL',
        'setc:0',
        'dev:EINVAL',
        'iommu:0',
        'dev:5',
      ]);
      await closeAll(sys, d);
      expect(sys.kernel.bugs).toEqual([]);
    });

    it('two groups share one container; a closed group fd stays busy while its device fd lives', async () => {
      const sys = await bootSystem(profile, { samples: ['mtty'] });
      await sys.create('mtty', 'mtty-1', U1);
      await sys.create('mtty', 'mtty-1', U2);
      const f = sys.vfioUser('f', U1);
      await runOps(sys, f, FULL);
      // oracle 06 step 20 "Two groups in one container work"
      expect(await runOps(sys, f, `groupof:${U2},setc,dev:${U2},info`)).toEqual([
        `groupof:${U2}:6`,
        'setc:0',
        `dev:${U2}:7`,
        'info:0',
      ]);
      await closeAll(sys, f);
      // §3.1 "A device fd keeps the group in use": 4.10 open() → -EBUSY "still attached to a container from a
      // previous open"; 6.1 the device fd holds the group file, so it is still opened → -EBUSY
      const h = sys.vfioUser('h', U1);
      expect(await runOps(sys, h, 'container,group,setc,iommu,dev,closegroup,group')).toEqual([
        'container:3',
        'group:4',
        'setc:0',
        'iommu:0',
        'dev:5',
        'closegroup:0',
        'group:EBUSY',
      ]);
      await closeAll(sys, h);
      const after = sys.vfioUser('after', U1);
      expect(await runOps(sys, after, 'container,group,status')).toEqual([
        'container:3',
        'group:4',
        'status:0',
      ]);
      await closeAll(sys, after);
    });

    it('a container outlives its fd; unsetting one of two groups keeps the IOMMU for the other', async () => {
      const sys = await bootSystem(profile, { samples: ['mtty'] });
      await sys.create('mtty', 'mtty-1', U1);
      await sys.create('mtty', 'mtty-1', U2);
      const g = await rawGroup(sys, 0);
      const g1 = await sys.finish(g.p.open('/dev/vfio/1', 'rw'));
      expect(await g.ioctl(g.fd, 'VFIO_GROUP_SET_CONTAINER', g.container)).toBe(0);
      expect(await g.ioctl(g1, 'VFIO_GROUP_SET_CONTAINER', g.container)).toBe(0);
      expect(await g.ioctl(g.container, 'VFIO_SET_IOMMU', VFIO_TYPE1v2_IOMMU)).toBe(0);
      expect(await g.ioctl(g.fd, 'VFIO_GROUP_UNSET_CONTAINER')).toBe(0);
      // §3.1 "removing the last group drops the backend": with another group left the IOMMU stays
      expect(await g.ioctl(g1, 'VFIO_GROUP_GET_DEVICE_FD', U2)).toBeGreaterThanOrEqual(0);
      expect(await g.ioctl(g.fd, 'VFIO_GROUP_GET_DEVICE_FD', U1)).toBe(EINVAL); // §3.1 no container → -EINVAL
      // a group joining a container that already has an IOMMU is attached to it: no SET_IOMMU needed
      expect(await g.ioctl(g.fd, 'VFIO_GROUP_SET_CONTAINER', g.container)).toBe(0);
      expect(await g.ioctl(g.fd, 'VFIO_GROUP_GET_DEVICE_FD', U1)).toBeGreaterThanOrEqual(0);
      // §3.1 "container, group and device fds may be closed in any order": the groups keep the container
      expect(await sys.finish(g.p.close(g.container))).toBe(0);
      expect(await g.ioctl(g.fd, 'VFIO_GROUP_GET_DEVICE_FD', U1)).toBeGreaterThanOrEqual(0);
      expect(await g.status()).toEqual({ argsz: 8, flags: 3 });
      await sys.finish(g.p.exit());
      expect(sys.kernel.modules.loaded.get('vfio_iommu_type1')!.refs).toBe(0);
      expect(sys.kernel.modules.loaded.get('vfio')!.refs).toBe(0);
    });

    it('device info and config IDs of the three samples', async () => {
      const sys = await bootSystem(profile, { samples: ['mtty', 'mdpy', 'mbochs'] });
      const cases = [
        { parent: 'mtty', type: 'mtty-2', regions: 9, id: ['4348', '3253'] },
        { parent: 'mdpy', type: 'mdpy-hd', regions: 9, id: ['1b36', '000f'] },
        { parent: 'mbochs', type: 'mbochs-small', regions: 10, id: ['1234', '1111'] },
      ];
      for (const [i, c] of cases.entries()) {
        await sys.create(c.parent, c.type, uuid(0xe100 + i));
        const h = sys.vfioUser(c.parent, uuid(0xe100 + i));
        const recs = await sys.finish(h.ops(`${FULL},cfg`));
        // oracle 06 "Device info: flags 2 (PCI), 9 regions, 5 irqs; config ID 4348:3253"; §6.5 mtty row;
        // mdpy (QEMU display 1b36:000f) and mbochs (bochs 1234:1111, 10 regions with its EDID region)
        expect(recordOf(recs, 'info'), c.parent).toMatchObject({
          ret: 0,
          flags: 2,
          num_regions: c.regions,
          num_irqs: 5,
        });
        expect(recordOf(recs, 'cfg'), c.parent).toMatchObject({ ret: 4, vendor: c.id[0], device: c.id[1] });
        await closeAll(sys, h);
      }
    });
  });
}

describe('VFIO protocol: group fd after its device is removed', () => {
  it('6.1: the node goes at once; GET_STATUS, SET_CONTAINER and GET_DEVICE_FD answer ENODEV', async () => {
    const sys = await bootSystem(V6_1, { samples: ['mtty'] });
    await sys.create('mtty', 'mtty-1', U1);
    const g = await rawGroup(sys, 0);
    expect(await g.ioctl(g.fd, 'VFIO_GROUP_SET_CONTAINER', g.container)).toBe(0);
    expect(await g.ioctl(g.container, 'VFIO_SET_IOMMU', VFIO_TYPE1v2_IOMMU)).toBe(0);
    expect(await sys.remove(U1)).toMatchObject({ ret: 1 }); // no device fd: does not block
    // §2.6 vfio_device_remove_group / §6.5 "Removed while the group fd is open (6.1): node gone"
    expect(sys.exists('/dev/vfio/0')).toBe(false);
    expect(sys.exists('/sys/class/vfio/0')).toBe(false);
    expect(sys.kernel.iommu.live.size).toBe(0);
    // §6.5 / oracle 04 step 30: GET_STATUS → -ENODEV, SET_CONTAINER → -ENODEV, GET_DEVICE_FD → -ENODEV
    expect(await g.status()).toBe(ENODEV);
    expect(await g.ioctl(g.fd, 'VFIO_GROUP_GET_DEVICE_FD', U1)).toBe(ENODEV);
    expect(await g.ioctl(g.fd, 'VFIO_GROUP_SET_CONTAINER', g.container)).toBe(ENODEV);
    // the container was detached with the group and lost its backend (§2.6): SET_IOMMU has no group now
    expect(await g.ioctl(g.container, 'VFIO_SET_IOMMU', VFIO_TYPE1v2_IOMMU)).toBe(EINVAL);
    await sys.finish(g.p.exit());
    expect(sys.kernel.modules.loaded.get('vfio_iommu_type1')!.refs).toBe(0);
  });

  it('4.10: the node stays until the group fd closes; GET_STATUS still answers, GET_DEVICE_FD is ENODEV', async () => {
    const sys = await bootSystem(V4_10, { samples: ['mtty'] });
    await sys.create('mtty', 'mtty-1', U1);
    const g = await rawGroup(sys, 0);
    expect(await g.ioctl(g.fd, 'VFIO_GROUP_SET_CONTAINER', g.container)).toBe(0);
    expect(await g.ioctl(g.container, 'VFIO_SET_IOMMU', VFIO_TYPE1v2_IOMMU)).toBe(0);
    expect(await sys.remove(U1)).toMatchObject({ ret: 1 });
    // §2.7 / §6.5 "Removed while the group fd is open [4.10]: node stays until the group fd closes"
    expect(sys.exists('/dev/vfio/0')).toBe(true);
    // §6.5 [4.10] "GET_STATUS still answers"; "GET_DEVICE_FD → -ENODEV (device gone)"
    expect(await g.status()).toMatchObject({ argsz: 8 });
    expect(await g.ioctl(g.fd, 'VFIO_GROUP_GET_DEVICE_FD', U1)).toBe(ENODEV);
    // the group number stays taken while the group lives: a new mdev gets the next one
    await sys.create('mtty', 'mtty-1', U2);
    expect(sys.readlink(`/sys/bus/mdev/devices/${U2}/iommu_group`)).toMatch(/iommu_groups\/1$/);
    await sys.finish(g.p.exit());
    expect(sys.exists('/dev/vfio/0')).toBe(false);
    expect(sys.ls('/dev/vfio')).toEqual(['1', 'vfio']);
  });

  it('6.1: SET_CONTAINER with a negative fd is EBADF (fdget finds no file)', async () => {
    const sys = await bootSystem(V6_1, { samples: ['mtty'] });
    await sys.create('mtty', 'mtty-1', U1);
    const g = await rawGroup(sys, 0);
    // §3.1 [6.1] SET_CONTAINER "bad fd → -EBADF": there is no separate negative-fd check in 6.1
    expect(await g.ioctl(g.fd, 'VFIO_GROUP_SET_CONTAINER', -1)).toBe(EBADF);
    expect(await g.status()).toEqual({ argsz: 8, flags: 1 });
    await sys.finish(g.p.exit());
  });

  // At 4.10 the group ioctl rejects a negative container fd before anything else (§3.1 4.10 SET_CONTAINER:
  // "fd < 0 → -EINVAL", then "bad fd → -EBADF").
  it('4.10: SET_CONTAINER(-1) is EINVAL, not EBADF', async () => {
    const sys = await bootSystem(V4_10, { samples: ['mtty'] });
    await sys.create('mtty', 'mtty-1', U1);
    const g = await rawGroup(sys, 0);
    expect(await g.ioctl(g.fd, 'VFIO_GROUP_SET_CONTAINER', 77)).toBe(EBADF); // §3.1 [4.10] bad fd → -EBADF
    expect(await g.ioctl(g.fd, 'VFIO_GROUP_SET_CONTAINER', -1)).toBe(EINVAL); // §3.1 [4.10] fd < 0 → -EINVAL
  });
});
