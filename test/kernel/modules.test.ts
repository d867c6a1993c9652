import { describe, expect, it } from 'vitest';
import { MdevSystem } from '../../src/api/system.ts';
import { V4_10, V6_1 } from '../../src/profile/profiles.ts';
import {
  BOTH_PROFILES,
  bootSystem,
  closeAll,
  FULL,
  is410,
  runOps,
  typeDir,
  uuid,
} from '../helpers/mdev_fixtures.ts';

/**
 * Module loading and unloading (`finit_module`, `delete_module(O_NONBLOCK)`): oracle README "Module unload"
 * (6.1 facts, scenario 05) and kernel-semantics.md §1.3/§1.7 for the 4.10 rows ("profile-specific").
 */

const U1 = uuid(0xa001);
const U2 = uuid(0xa002);
const U3 = uuid(0xa003);
const EAGAIN = -11;

for (const profile of BOTH_PROFILES) {
  describe(`modules at ${profile.name}`, () => {
    it('loading twice is EEXIST; a missing dependency is ENOENT; an unknown module is ENOENT at open', async () => {
      const sys = await MdevSystem.boot({ profile });
      // a module whose symbols are not loaded fails like an unresolved symbol (oracle setup: mtty needs vfio+mdev)
      expect(await sys.load('mtty')).toEqual({ stage: 'finit_module', ret: -2 });
      expect(await sys.load('vfio_iommu_type1')).toEqual({ stage: 'finit_module', ret: -2 });
      await sys.loadAll('mtty');
      // oracle "Module unload": loading a module twice gives EEXIST (05 step 5)
      expect(await sys.load('mtty')).toEqual({ stage: 'finit_module', ret: -17 });
      expect(await sys.load('vfio')).toEqual({ stage: 'finit_module', ret: -17 });
      // no such .ko: open() fails with ENOENT (oracle "Running": `load` opens /modules/MOD.ko); delete_module
      // of a module that is not loaded is ENOENT (kernel/module/main.c)
      expect(await sys.load('nosuch')).toEqual({ stage: 'open', ret: -2 });
      expect(await sys.unload('nosuch')).toBe(-2);
      expect([await sys.available('mtty', 'mtty-1'), await sys.available('mtty', 'mtty-2')]).toEqual([
        24, 12,
      ]);
    });

    it('a module used by another cannot be unloaded (EAGAIN) and nothing changes', async () => {
      const sys = await bootSystem(profile, { samples: ['mtty'] });
      await sys.create('mtty', 'mtty-1', U1);
      // oracle "Module unload": unloading mdev while mtty is loaded, or vfio with users → EAGAIN (05 steps 8–9)
      expect(await sys.unload('mdev')).toBe(EAGAIN);
      expect(await sys.unload('vfio')).toBe(EAGAIN);
      expect(sys.devices()).toEqual([U1]);
      expect(sys.kernel.modules.isLive('mdev')).toBe(true);
      // unloading the parent first, then its dependencies, works (05 steps 33–36)
      expect(await sys.unload('mtty')).toBe(0);
      if (is410(profile)) expect(await sys.unload('vfio_mdev')).toBe(0);
      expect(await sys.unload('mdev')).toBe(0);
      expect(await sys.unload('vfio_iommu_type1')).toBe(0);
      expect(await sys.unload('vfio')).toBe(0);
      expect(sys.kernel.modules.loaded.size).toBe(0);
    });

    it('vfio_iommu_type1 cannot be unloaded while a container uses it (EAGAIN)', async () => {
      const sys = await bootSystem(profile, { samples: ['mtty'] });
      await sys.create('mtty', 'mtty-1', U1);
      const h = sys.vfioUser('h', U1);
      await runOps(sys, h, 'container,group,setc,iommu');
      // oracle "Module unload": vfio_iommu_type1 while a container uses it → EAGAIN (05 step 18)
      expect(await sys.unload('vfio_iommu_type1')).toBe(EAGAIN);
      expect(await runOps(sys, h, 'dev')).toEqual(['dev:5']); // still working
      await closeAll(sys, h);
      expect(await sys.unload('vfio_iommu_type1')).toBe(0);
    });

    it('with only a group fd (no device fd) open the parent unloads; the stale group fd then answers', async () => {
      const sys = await bootSystem(profile, { samples: ['mtty'] });
      await sys.create('mtty', 'mtty-1', U1);
      const h = sys.vfioUser('h2', U1);
      await runOps(sys, h, 'container,group,status,setc,iommu');
      // oracle "Module unload": with only a group fd open, the unload succeeds (05 step 26)
      expect(await sys.unload('mtty')).toBe(0);
      expect(sys.devices()).toEqual([]);
      if (is410(profile)) {
        // profile-specific (§6.5 [4.10]): the node stays until the group fd closes, GET_STATUS still answers,
        // GET_DEVICE_FD → -ENODEV
        expect(sys.exists('/dev/vfio/0')).toBe(true);
        expect(await runOps(sys, h, 'status,dev')).toEqual(['status:0', 'dev:ENODEV']);
      } else {
        // oracle 05 step 27: "the group fd then gives ENODEV"
        expect(sys.exists('/dev/vfio/0')).toBe(false);
        expect(await runOps(sys, h, 'status,dev')).toEqual(['status:ENODEV', 'dev:ENODEV']);
      }
      await closeAll(sys, h);
      expect(sys.ls('/dev/vfio')).toEqual(['vfio']);
      expect(sys.kernel.iommu.live.size).toBe(0);
    });

    it('unload and reload leave no device and full availability; other parents are untouched', async () => {
      const sys = await bootSystem(profile, { samples: ['mtty', 'mdpy'] });
      await sys.create('mtty', 'mtty-1', U1);
      await sys.create('mtty', 'mtty-2', U2);
      await sys.create('mdpy', 'mdpy-vga', U3);
      // oracle "Module unload": with devices that are not open the unload succeeds and removes them all
      expect(await sys.unload('mtty')).toBe(0);
      expect(sys.devices()).toEqual([U3]); // "Unloading one parent leaves the others untouched"
      expect(sys.exists('/sys/class/mdev_bus/mtty')).toBe(false);
      const msgs = sys.kernel.klog.records.map((r) => r.msg);
      expect(msgs).toContain('mtty mtty: MDEV: Unregistering');
      expect(msgs.filter((m) => m.includes('Removing from iommu group'))).toHaveLength(2);
      expect((await sys.load('mtty')).ret).toBe(0);
      // "After a reload the types come back at full availability with no devices"
      expect(sys.devices()).toEqual([U3]);
      expect(sys.ls(`${typeDir('mtty', 'mtty-1')}/devices`)).toEqual([]);
      expect([await sys.available('mtty', 'mtty-1'), await sys.available('mtty', 'mtty-2')]).toEqual([
        24, 12,
      ]);
      // the UUIDs are free again
      expect(await sys.create('mtty', 'mtty-1', U1)).toMatchObject({ ret: 36 });
      expect(sys.kernel.bugs).toEqual([]);
    });
  });
}

describe('modules at v6.1 only', () => {
  it('a parent with an open device fd cannot be unloaded (EAGAIN) and NOTHING is removed', async () => {
    const sys = await bootSystem(V6_1, { samples: ['mtty'] });
    await sys.create('mtty', 'mtty-1', U1);
    await sys.create('mtty', 'mtty-1', U2);
    const h = sys.vfioUser('h1', U1);
    await runOps(sys, h, FULL);
    // each device fd holds a reference on the vendor module (§2.6 "driver module gone"; oracle 05 state mtty:1)
    expect(sys.kernel.modules.loaded.get('mtty')!.refs).toBe(1);
    // oracle "Module unload": with any device fd open: EAGAIN; nothing is removed, not even idle devices
    expect(await sys.unload('mtty')).toBe(EAGAIN);
    expect(sys.devices()).toEqual([U1, U2]);
    expect(sys.exists('/sys/class/mdev_bus/mtty')).toBe(true);
    expect(sys.kernel.klog.records.map((r) => r.msg)).not.toContain('mtty mtty: MDEV: Unregistering');
    expect(await runOps(sys, h, 'info')).toEqual(['info:0']);
    await closeAll(sys, h);
    expect(sys.kernel.modules.loaded.get('mtty')!.refs).toBe(0);
    expect(await sys.unload('mtty')).toBe(0);
    expect(sys.devices()).toEqual([]);
  });

  it('a parent cannot be unloaded while a remove of one of its devices is blocked (EAGAIN)', async () => {
    const sys = await bootSystem(V6_1, { samples: ['mtty'] });
    await sys.create('mtty', 'mtty-1', U1);
    await sys.create('mtty', 'mtty-1', U2);
    const h = sys.vfioUser('h1', U1);
    await runOps(sys, h, FULL);
    const rm = sys.startRemove(U1);
    await sys.settle();
    expect(rm.blocked).toBe(true);
    // oracle "Module unload": "The same happens while a remove is blocked"
    expect(await sys.unload('mtty')).toBe(EAGAIN);
    expect(sys.devices()).toEqual([U2]);
    expect(rm.blocked).toBe(true);
    await closeAll(sys, h);
    expect(await rm.result).toMatchObject({ ret: 1 });
    expect(await sys.unload('mtty')).toBe(0);
  });
});

describe('modules at v4.10 only', () => {
  it('the open fd pins vfio_mdev, not mtty: unload mtty blocks until the fd closes, then completes', async () => {
    const sys = await bootSystem(V4_10, { samples: ['mtty'] });
    // §1.1 rc1: mdev_init requests vfio_mdev
    expect(sys.kernel.modules.isLive('vfio_mdev')).toBe(true);
    await sys.create('mtty', 'mtty-1', U1);
    await sys.create('mtty', 'mtty-1', U2);
    const h = sys.vfioUser('h1', U1);
    await runOps(sys, h, FULL);
    // §1.7 "try_module_get(THIS_MODULE)": vfio_mdev pins itself, not the vendor module
    expect(sys.kernel.modules.loaded.get('vfio_mdev')!.refs).toBe(1);
    expect(sys.kernel.modules.loaded.get('mtty')!.refs).toBe(0);
    expect(await sys.unload('vfio_mdev')).toBe(EAGAIN); // a module with references → EAGAIN (oracle "Module unload")
    const unload = sys.startUnload('mtty');
    await sys.settle();
    // §1.3 step 3: the parent unregistration force-removes the children and blocks while a device fd is open
    expect(unload.blocked).toBe(true);
    expect(unload.task.point).toBe(`completion vfio_device ${U1}`);
    // the device fd keeps answering, with the vendor state gone (§1.6, §4.1: ioctl → -ENODEV)
    expect(await runOps(sys, h, 'info')).toEqual(['info:ENODEV']);
    await runOps(sys, h, 'closedev');
    expect(await unload.result).toBe(0);
    expect(sys.devices()).toEqual([]);
    expect(sys.kernel.modules.loaded.has('mtty')).toBe(false);
    await closeAll(sys, h);
    expect(sys.kernel.iommu.live.size).toBe(0);
    expect(sys.kernel.modules.loaded.get('vfio_mdev')!.refs).toBe(0);
    expect((await sys.load('mtty')).ret).toBe(0);
    expect([await sys.available('mtty', 'mtty-1'), await sys.available('mtty', 'mtty-2')]).toEqual([24, 12]);
    expect(sys.kernel.bugs).toEqual([]);
  });
});
