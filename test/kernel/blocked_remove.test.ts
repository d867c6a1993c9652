import { describe, expect, it } from 'vitest';
import type { TraceEvent } from '../../src/kernel/trace.ts';
import { V6_1 } from '../../src/profile/profiles.ts';
import {
  BOTH_PROFILES,
  bootSystem,
  closeAll,
  FULL,
  is410,
  parentDir,
  runOps,
  uuid,
} from '../helpers/mdev_fixtures.ts';

/**
 * A remove of a device with open device fds blocks and completes exactly when the LAST device fd closes, for
 * each sample driver at both kernels (kernel-semantics.md §6.4 "nonzero, device fd open", §1.8, §2.5; oracle
 * README "remove while a device fd is open": "completion followed the close within milliseconds").
 */

const SAMPLES = [
  { parent: 'mtty', type: 'mtty-2' },
  { parent: 'mdpy', type: 'mdpy-xga' },
  { parent: 'mbochs', type: 'mbochs-medium' },
] as const;

const U = uuid(0xb001);

for (const profile of BOTH_PROFILES) {
  describe(`blocked remove at ${profile.name}`, () => {
    for (const { parent, type } of SAMPLES) {
      it(`${parent}: blocks across the first close and completes at the last`, async () => {
        const sys = await bootSystem(profile, { samples: [parent] });
        await sys.create(parent, type, U);
        const full = await sys.available(parent, type);
        const h = sys.vfioUser('h', U);
        // two device fds of one device (§6.5 "GET_DEVICE_FD → new fd each time")
        expect(await runOps(sys, h, `${FULL},dev`)).toContain('dev:6');
        const events: TraceEvent[] = [];
        sys.kernel.trace.listen((e) => events.push(e));
        const rm = sys.startRemove(U);
        await sys.settle();
        // §6.4: the write blocks while a device fd is open
        expect(rm.blocked).toBe(true);
        expect(rm.task.point).toBe(`completion vfio_device ${U}`);
        // profile-specific: 4.10 frees the vendor state (and its accounting) before waiting (§1.6); 6.1 gives
        // the instance back only when the VFIO device is released (§4.2–§4.4, oracle 04)
        const during = is410(profile) ? full + 1 : full;
        expect(await sys.available(parent, type)).toBe(during);

        await runOps(sys, h, 'closedev');
        await sys.settle();
        // not before the last close: still blocked, device directory still under the parent
        expect(rm.blocked).toBe(true);
        expect(sys.ls(parentDir(parent))).toContain(U);
        expect(events.some((e) => e.kind === 'vfio.unregister.end')).toBe(false);
        expect(await sys.available(parent, type)).toBe(during);

        await runOps(sys, h, 'closedev');
        await sys.settle();
        // the last close lets it complete: the write returns the byte count
        expect(rm.finished).toBe(true);
        expect(await rm.result).toMatchObject({ stage: 'write', ret: 1, err: null });
        const lastClose = events.filter((e) => e.kind === 'vfio.fd.close').at(-1)!;
        const end = events.find((e) => e.kind === 'vfio.unregister.end')!;
        expect(lastClose).toMatchObject({ uuid: U, openCount: 0 });
        expect(end.seq).toBeGreaterThan(lastClose.seq);
        expect(sys.ls(parentDir(parent))).not.toContain(U);
        expect(await sys.available(parent, type)).toBe(full + 1);
        // §2.7 profile-specific: 6.1 deletes /dev/vfio/N at once although the group fd is still open, 4.10
        // keeps it until the group fd closes
        expect(sys.exists('/dev/vfio/0')).toBe(is410(profile));
        await closeAll(sys, h);
        expect(sys.exists('/dev/vfio/0')).toBe(false);
        expect(sys.kernel.iommu.live.size).toBe(0);
        expect(sys.kernel.bugs).toEqual([]);
        for (const m of sys.kernel.modules.loaded.values()) expect(m.refs, m.def.name).toBe(0);
      });
    }

    it('a signal to the blocked writer only logs a warning; it keeps waiting for the close', async () => {
      const sys = await bootSystem(profile, { samples: ['mtty'] });
      await sys.create('mtty', 'mtty-1', U);
      const h = sys.vfioUser('h', U);
      await runOps(sys, h, FULL);
      const rm = sys.startRemove(U);
      await sys.settle();
      const from = sys.kernel.klog.next;
      sys.kernel.rt.signal(rm.task, 15);
      await sys.settle();
      // §1.8 / oracle 04: "the kernel logs the warning `mtty <uuid>: Device is currently in use, task "remove"
      // (pid) blocked until device is released` and keeps waiting uninterruptibly"
      expect(rm.blocked).toBe(true);
      const warned = sys.kernel.klog.since(from).filter((r) => r.msg.includes('Device is currently in use'));
      expect(warned).toHaveLength(1);
      expect(warned[0]!.msg).toMatch(
        new RegExp(
          `^\\S+ ${U}: Device is currently in use, task "remove" \\(\\d+\\) blocked until device is released$`,
        ),
      );
      expect(warned[0]!.prio).toBe(4);
      await closeAll(sys, h);
      expect(rm.finished).toBe(true);
      expect(sys.devices()).toEqual([]);
    });

    it('without any device fd there is nothing to wait for, and nothing is logged while waiting', async () => {
      const sys = await bootSystem(profile, { samples: ['mtty'] });
      await sys.create('mtty', 'mtty-1', U);
      const h = sys.vfioUser('h', U);
      await runOps(sys, h, `${FULL},closedev`);
      const from = sys.kernel.klog.next;
      expect(await sys.remove(U)).toMatchObject({ ret: 1 });
      // oracle 04: "When the removal completes, the log shows `mtty <uuid>: Removing from iommu group N`"
      // (the driver prefix is the bound driver: mtty at 6.1, the vfio_mdev bridge at 4.10 — not asserted there)
      const removing = new RegExp(`^${is410(profile) ? '\\S+' : 'mtty'} ${U}: Removing from iommu group 0$`);
      expect(sys.kernel.klog.since(from).map((r) => r.msg)).toContainEqual(expect.stringMatching(removing));
      await closeAll(sys, h);
    });
  });
}

describe('blocked remove at v6.1 only', () => {
  it('the driver prefix of the warning is the vendor driver (oracle 04: "mtty <uuid>: ...")', async () => {
    const sys = await bootSystem(V6_1, { samples: ['mtty'] });
    await sys.create('mtty', 'mtty-1', U);
    const h = sys.vfioUser('h', U);
    await runOps(sys, h, FULL);
    const rm = sys.startRemove(U);
    await sys.settle();
    sys.kernel.rt.signal(rm.task, 15);
    await sys.settle();
    expect(sys.kernel.klog.records.map((r) => r.msg)).toContainEqual(
      expect.stringMatching(new RegExp(`^mtty ${U}: Device is currently in use`)),
    );
    await closeAll(sys, h);
    expect(await rm.result).toMatchObject({ ret: 1 });
  });
});
