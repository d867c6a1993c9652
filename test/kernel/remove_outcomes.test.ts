import { describe, expect, it } from 'vitest';
import type { TraceEvent } from '../../src/kernel/trace.ts';
import { V4_10, V6_1 } from '../../src/profile/profiles.ts';
import {
  BOTH_PROFILES,
  bootSystem,
  busDev,
  closeAll,
  FULL,
  is410,
  parentDir,
  recordOf,
  runOps,
  typeDir,
  uuid,
} from '../helpers/mdev_fixtures.ts';
import { REFUSER, refusingVendorV410Module } from '../helpers/refusing_vendor_v4_10.ts';
import { runUntil, scriptedSystem } from '../helpers/scripted.ts';

/**
 * Writes to a device's `remove` attribute (kernel-semantics.md §6.4, §1.6, §2.5; oracle README "remove" and
 * "remove while a device fd is open"). Rows that differ between the kernels are marked "profile-specific".
 */

const U1 = uuid(0xd001);
const U2 = uuid(0xd002);
const U3 = uuid(0xd003);

for (const profile of BOTH_PROFILES) {
  describe(`remove outcomes at ${profile.name}`, () => {
    it('"0", "0x0" and "0\\n" are a successful no-op returning the byte count', async () => {
      const sys = await bootSystem(profile, { samples: ['mtty'] });
      await sys.create('mtty', 'mtty-1', U1);
      for (const v of ['0', '0x0', '0\n', '00']) {
        // §6.4 '"0" (or "0x0") → success, no-op'; oracle "remove": 0 and "0\n" are a no-op
        expect(await sys.remove(U1, v), JSON.stringify(v)).toMatchObject({ stage: 'write', ret: v.length });
      }
      expect(sys.devices()).toEqual([U1]);
      expect(sys.exists(`${busDev(U1)}/remove`)).toBe(true);
    });

    it('non-numeric, negative, overflowing, space-padded or lone-newline values are EINVAL', async () => {
      const sys = await bootSystem(profile, { samples: ['mtty'] });
      await sys.create('mtty', 'mtty-1', U1);
      for (const v of [
        'x',
        '-1',
        ' 1',
        '1 ',
        '\n',
        'yes',
        '1x',
        '99999999999999999999999',
        '18446744073709551616',
      ]) {
        // §6.4 "non-numeric, negative, overflow → -EINVAL" (kstrtoul, §1.6 step 1); oracle "remove" EINVAL list
        expect(await sys.remove(U1, v), JSON.stringify(v)).toMatchObject({ stage: 'write', err: 'EINVAL' });
      }
      // oracle "remove": "" returns 0 and does nothing
      expect(await sys.remove(U1, '')).toMatchObject({ stage: 'write', ret: 0, err: null });
      expect(sys.devices()).toEqual([U1]);
      expect(sys.exists(`${busDev(U1)}/remove`)).toBe(true); // a parse error never touches the file
    });

    it('"1\\n", "010", "0x1", "2", "4294967296" remove the device and return the byte count', async () => {
      const sys = await bootSystem(profile, { samples: ['mtty'] });
      for (const v of ['1', '1\n', '010', '0x1', '2', '4294967296', '18446744073709551615']) {
        await sys.create('mtty', 'mtty-2', U1);
        expect(await sys.available('mtty', 'mtty-2')).toBe(11);
        // §6.4 "nonzero, device idle → success"; oracle "remove": 1, "1\n", 2, 0x1, 010, 4294967296
        expect(await sys.remove(U1, v), JSON.stringify(v)).toMatchObject({ stage: 'write', ret: v.length });
        expect(sys.devices()).toEqual([]);
        expect(sys.exists(`${parentDir('mtty')}/${U1}`)).toBe(false);
        expect(sys.ls(`${typeDir('mtty', 'mtty-2')}/devices`)).toEqual([]);
        expect(sys.exists('/dev/vfio/0')).toBe(false);
        // oracle "remove": when the device is not open, available_instances is credited back at once
        expect(await sys.available('mtty', 'mtty-2')).toBe(12);
      }
      expect(sys.kernel.bugs).toEqual([]);
    });

    it('the same attribute works through the type devices/ link and the parent directory', async () => {
      const sys = await bootSystem(profile, { samples: ['mtty'] });
      await sys.create('mtty', 'mtty-1', U1);
      await sys.create('mtty', 'mtty-1', U2);
      // oracle "remove": the same attribute is reachable via types/*/devices/U/ and the parent's U/
      expect(await sys.write(`${typeDir('mtty', 'mtty-1')}/devices/${U1}/remove`, '1')).toMatchObject({
        ret: 1,
      });
      expect(await sys.write(`${parentDir('mtty')}/${U2}/remove`, '1')).toMatchObject({ ret: 1 });
      expect(sys.devices()).toEqual([]);
    });

    it('a removed device, or an upper-case path, gives ENOENT at open()', async () => {
      const sys = await bootSystem(profile, { samples: ['mtty'] });
      await sys.create('mtty', 'mtty-1', U1);
      // oracle "remove": an upper-case path gives ENOENT at open()
      expect(await sys.remove(U1.toUpperCase())).toMatchObject({ stage: 'open', err: 'ENOENT' });
      await sys.remove(U1);
      // §2.7 "Remove of an already removed device: file gone (open → ENOENT)"; oracle: a second remove → ENOENT
      expect(await sys.remove(U1)).toMatchObject({ stage: 'open', err: 'ENOENT' });
    });

    it('a write through a remove fd opened before the removal gives ENODEV', async () => {
      const sys = await bootSystem(profile, { samples: ['mtty'] });
      await sys.create('mtty', 'mtty-1', U1);
      const p = sys.process('stale');
      const fd = await sys.finish(p.open(`${busDev(U1)}/remove`, 'w'));
      expect(fd).toBeGreaterThanOrEqual(0);
      expect(await sys.remove(U1)).toMatchObject({ ret: 1 });
      // §6.4 "write on an fd opened before removal → -ENODEV (kernfs inactive node)", both kernels
      expect(await sys.finish(p.write(fd, '1'))).toBe(-19);
      expect(await sys.finish(p.write(fd, '0'))).toBe(-19);
    });

    it('of two concurrent writers only the one that removes the file does the work; the other succeeds as a no-op', async () => {
      const { sys, sched } = await scriptedSystem(profile);
      await sys.loadAll('mtty');
      await sys.create('mtty', 'mtty-1', U1);
      const teardowns: string[] = [];
      sys.kernel.trace.listen((e: TraceEvent) => {
        if (e.kind === 'mdev.teardown.begin') teardowns.push(`${e.uuid} ${e.by}`);
      });
      const first = sys.startRemove(U1);
      const second = sys.startRemove(U1);
      await runUntil(sys, sched, first.task, /kernfs_remove_self remove/);
      await runUntil(sys, sched, second.task, /kernfs_remove_self remove/);
      await sys.settle();
      // §1.6 step 3 / §6.4 "concurrent second writer → the file-self-removal loser returns success (no-op)"
      expect(await first.result).toMatchObject({ stage: 'write', ret: 1, err: null });
      expect(await second.result).toMatchObject({ stage: 'write', ret: 1, err: null });
      expect(teardowns).toEqual([`${U1} user`]);
      expect(sys.devices()).toEqual([]);
      expect(sys.kernel.bugs).toEqual([]);
    });

    it('with a device fd open the write blocks; the observables during the block', async () => {
      const sys = await bootSystem(profile, { samples: ['mtty'] });
      await sys.create('mtty', 'mtty-1', U1);
      await sys.create('mtty', 'mtty-1', U2);
      const h = sys.vfioUser('h1', U1);
      await runOps(sys, h, `${FULL},cfg`);
      const rm = sys.startRemove(U1);
      await sys.settle();
      // §6.4 "nonzero, device fd open → the write blocks" (both; 4.10 when the vendor accepts, as mtty does)
      expect(rm.blocked).toBe(true);
      // oracle "remove while a device fd is open": the bus link and the type devices/ link are gone ...
      expect(sys.devices()).toEqual([U2]);
      expect(sys.ls(`${typeDir('mtty', 'mtty-1')}/devices`)).toEqual([U2]);
      // ... the remove attribute is gone: a second remove is ENOENT at open()
      expect(sys.exists(`${parentDir('mtty')}/${U1}/remove`)).toBe(false);
      expect(await sys.write(`${parentDir('mtty')}/${U1}/remove`, '1')).toMatchObject({
        stage: 'open',
        err: 'ENOENT',
      });
      // ... the device directory stays under the parent, the iommu group and /dev/vfio/N still exist
      expect(sys.ls(parentDir('mtty'))).toContain(U1);
      expect(sys.exists('/sys/kernel/iommu_groups/0')).toBe(true);
      expect(sys.exists('/dev/vfio/0')).toBe(true);
      // a second GET_DEVICE_FD still succeeds (oracle 04 step 12; at 4.10 the device stays on its group's
      // list until its last reference goes and the 4.x core calls the vendor open on every GET_DEVICE_FD, §1.7)
      const second = await sys.finish(h.ops('dev'));
      expect(recordOf(second, 'dev').ret).toBeGreaterThanOrEqual(0);
      if (is410(profile)) {
        // profile-specific (§1.6, §4.1): mtty's vendor remove ran first and freed its state, so the still-open
        // fd's ioctls see NULL drvdata → -ENODEV, and the port is credited back at once
        expect(await runOps(sys, h, 'info')).toEqual(['info:ENODEV']);
        expect(await sys.available('mtty', 'mtty-1')).toBe(23);
      } else {
        // profile-specific (oracle 04): ioctls and config reads keep working; available_instances is not yet
        // credited; a create of the same UUID is EEXIST
        const ops = await sys.finish(h.ops('info,cfg'));
        expect(recordOf(ops, 'info')).toMatchObject({ ret: 0, num_regions: 9 });
        expect(recordOf(ops, 'cfg')).toMatchObject({ vendor: '4348', device: '3253' });
        expect(await sys.available('mtty', 'mtty-1')).toBe(22);
        expect(await sys.create('mtty', 'mtty-1', U1)).toMatchObject({ err: 'EEXIST' });
      }
      expect(rm.blocked).toBe(true);
      await closeAll(sys, h);
      // oracle 04: then it returns the byte count
      expect(await rm.result).toMatchObject({ stage: 'write', ret: 1, err: null });
      expect(sys.ls(parentDir('mtty'))).not.toContain(U1);
      expect(await sys.available('mtty', 'mtty-1')).toBe(23);
      expect(sys.kernel.bugs).toEqual([]);
    });

    it('with only a container and group open (no device fd) the remove does not block', async () => {
      const sys = await bootSystem(profile, { samples: ['mtty'] });
      await sys.create('mtty', 'mtty-1', U1);
      const h = sys.vfioUser('h3', U1);
      await runOps(sys, h, 'container,group,status,setc,iommu');
      // oracle "remove while a device fd is open": with only container and group open, remove does not block
      expect(await sys.remove(U1)).toMatchObject({ ret: 1 });
      expect(sys.devices()).toEqual([]);
      await closeAll(sys, h);
    });
  });
}

describe('remove outcomes at v6.1 only', () => {
  it('a remove while the device is being created is EAGAIN and loses the remove file for good', async () => {
    const { sys, sched } = await scriptedSystem(V6_1);
    await sys.loadAll('mtty');
    const create = sys.startCreate('mtty', 'mtty-1', U1);
    await runUntil(sys, sched, create.task, /mdev_device_create .*: activate/);
    const rm = sys.startWrite(`${parentDir('mtty')}/${U1}/remove`, '1');
    await runUntil(sys, sched, rm.task, /never/).catch(() => {});
    // §2.5 "Remove-during-create anomaly" / §6.4 "nonzero during create → -EAGAIN, remove file lost"
    expect(await rm.result).toMatchObject({ stage: 'write', errno: 11, err: 'EAGAIN' });
    expect(await sys.finish(create)).toMatchObject({ ret: 36 });
    expect(sys.devices()).toEqual([U1]);
    expect(sys.exists(`${busDev(U1)}/remove`)).toBe(false);
    // no user remove is possible any more (ENOENT at open) ...
    expect(await sys.remove(U1)).toMatchObject({ stage: 'open', err: 'ENOENT' });
    // ... only the parent's unregistration removes it (§2.5)
    expect(await sys.unload('mtty')).toBe(0);
    expect(sys.devices()).toEqual([]);
    expect(sys.kernel.mdev!.mdevList).toEqual([]);
    expect(sys.kernel.iommu.live.size).toBe(0);
  });

  it('a remove racing with the parent unregistration fails its unreg_sem trylock with ENODEV', async () => {
    const { sys, sched } = await scriptedSystem(V6_1);
    await sys.loadAll('mtty');
    await sys.create('mtty', 'mtty-1', U1);
    const rm = sys.startRemove(U1);
    await runUntil(sys, sched, rm.task, /down_read_trylock unreg_sem mtty/);
    const unload = sys.startUnload('mtty');
    await runUntil(sys, sched, unload.task, /device_del /);
    await sys.settle();
    // §2.5 step 4 / §6.4 "during parent unregister → -ENODEV; the device is removed by the unregister"
    expect(await rm.result).toMatchObject({ stage: 'write', errno: 19, err: 'ENODEV' });
    expect(await unload.result).toBe(0);
    expect(sys.devices()).toEqual([]);
    expect(sys.kernel.mdev!.mdevList).toEqual([]);
    expect(sys.kernel.bugs).toEqual([]);
  });
});

describe('remove outcomes at v4.10 only', () => {
  it('a vendor that refuses (KVMGT-like) gives EBUSY and the remove file is re-created', async () => {
    const sys = await bootSystem(V4_10, { samples: [REFUSER], extraModules: [refusingVendorV410Module()] });
    expect(await sys.create(REFUSER, `${REFUSER}-1`, U1)).toMatchObject({ ret: 36 });
    const h = sys.vfioUser('h', U1);
    await runOps(sys, h, FULL);
    const rm = sys.startRemove(U1);
    await sys.settle();
    // §6.4 [4.10] "vendor may refuse → -EBUSY with `remove` re-created (KVMGT)"; §1.6 rc1 masks to -EBUSY
    expect(rm.finished).toBe(true);
    expect(await rm.result).toMatchObject({ stage: 'write', errno: 16, err: 'EBUSY' });
    expect(sys.exists(`${busDev(U1)}/remove`)).toBe(true);
    expect(sys.devices()).toEqual([U1]);
    expect(sys.ls(`${typeDir(REFUSER, `${REFUSER}-1`)}/devices`)).toEqual([U1]);
    expect(sys.kernel.mdev!.mdevList.map((m) => m.uuid)).toEqual([U1]); // re-listed (§1.6 99e3123e)
    // the device was not torn down: its fd keeps working
    expect(await runOps(sys, h, 'info')).toEqual(['info:0']);
    // and it is still removable through the re-created file once it is idle
    await closeAll(sys, h);
    expect(await sys.remove(U1)).toMatchObject({ ret: 1 });
    expect(sys.devices()).toEqual([]);
    expect(sys.kernel.bugs).toEqual([]);
  });

  it('a blocked remove holds parent->lock: creates and removes on the same parent block, other parents do not', async () => {
    const sys = await bootSystem(V4_10, { samples: ['mtty', 'mdpy'] });
    await sys.create('mtty', 'mtty-1', U1);
    await sys.create('mtty', 'mtty-1', U2);
    await sys.create('mdpy', 'mdpy-vga', uuid(0xd101));
    const h = sys.vfioUser('h', U1);
    await runOps(sys, h, FULL);
    const rm = sys.startRemove(U1);
    await sys.settle();
    expect(rm.blocked).toBe(true);
    // §6.4 [4.10] "other creates/removes on the same parent block" (§1.6: parent->lock held across the wait)
    const create = sys.startCreate('mtty', 'mtty-2', U3);
    await sys.settle();
    expect(create.blocked).toBe(true);
    expect(create.task.point).toBe('mutex parent->lock mtty');
    // §1.11: other parents are not serialized with it
    expect(await sys.create('mdpy', 'mdpy-vga', uuid(0xd102))).toMatchObject({ ret: 36 });
    expect(await sys.remove(uuid(0xd101))).toMatchObject({ ret: 1 });
    await closeAll(sys, h);
    expect(await rm.result).toMatchObject({ ret: 1 });
    expect(await create.result).toMatchObject({ ret: 36 });
    // a remove queued behind the lock blocks the same way
    const h2 = sys.vfioUser('h2', U2);
    await runOps(sys, h2, FULL);
    const rm2 = sys.startRemove(U2);
    await sys.settle();
    const rm3 = sys.startRemove(U3);
    await sys.settle();
    expect(rm2.blocked).toBe(true);
    expect(rm3.blocked).toBe(true);
    expect(rm3.task.point).toBe('mutex parent->lock mtty');
    await closeAll(sys, h2);
    expect(await rm2.result).toMatchObject({ ret: 1 });
    expect(await rm3.result).toMatchObject({ ret: 1 });
    expect(sys.devices()).toEqual([uuid(0xd102)]);
    expect(sys.kernel.bugs).toEqual([]);
    expect(sys.kernel.rt.oopses).toEqual([]);
  });

  // §1.11: create/create and create/remove on the same parent are serialized by parent->lock, also when
  // several waiters are woken at once (a regression here once let two waiters take the mutex together).
  it('creates queued behind a blocked remove run one at a time once it completes', async () => {
    const sys = await bootSystem(V4_10, { samples: ['mtty'] });
    await sys.create('mtty', 'mtty-1', U1);
    const h = sys.vfioUser('h', U1);
    await runOps(sys, h, FULL);
    const rm = sys.startRemove(U1);
    await sys.settle();
    const a = sys.startCreate('mtty', 'mtty-1', U2);
    const b = sys.startCreate('mtty', 'mtty-2', U3);
    await sys.settle();
    expect([rm.blocked, a.blocked, b.blocked]).toEqual([true, true, true]);
    let inside = 0;
    let most = 0;
    sys.kernel.trace.listen((e: TraceEvent) => {
      if (e.kind === 'mdev.device_add') most = Math.max(most, ++inside);
      if (e.kind === 'mdev.create.end') inside--;
    });
    await closeAll(sys, h);
    expect(await rm.result).toMatchObject({ ret: 1 });
    expect(sys.kernel.rt.oopses).toEqual([]);
    expect(await a.result).toMatchObject({ ret: 36 });
    expect(await b.result).toMatchObject({ ret: 36 });
    expect(most).toBe(1); // §1.11: never two creates inside parent->lock at once
  });

  it('while a device fd is open the vendor state is already gone: device-fd ioctls answer ENODEV', async () => {
    const sys = await bootSystem(V4_10, { samples: ['mtty'] });
    await sys.create('mtty', 'mtty-1', U1);
    const h = sys.vfioUser('h', U1);
    await runOps(sys, h, `${FULL},cfg`);
    const rm = sys.startRemove(U1);
    await sys.settle();
    // §6.4 [4.10] "mtty accepts: vendor state freed immediately (device-fd ioctls → -ENODEV)"; §4.1 NULL drvdata
    expect(await runOps(sys, h, 'info,reset')).toEqual(['info:ENODEV', 'reset:ENODEV']);
    expect(rm.blocked).toBe(true);
    expect(sys.kernel.bugs).toEqual([]); // NULL drvdata is checked: no use after free
    await closeAll(sys, h);
    expect(await rm.result).toMatchObject({ ret: 1 });
  });

  it('a remove during a create on the same parent waits for parent->lock', async () => {
    const { sys, sched } = await scriptedSystem(V4_10);
    await sys.loadAll('mtty');
    await sys.create('mtty', 'mtty-1', U2);
    const create = sys.startCreate('mtty', 'mtty-1', U1);
    await runUntil(sys, sched, create.task, /mtty create enter/);
    const rm = sys.startRemove(U2);
    await runUntil(sys, sched, rm.task, /never/).catch(() => {});
    // §6.4 [4.10] "nonzero during create → blocks on parent->lock"
    expect(rm.blocked).toBe(true);
    expect(rm.task.point).toBe('mutex parent->lock mtty');
    await sys.settle();
    expect(await create.result).toMatchObject({ ret: 36 });
    expect(await rm.result).toMatchObject({ ret: 1 });
    expect(sys.devices()).toEqual([U1]);
  });

  it('a remove of a device created but not yet on mdev_list is ENODEV and re-creates the remove file', async () => {
    const { sys, sched } = await scriptedSystem(V4_10);
    await sys.loadAll('mtty');
    const create = sys.startCreate('mtty', 'mtty-1', U1);
    // after the remove file and links exist, before mdev_list (§1.5 step 9: visible before listed)
    await runUntil(sys, sched, create.task, /^mutex_lock mdev_list_lock$/);
    expect(sys.exists(`${busDev(U1)}/remove`)).toBe(true);
    const rm = sys.startRemove(U1);
    await runUntil(sys, sched, rm.task, /never/).catch(() => {});
    // §6.4 [4.10] "nonzero during create → -ENODEV (99e3123e)"; §1.6 "not on mdev_list → -ENODEV"
    expect(await rm.result).toMatchObject({ stage: 'write', errno: 19, err: 'ENODEV' });
    // §1.6 step 4: on error remove_store re-creates the file (C-3)
    expect(sys.exists(`${busDev(U1)}/remove`)).toBe(true);
    expect(await sys.finish(create)).toMatchObject({ ret: 36 });
    expect(await sys.remove(U1)).toMatchObject({ ret: 1 });
    expect(sys.devices()).toEqual([]);
  });

  it('a remove during the parent unregistration blocks on parent->lock, then completes', async () => {
    const sys = await bootSystem(V4_10, { samples: ['mtty'] });
    await sys.create('mtty', 'mtty-1', U1);
    await sys.create('mtty', 'mtty-1', U2);
    const h = sys.vfioUser('h', U1);
    await runOps(sys, h, FULL);
    const unload = sys.startUnload('mtty');
    await sys.settle();
    expect(unload.blocked).toBe(true);
    const rm = sys.startWrite(`${parentDir('mtty')}/${U2}/remove`, '1');
    await sys.settle();
    // §6.4 [4.10] "during parent unregister → blocks on locks"
    expect(rm.blocked).toBe(true);
    await closeAll(sys, h);
    expect(await unload.result).toBe(0);
    expect(await rm.result).toMatchObject({ ret: 1 });
    expect(sys.devices()).toEqual([]);
    expect(sys.kernel.iommu.live.size).toBe(0);
    expect(sys.kernel.bugs).toEqual([]);
  });
});
