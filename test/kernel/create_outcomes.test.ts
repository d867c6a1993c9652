import { describe, expect, it } from 'vitest';
import { V4_10, V6_1 } from '../../src/profile/profiles.ts';
import {
  BOTH_PROFILES,
  bootSystem,
  busDev,
  closeAll,
  FULL,
  is410,
  parentDir,
  runOps,
  typeDir,
  uuid,
} from '../helpers/mdev_fixtures.ts';
import { runUntil, scriptedSystem } from '../helpers/scripted.ts';

/**
 * Writes to a type's `create` attribute, errno by errno (kernel-semantics.md §6.3, §1.5, §2.4; oracle README
 * "Observed semantics" → "create"). Rows that differ between the kernels are marked "profile-specific".
 */

const U1 = uuid(0xc001);
const U2 = uuid(0xc002);

for (const profile of BOTH_PROFILES) {
  describe(`create outcomes at ${profile.name}`, () => {
    it('accepts exactly 36 bytes, and 37 bytes whatever the 37th byte is; returns the byte count', async () => {
      const sys = await bootSystem(profile, { samples: ['mtty'] });
      expect(await sys.create('mtty', 'mtty-1', uuid(0x100))).toMatchObject({ ret: 36, err: null }); // §6.3 success: write returns the byte count
      const tails = ['\n', 'X', ' ', '\0', 'a'];
      for (const [i, tail] of tails.entries()) {
        // §1.5 step 2 / oracle "create": only the first 36 bytes are parsed, any 37th byte is accepted
        expect(await sys.create('mtty', 'mtty-1', uuid(0x101 + i) + tail)).toMatchObject({
          ret: 37,
          err: null,
        });
      }
      // oracle "create": the nil UUID and the all-f UUID are accepted
      expect(await sys.create('mtty', 'mtty-1', '00000000-0000-0000-0000-000000000000')).toMatchObject({
        ret: 36,
      });
      expect(await sys.create('mtty', 'mtty-1', 'ffffffff-ffff-ffff-ffff-ffffffffffff')).toMatchObject({
        ret: 36,
      });
      expect(sys.devices()).toHaveLength(3 + tails.length);
      expect(sys.devices()).toContain(uuid(0x101));
    });

    it('rejects every other length with EINVAL and creates nothing', async () => {
      const sys = await bootSystem(profile, { samples: ['mtty'] });
      const bad = [
        U1.slice(0, 35), // 35 bytes (echo -n of a short string)
        `${U1}\n\n`, // 38 bytes
        `${U1}\r\n`, // 38 bytes
        U1.replaceAll('-', ''), // 32 bytes, no dashes
        `{${U1}}`, // 38 bytes, braces
        '\n', // 1 byte
        `${U1}${U1}`, // 72 bytes
      ];
      for (const data of bad) {
        // §6.3 "length ∉ {36, 37} bytes → -EINVAL"; oracle "create": any other length is EINVAL
        expect(await sys.create('mtty', 'mtty-1', data), JSON.stringify(data)).toMatchObject({
          stage: 'write',
          err: 'EINVAL',
        });
      }
      expect(sys.devices()).toEqual([]);
      expect(await sys.available('mtty', 'mtty-1')).toBe(24);
    });

    it('rejects 36/37 bytes that are not a UUID in the first 36 (bad hex, misplaced hyphen, leading space, NUL)', async () => {
      const sys = await bootSystem(profile, { samples: ['mtty'] });
      const bad = [
        `g${U1.slice(1)}`, // non-hex digit
        `${U1.slice(0, 7)}-${U1[7]}${U1.slice(9)}`, // hyphen moved from offset 8 to offset 7
        `${U1.slice(0, 8)}x${U1.slice(9)}`, // hyphen at offset 8 replaced
        ` ${U1}`, // leading space (37 bytes, so the first 36 are shifted)
        `${U1.slice(0, 10)}\0${U1.slice(11)}`, // NUL inside
        `${U1.slice(0, 35)}\0`, // NUL as the 36th byte
      ];
      for (const data of bad) {
        expect(data.length === 36 || data.length === 37, JSON.stringify(data)).toBe(true);
        // §1.5 step 2 / §6.3: not a UUID in the first 36 bytes → -EINVAL; oracle "create": bad hex digit,
        // misplaced dash, leading space → EINVAL
        expect(await sys.create('mtty', 'mtty-1', data), JSON.stringify(data)).toMatchObject({
          stage: 'write',
          err: 'EINVAL',
        });
      }
      expect(sys.devices()).toEqual([]);
    });

    it('accepts upper case, names the device in lower case, and detects duplicates case-insensitively', async () => {
      const sys = await bootSystem(profile, { samples: ['mtty'] });
      // §1.5 "Device naming" / oracle "create": upper- or mixed-case UUIDs are accepted, named in lower case
      expect(await sys.create('mtty', 'mtty-1', U1.toUpperCase())).toMatchObject({ ret: 36 });
      expect(sys.devices()).toEqual([U1]);
      expect(sys.exists(`${parentDir('mtty')}/${U1}`)).toBe(true);
      expect(sys.exists(`${parentDir('mtty')}/${U1.toUpperCase()}`)).toBe(false);
      // §1.5: duplicate detection compares binary values → case-insensitive -EEXIST
      expect(await sys.create('mtty', 'mtty-1', U1)).toMatchObject({ err: 'EEXIST' });
      const mixed = U1.slice(0, 18).toUpperCase() + U1.slice(18);
      expect(await sys.create('mtty', 'mtty-2', mixed)).toMatchObject({ err: 'EEXIST' }); // oracle "create": EEXIST, case-insensitive
      expect(sys.devices()).toEqual([U1]);
    });

    it('a 0-byte write returns 0 and does nothing', async () => {
      const sys = await bootSystem(profile, { samples: ['mtty'] });
      // oracle "create": a 0-byte write returns 0 and does nothing
      expect(await sys.create('mtty', 'mtty-1', '')).toMatchObject({ stage: 'write', ret: 0, err: null });
      expect(sys.devices()).toEqual([]);
      expect(await sys.available('mtty', 'mtty-1')).toBe(24);
    });

    it('a wrong type or parent fails at open() with ENOENT', async () => {
      const sys = await bootSystem(profile, { samples: ['mtty'] });
      // oracle "create": a wrong type or parent fails at open() with ENOENT
      expect(await sys.create('mtty', 'mtty-3', U1)).toMatchObject({ stage: 'open', err: 'ENOENT' });
      expect(await sys.create('mtty', '1', U1)).toMatchObject({ stage: 'open', err: 'ENOENT' });
      expect(await sys.create('mdpy', 'mdpy-vga', U1)).toMatchObject({ stage: 'open', err: 'ENOENT' });
      expect(await sys.create('nosuch', 'mtty-1', U1)).toMatchObject({ stage: 'open', err: 'ENOENT' });
      expect(sys.devices()).toEqual([]);
    });

    it('read-only attributes refuse writes and create/remove refuse reads, with EACCES', async () => {
      const sys = await bootSystem(profile, { samples: ['mtty', 'mdpy'] });
      await sys.create('mtty', 'mtty-1', U1);
      for (const attr of ['available_instances', 'name', 'device_api']) {
        // oracle "create": open(O_WRONLY) of read-only attributes gives EACCES, even as root
        expect(await sys.write(`${typeDir('mtty', 'mtty-1')}/${attr}`, '1')).toMatchObject({
          stage: 'open',
          err: 'EACCES',
        });
      }
      // same rule for mdpy's description (§6.2 mode 0444)
      expect(await sys.write(`${typeDir('mdpy', 'mdpy-vga')}/description`, '1')).toMatchObject({
        stage: 'open',
        err: 'EACCES',
      });
      // oracle "create": reading `create` or `remove` gives EACCES (§6.2 `create` 0200 → read is a permission error)
      expect(await sys.read(`${typeDir('mtty', 'mtty-1')}/create`)).toBe(-13);
      expect(await sys.read(`${busDev(U1)}/remove`)).toBe(-13);
    });

    it('a successful create shows every §6.3 observable', async () => {
      const sys = await bootSystem(profile, { samples: ['mtty'] });
      expect(await sys.create('mtty', 'mtty-2', `${U1}\n`)).toMatchObject({ ret: 37 });
      const d = `${parentDir('mtty')}/${U1}`;
      expect(sys.ls(busDev(U1))).toEqual(sys.ls(d));
      expect(sys.readlink(busDev(U1))).toBe(`../../../devices/virtual/mtty/mtty/${U1}`);
      expect(sys.ls(`${typeDir('mtty', 'mtty-2')}/devices`)).toEqual([U1]);
      expect(sys.readlink(`${d}/mdev_type`)).toBe('../mdev_supported_types/mtty-2');
      expect(sys.exists(`${d}/remove`)).toBe(true);
      // §2.7 "Driver bound to mdev" (profile-specific): vfio_mdev at 4.10, the vendor's own driver at 6.1
      expect(String(sys.readlink(`${d}/driver`))).toMatch(
        is410(profile) ? /\/bus\/mdev\/drivers\/vfio_mdev$/ : /\/bus\/mdev\/drivers\/mtty$/,
      );
      expect(String(sys.readlink(`${d}/iommu_group`))).toMatch(/\/kernel\/iommu_groups\/0$/);
      expect(sys.exists('/dev/vfio/0')).toBe(true);
      // §2.7 "IOMMU group name file" (profile-specific): none at 4.10, "vfio-noiommu" at 6.1
      expect(await sys.read('/sys/kernel/iommu_groups/0/name')).toBe(is410(profile) ? -2 : 'vfio-noiommu');
      // §6.3: D/vfio-dev/vfio<k> at 6.1 only (profile-specific)
      expect(sys.exists(`${d}/vfio-dev/vfio0`)).toBe(!is410(profile));
      expect(sys.exists(`${d}/vendor`)).toBe(true);
      expect(sys.readlink('/sys/class/mdev_bus/mtty')).toBe('../../devices/virtual/mtty/mtty');
      // §4.2 / oracle "Listing": one mtty-2 instance takes 2 of the 24 ports
      expect([await sys.available('mtty', 'mtty-1'), await sys.available('mtty', 'mtty-2')]).toEqual([
        22, 11,
      ]);
      expect(sys.kernel.bugs).toEqual([]);
    });

    it('each mdev gets its own IOMMU group with the lowest free number', async () => {
      const sys = await bootSystem(profile, { samples: ['mtty'] });
      for (const n of [1, 2, 3]) await sys.create('mtty', 'mtty-1', uuid(n));
      expect(sys.ls('/dev/vfio')).toEqual(['0', '1', '2', 'vfio']); // oracle "Listing": lowest free ID
      await sys.remove(uuid(2));
      await sys.create('mtty', 'mtty-1', uuid(4));
      expect(sys.readlink(`${busDev(uuid(4))}/iommu_group`)).toMatch(/iommu_groups\/1$/);
    });

    it('a duplicate UUID on the same parent is EEXIST, also across its types', async () => {
      const sys = await bootSystem(profile, { samples: ['mtty'] });
      await sys.create('mtty', 'mtty-1', U1);
      // §6.3 "UUID already present" / §1.5 step 3 (4.10 per-parent check) → -EEXIST at both kernels
      expect(await sys.create('mtty', 'mtty-1', U1)).toMatchObject({ stage: 'write', err: 'EEXIST' });
      expect(await sys.create('mtty', 'mtty-2', U1)).toMatchObject({ stage: 'write', err: 'EEXIST' });
      expect(sys.devices()).toEqual([U1]);
      expect([await sys.available('mtty', 'mtty-1'), await sys.available('mtty', 'mtty-2')]).toEqual([
        23, 11,
      ]);
      expect(sys.kernel.bugs).toEqual([]);
    });

    it('the duplicate check comes before the availability check (EEXIST on an exhausted type)', async () => {
      const sys = await bootSystem(profile, { samples: ['mtty'] });
      expect((await sys.load('mdpy', 'count=1')).ret).toBe(0);
      await sys.create('mdpy', 'mdpy-vga', U1);
      expect(await sys.available('mdpy', 'mdpy-xga')).toBe(0);
      // oracle "create" (03): the duplicate check happens before the availability check → EEXIST
      expect(await sys.create('mdpy', 'mdpy-xga', U1)).toMatchObject({ err: 'EEXIST' });
      if (!is410(profile)) {
        // 6.1 only (profile-specific, global UUID namespace §2.4): a UUID of another parent, exhausted type
        await sys.create('mtty', 'mtty-1', U2);
        expect(await sys.create('mdpy', 'mdpy-hd', U2)).toMatchObject({ err: 'EEXIST' }); // oracle 03 step 36
      }
    });
  });
}

describe('create outcomes at v6.1 only', () => {
  it('a duplicate UUID of another parent is EEXIST, cleanly (global namespace, §2.4 step 2)', async () => {
    const sys = await bootSystem(V6_1, { samples: ['mtty', 'mdpy', 'mbochs'] });
    await sys.create('mtty', 'mtty-1', U1);
    // §6.3 "UUID already present anywhere (any parent, any type)" → -EEXIST; oracle "create": across parents
    expect(await sys.create('mdpy', 'mdpy-vga', U1)).toMatchObject({ stage: 'write', err: 'EEXIST' });
    expect(await sys.create('mbochs', 'mbochs-small', U1.toUpperCase())).toMatchObject({ err: 'EEXIST' });
    expect(sys.devices()).toEqual([U1]);
    expect(sys.ls(parentDir('mdpy'))).not.toContain(U1);
    expect(await sys.available('mdpy', 'mdpy-vga')).toBe(4); // no instance taken by the failed create
    expect(sys.kernel.bugs).toEqual([]); // no sysfs warning: the duplicate never reaches device_add
  });

  it('a device whose removal is blocked still reserves its UUID: EEXIST on every parent', async () => {
    const sys = await bootSystem(V6_1, { samples: ['mtty', 'mdpy'] });
    await sys.create('mtty', 'mtty-1', U1);
    const h = sys.vfioUser('h', U1);
    await runOps(sys, h, FULL);
    const rm = sys.startRemove(U1);
    await sys.settle();
    expect(rm.blocked).toBe(true);
    expect(sys.devices()).toEqual([]);
    // §6.3 "including ... mid-remove but not yet released" / oracle "remove while a device fd is open": EEXIST
    expect(await sys.create('mtty', 'mtty-1', U1)).toMatchObject({ err: 'EEXIST' });
    expect(await sys.create('mdpy', 'mdpy-vga', U1)).toMatchObject({ err: 'EEXIST' });
    await closeAll(sys, h);
    expect(await rm.result).toMatchObject({ ret: 1 });
    // released: the GUID is free again (§2.5 final release)
    expect(await sys.create('mdpy', 'mdpy-vga', U1)).toMatchObject({ ret: 36 });
  });

  it('exhaustion: mtty and mbochs ENOSPC (vendor probe), mdpy EUSERS (core counter)', async () => {
    const sys = await bootSystem(V6_1, { samples: ['mtty'] });
    expect((await sys.load('mdpy', 'count=1')).ret).toBe(0);
    expect((await sys.load('mbochs', 'count=64')).ret).toBe(0);
    for (let i = 0; i < 12; i++) await sys.create('mtty', 'mtty-2', uuid(0x200 + i));
    // §6.3 "mtty/mbochs exhausted → -ENOSPC"; oracle 03: ENOSPC (28)
    expect(await sys.create('mtty', 'mtty-1', U1)).toMatchObject({
      stage: 'write',
      errno: 28,
      err: 'ENOSPC',
    });
    await sys.create('mbochs', 'mbochs-large', uuid(0x300));
    expect(await sys.create('mbochs', 'mbochs-small', U1)).toMatchObject({ errno: 28, err: 'ENOSPC' }); // §4.4 -ENOSPC
    await sys.create('mdpy', 'mdpy-hd', uuid(0x400));
    // §6.3 "core-counted driver with no instances left → -EUSERS"; oracle 03: EUSERS (87)
    expect(await sys.create('mdpy', 'mdpy-vga', U1)).toMatchObject({ errno: 87, err: 'EUSERS' });
    expect(sys.devices()).not.toContain(U1);
    expect(sys.kernel.mdev!.mdevList.map((m) => m.uuid)).not.toContain(U1); // the reservation was undone
    expect(sys.kernel.bugs).toEqual([]);
  });

  // drivers/base/dd.c call_driver_probe() pr_warn()s "<drv>: probe of <dev> failed with error <ret>" for any
  // error other than -EPROBE_DEFER/-ENODEV/-ENXIO, and the oracle saw it (README "create" → Exhaustion:
  // ENOSPC "with the klog line `mtty: probe of <uuid> failed with error -28`"; mdpy's EUSERS has no log line).
  it('a failed vendor probe logs "probe of <uuid> failed with error -28"; EUSERS logs nothing', async () => {
    const sys = await bootSystem(V6_1, { samples: ['mtty'] });
    expect((await sys.load('mdpy', 'count=0')).ret).toBe(0);
    for (let i = 0; i < 24; i++) await sys.create('mtty', 'mtty-1', uuid(0x200 + i));
    const from = sys.kernel.klog.next;
    expect(await sys.create('mtty', 'mtty-1', U1)).toMatchObject({ err: 'ENOSPC' }); // oracle 03
    expect(await sys.create('mdpy', 'mdpy-vga', U2)).toMatchObject({ err: 'EUSERS' }); // oracle 03
    expect(sys.kernel.klog.since(from).map((r) => [r.prio, r.msg])).toEqual([
      [4, `mtty: probe of ${U1} failed with error -28`],
    ]);
  });

  it('a create while the parent is unregistering fails its unreg_sem trylock with ENODEV', async () => {
    const { sys, sched } = await scriptedSystem(V6_1);
    await sys.loadAll('mtty');
    const create = sys.startCreate('mtty', 'mtty-1', U1);
    await runUntil(sys, sched, create.task, /down_read_trylock unreg_sem mtty/);
    const unload = sys.startUnload('mtty');
    // the unregistration takes unreg_sem for write and then waits for the create store to drain
    await runUntil(sys, sched, unload.task, /never/).catch(() => {});
    expect(unload.blocked).toBe(true);
    await sys.settle();
    // §2.4 step 7 / §6.3 "parent unregistering → -ENODEV"
    expect(await create.result).toMatchObject({ stage: 'write', errno: 19, err: 'ENODEV' });
    expect(await unload.result).toBe(0);
    expect(sys.devices()).toEqual([]);
    expect(sys.kernel.mdev!.mdevList).toEqual([]);
    expect(sys.kernel.iommu.live.size).toBe(0);
    expect(sys.kernel.bugs).toEqual([]);
  });
});

describe('create outcomes at v4.10 only', () => {
  it('a cross-parent duplicate escapes the per-parent check and fails at the bus link with a WARN (C-4)', async () => {
    const sys = await bootSystem(V4_10, { samples: ['mtty', 'mdpy'] });
    await sys.create('mtty', 'mtty-1', U1);
    const availBefore = await sys.available('mdpy', 'mdpy-vga');
    // §1.5 step 3: only this parent's children are compared; the same UUID under another parent reaches
    // device_register, whose /sys/bus/mdev/devices link is a duplicate: sysfs_create_link → -EEXIST + WARN
    expect(await sys.create('mdpy', 'mdpy-vga', U1)).toMatchObject({ stage: 'write', err: 'EEXIST' });
    expect(sys.kernel.bugs).toEqual([
      expect.objectContaining({ kind: 'warn', message: expect.stringContaining(`/bus/mdev/devices/${U1}`) }),
    ]);
    // the failed registration is unwound: nothing under mdpy, the vendor create never ran, no group leaked
    expect(sys.ls(parentDir('mdpy'))).not.toContain(U1);
    expect(await sys.available('mdpy', 'mdpy-vga')).toBe(availBefore);
    expect(sys.devices()).toEqual([U1]);
    expect(sys.readlink(busDev(U1))).toBe(`../../../devices/virtual/mtty/mtty/${U1}`);
    expect(sys.kernel.iommu.live.size).toBe(1);
    expect(sys.kernel.mdev!.parents.find((p) => p.name === 'mdpy')!.kref).toBe(1);
  });

  it('exhaustion (profile-specific): mtty never refuses, mdpy/mbochs first versions refuse with ENOMEM', async () => {
    const sys = await bootSystem(V4_10, { samples: ['mtty'] });
    expect((await sys.load('mdpy', 'count=1')).ret).toBe(0);
    expect((await sys.load('mbochs', 'count=64')).ret).toBe(0);
    for (let i = 0; i < 25; i++) {
      // §4.1 / §6.3 [4.10 mtty: succeeds regardless]
      expect(await sys.create('mtty', 'mtty-1', uuid(0x200 + i))).toMatchObject({ ret: 36 });
    }
    expect(await sys.available('mtty', 'mtty-1')).toBe(-1); // §4.1 "can go negative", printed with %d
    await sys.create('mdpy', 'mdpy-hd', uuid(0x300));
    // §4.3 History: before 6.1, mdpy's check-then-act returned -ENOMEM when full
    expect(await sys.create('mdpy', 'mdpy-vga', U1)).toMatchObject({ err: 'ENOMEM' });
    await sys.create('mbochs', 'mbochs-large', uuid(0x400));
    // §4.4 History: mbochs_used_mbytes check used -ENOMEM
    expect(await sys.create('mbochs', 'mbochs-small', U1)).toMatchObject({ err: 'ENOMEM' });
    expect(sys.devices()).not.toContain(U1);
    expect(sys.kernel.bugs).toEqual([]);
  });

  it('a create on a parent whose unregistration waits for an open device blocks, then fails cleanly', async () => {
    const sys = await bootSystem(V4_10, { samples: ['mtty'] });
    await sys.create('mtty', 'mtty-1', U1);
    const h = sys.vfioUser('h', U1);
    await runOps(sys, h, FULL);
    const unload = sys.startUnload('mtty');
    await sys.settle();
    expect(unload.blocked).toBe(true);
    // §1.3 step 2: the compat class link is gone first, so the class path no longer resolves
    expect(await sys.create('mtty', 'mtty-1', U2)).toMatchObject({ stage: 'open', err: 'ENOENT' });
    // through the parent device itself the store runs and blocks on parent->lock, held by the removal of the
    // open child (§1.3 step 3, §2.7 "Create while parent unregistering: blocks")
    const create = sys.startWrite(`${parentDir('mtty')}/mdev_supported_types/mtty-1/create`, U2);
    await sys.settle();
    expect(create.blocked).toBe(true);
    expect(create.task.point).toMatch(/parent->lock mtty/);
    await closeAll(sys, h);
    expect(await unload.result).toBe(0);
    // the type directories were removed under it, so it fails (§2.7: "blocks, then fails or races")
    expect((await create.result).ret).toBe(-1);
    expect(sys.devices()).toEqual([]);
    expect(sys.kernel.iommu.live.size).toBe(0);
    expect(sys.kernel.bugs).toEqual([]);
  });
});
