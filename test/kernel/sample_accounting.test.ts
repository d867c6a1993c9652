import { describe, expect, it } from 'vitest';
import { V4_10, V6_1 } from '../../src/profile/profiles.ts';
import {
  availability,
  BOTH_PROFILES,
  bootSystem,
  closeAll,
  FULL,
  is410,
  runOps,
  SAMPLE_TYPES,
  typeDir,
  uuid,
} from '../helpers/mdev_fixtures.ts';

/**
 * `available_instances` accounting of the sample drivers (kernel-semantics.md §4.1–§4.4, §6.2; oracle README
 * "Listing" and scenario 03). 4.10 rows are the first upstream versions run against the 4.10 interface
 * (§4.1; mdpy/mbochs check-then-act, -ENOMEM when full) and are marked "profile-specific".
 */

const ids = (base: number, n: number) => Array.from({ length: n }, (_, i) => uuid(base + i));

for (const profile of BOTH_PROFILES) {
  describe(`sample accounting at ${profile.name}`, () => {
    it('type directories and their attributes', async () => {
      const sys = await bootSystem(profile, { samples: ['mtty', 'mdpy', 'mbochs'] });
      // oracle "Listing": type attributes `available_instances create device_api devices name [description]`
      expect(sys.ls('/sys/class/mdev_bus/mtty/mdev_supported_types')).toEqual(['mtty-1', 'mtty-2']);
      expect(sys.ls(typeDir('mtty', 'mtty-1'))).toEqual([
        'available_instances',
        'create',
        'device_api',
        'devices',
        'name',
      ]);
      expect(await sys.read(`${typeDir('mtty', 'mtty-1')}/name`)).toBe('Single port serial'); // §4.1/§4.2
      expect(await sys.read(`${typeDir('mtty', 'mtty-2')}/name`)).toBe('Dual port serial');
      // oracle "Listing": mtty has no description attribute (ENOENT)
      expect(await sys.read(`${typeDir('mtty', 'mtty-1')}/description`)).toBe(-2);
      expect(sys.ls('/sys/class/mdev_bus/mdpy/mdev_supported_types')).toEqual([
        'mdpy-hd',
        'mdpy-vga',
        'mdpy-xga',
      ]);
      expect(await sys.read(`${typeDir('mdpy', 'mdpy-vga')}/name`)).toBe('mdpy-vga'); // §4.3
      expect(await sys.read(`${typeDir('mdpy', 'mdpy-hd')}/description`)).toBe(
        'virtual display, 1920x1080 framebuffer',
      );
      expect(await sys.read(`${typeDir('mbochs', 'mbochs-large')}/description`)).toBe(
        'virtual display, 64 MB video memory', // oracle "Listing"
      );
      for (const [parent, types] of Object.entries(SAMPLE_TYPES)) {
        for (const t of types) {
          // oracle "Listing": device_api is always vfio-pci
          expect(await sys.read(`${typeDir(parent, `${parent}-${t}`)}/device_api`)).toBe('vfio-pci');
        }
      }
    });

    it('mtty: 24 ports shared by mtty-1 (1 port) and mtty-2 (2 ports)', async () => {
      const sys = await bootSystem(profile, { samples: ['mtty'] });
      // §4.2 "Initial values: 24 and 12. After one mtty-2 create: 22 and 11" (oracle 03/06)
      expect(await availability(sys, 'mtty', ['1', '2'])).toEqual([24, 12]);
      await sys.create('mtty', 'mtty-2', uuid(1));
      expect(await availability(sys, 'mtty', ['1', '2'])).toEqual([22, 11]);
      await sys.create('mtty', 'mtty-1', uuid(2));
      expect(await availability(sys, 'mtty', ['1', '2'])).toEqual([21, 10]);
      await sys.remove(uuid(1));
      expect(await availability(sys, 'mtty', ['1', '2'])).toEqual([23, 11]);
      // a failed create changes nothing (§7 invariant 7)
      expect(await sys.create('mtty', 'mtty-2', uuid(2))).toMatchObject({ err: 'EEXIST' }); // §6.3 duplicate
      expect(await availability(sys, 'mtty', ['1', '2'])).toEqual([23, 11]);
    });

    it('mdpy: count=N is one counter shared by its three types, given back when a device goes', async () => {
      const sys = await bootSystem(profile);
      expect((await sys.load('mdpy', 'count=2')).ret).toBe(0);
      const types = SAMPLE_TYPES.mdpy!;
      // §4.3 "the core counts per parent across all types: all three types show the same number" (oracle 03)
      expect(await availability(sys, 'mdpy', types)).toEqual([2, 2, 2]);
      await sys.create('mdpy', 'mdpy-vga', uuid(1));
      expect(await availability(sys, 'mdpy', types)).toEqual([1, 1, 1]);
      await sys.create('mdpy', 'mdpy-hd', uuid(2));
      expect(await availability(sys, 'mdpy', types)).toEqual([0, 0, 0]);
      // §6.3 / oracle 03 (profile-specific): 6.1 core counter → EUSERS; 4.10 mdpy's own check → -ENOMEM (§4.3)
      expect(await sys.create('mdpy', 'mdpy-xga', uuid(3))).toMatchObject({
        err: is410(profile) ? 'ENOMEM' : 'EUSERS',
      });
      expect(await availability(sys, 'mdpy', types)).toEqual([0, 0, 0]);
      await sys.remove(uuid(1));
      // oracle 03 step 34: "The count is given back in mdev_device_release"
      expect(await availability(sys, 'mdpy', types)).toEqual([1, 1, 1]);
      expect(await sys.create('mdpy', 'mdpy-xga', uuid(3))).toMatchObject({ ret: 36 });
      expect(await availability(sys, 'mdpy', types)).toEqual([0, 0, 0]);
    });

    it('mbochs count=128: large 2, medium 8, small 32 from one memory pool', async () => {
      const sys = await bootSystem(profile);
      expect((await sys.load('mbochs', 'count=128')).ret).toBe(0);
      const types = SAMPLE_TYPES.mbochs!;
      // oracle "Listing": mbochs with count=128 → 32/8/2 (§4.4 get_available = free MB / type MB)
      expect(await availability(sys, 'mbochs', types)).toEqual([32, 8, 2]);
      await sys.create('mbochs', 'mbochs-large', uuid(1));
      expect(await availability(sys, 'mbochs', types)).toEqual([16, 4, 1]);
      await sys.create('mbochs', 'mbochs-medium', uuid(2));
      expect(await availability(sys, 'mbochs', types)).toEqual([12, 3, 0]);
      // §4.4 (profile-specific): 6.1 init reserves with cmpxchg → -ENOSPC; the first version used -ENOMEM
      expect(await sys.create('mbochs', 'mbochs-large', uuid(3))).toMatchObject({
        err: is410(profile) ? 'ENOMEM' : 'ENOSPC',
      });
      for (const id of ids(0x10, 12))
        expect(await sys.create('mbochs', 'mbochs-small', id)).toMatchObject({ ret: 36 });
      expect(await availability(sys, 'mbochs', types)).toEqual([0, 0, 0]);
      await sys.remove(uuid(1));
      expect(await availability(sys, 'mbochs', types)).toEqual([16, 4, 1]); // release gives the memory back
    });
  });
}

describe('sample accounting at v6.1 only', () => {
  it('mtty exhaustion follows oracle 03 exactly', async () => {
    const sys = await bootSystem(V6_1, { samples: ['mtty'] });
    const two = ids(0x2a1, 10);
    const one = ids(0x1a1, 5);
    for (const id of two) await sys.create('mtty', 'mtty-2', id);
    for (const id of one.slice(0, 3)) await sys.create('mtty', 'mtty-1', id);
    expect(await availability(sys, 'mtty', ['1', '2'])).toEqual([1, 0]);
    // oracle 03 step 18: one port left, mtty-2 cannot fit → ENOSPC; mtty-1 can
    expect(await sys.create('mtty', 'mtty-2', uuid(0x2ab))).toMatchObject({ err: 'ENOSPC' });
    expect(await sys.create('mtty', 'mtty-1', one[3]!)).toMatchObject({ ret: 36 });
    expect(await availability(sys, 'mtty', ['1', '2'])).toEqual([0, 0]);
    expect(await sys.create('mtty', 'mtty-1', one[4]!)).toMatchObject({ err: 'ENOSPC' }); // oracle 03 step 20
    expect(await sys.create('mtty', 'mtty-1', one[0]!)).toMatchObject({ err: 'EEXIST' }); // step 22: EEXIST wins
    await sys.remove(one[0]!);
    expect(await availability(sys, 'mtty', ['1', '2'])).toEqual([1, 0]);
    expect(await sys.create('mtty', 'mtty-2', uuid(0x2ab))).toMatchObject({ err: 'ENOSPC' }); // step 24
    await sys.remove(one[1]!);
    expect(await availability(sys, 'mtty', ['1', '2'])).toEqual([2, 1]);
    expect(await sys.create('mtty', 'mtty-2', uuid(0x2ab))).toMatchObject({ ret: 36 }); // step 26
    expect(await availability(sys, 'mtty', ['1', '2'])).toEqual([0, 0]);
    expect(sys.kernel.bugs).toEqual([]);
  });

  it('a core-counted instance comes back only at the final release (after a blocked remove)', async () => {
    const sys = await bootSystem(V6_1);
    expect((await sys.load('mdpy', 'count=1')).ret).toBe(0);
    await sys.create('mdpy', 'mdpy-vga', uuid(1));
    const h = sys.vfioUser('h', uuid(1));
    await runOps(sys, h, FULL);
    const rm = sys.startRemove(uuid(1));
    await sys.settle();
    expect(rm.blocked).toBe(true);
    // §2.5 final release: "available_instances++ if core-managed" happens at the last put_device
    expect(await availability(sys, 'mdpy', SAMPLE_TYPES.mdpy!)).toEqual([0, 0, 0]);
    expect(await sys.create('mdpy', 'mdpy-xga', uuid(2))).toMatchObject({ err: 'EUSERS' }); // §6.3
    await closeAll(sys, h);
    expect(await rm.result).toMatchObject({ ret: 1 });
    expect(await availability(sys, 'mdpy', SAMPLE_TYPES.mdpy!)).toEqual([1, 1, 1]);
  });
});

describe('sample accounting at v4.10 only', () => {
  it('mtty never refuses: available_instances goes negative (%d) and keeps counting', async () => {
    const sys = await bootSystem(V4_10, { samples: ['mtty'] });
    for (const id of ids(0x100, 26)) {
      // §4.1 "It never checks the available ports, so instances are unbounded"
      expect(await sys.create('mtty', 'mtty-1', id)).toMatchObject({ ret: 36 });
    }
    // §4.1 "available_instances can go negative" ((24 - 26) / 1 and (24 - 26) / 2, printed with %d)
    expect(await availability(sys, 'mtty', ['1', '2'])).toEqual([-2, -1]);
    expect(await sys.read(`${typeDir('mtty', 'mtty-1')}/available_instances`)).toBe('-2');
    expect(await sys.create('mtty', 'mtty-2', uuid(0x200))).toMatchObject({ ret: 36 });
    expect(await availability(sys, 'mtty', ['1', '2'])).toEqual([-4, -2]);
    for (const id of ids(0x100, 26)) await sys.remove(id);
    await sys.remove(uuid(0x200));
    expect(await availability(sys, 'mtty', ['1', '2'])).toEqual([24, 12]);
    expect(sys.kernel.bugs).toEqual([]);
  });

  it('vendor state goes at vendor remove, so a blocked remove credits mtty and mdpy at once', async () => {
    const sys = await bootSystem(V4_10, { samples: ['mtty'] });
    expect((await sys.load('mdpy', 'count=1')).ret).toBe(0);
    await sys.create('mdpy', 'mdpy-vga', uuid(1));
    const h = sys.vfioUser('h', uuid(1));
    await runOps(sys, h, FULL);
    const rm = sys.startRemove(uuid(1));
    await sys.settle();
    expect(rm.blocked).toBe(true);
    // §1.6 "vendor state is freed before device_unregister waits for the device fds"; mdpy's count-- is in
    // its remove (§4.3 History) → the instance is back while the write still blocks
    expect(await availability(sys, 'mdpy', SAMPLE_TYPES.mdpy!)).toEqual([1, 1, 1]);
    await closeAll(sys, h);
    expect(await rm.result).toMatchObject({ ret: 1 });
    expect(await availability(sys, 'mdpy', SAMPLE_TYPES.mdpy!)).toEqual([1, 1, 1]); // not credited twice
    expect(await sys.create('mdpy', 'mdpy-xga', uuid(2))).toMatchObject({ ret: 36 });
    expect(await availability(sys, 'mdpy', SAMPLE_TYPES.mdpy!)).toEqual([0, 0, 0]);
  });
});
