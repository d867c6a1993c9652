import { describe, expect, it } from 'vitest';
import { V4_10 } from '../../src/profile/profiles.ts';
import { runUntil, scriptedSystem } from '../helpers/scripted.ts';

const UUID = '83b8f4f2-509f-382f-3c1e-e6bfe0fa0001';
const PARENT_DIR = '/sys/devices/virtual/mtty/mtty';

describe('remove during create (kernel-semantics.md §2.5)', () => {
  it('6.1: a remove between device_add and active=true returns EAGAIN and the device loses its remove file', async () => {
    const { sys, sched } = await scriptedSystem();
    await sys.loadAll('mtty');
    const create = sys.startCreate('mtty', 'mtty-1', UUID);
    await runUntil(sys, sched, create.task, /mtty probe enter/);
    expect(sys.exists(`${PARENT_DIR}/${UUID}/remove`)).toBe(true);
    const remove = sys.startWrite(`${PARENT_DIR}/${UUID}/remove`, '1');
    await runUntil(sys, sched, remove.task, /never/).catch(() => {});
    expect(remove.finished).toBe(true);
    expect(await remove.result).toMatchObject({ stage: 'write', errno: 11, err: 'EAGAIN' });
    expect(await sys.finish(create)).toMatchObject({ ret: 36 });
    expect(sys.devices()).toEqual([UUID]);
    expect(sys.exists(`/sys/bus/mdev/devices/${UUID}/remove`)).toBe(false);
  });

  it('4.10: the same remove waits for parent->lock, then removes the device', async () => {
    const { sys, sched } = await scriptedSystem(V4_10);
    await sys.loadAll('mtty');
    const create = sys.startCreate('mtty', 'mtty-1', UUID);
    await runUntil(sys, sched, create.task, /mtty create enter/);
    expect(sys.exists(`${PARENT_DIR}/${UUID}`)).toBe(true);
    expect(sys.exists(`${PARENT_DIR}/${UUID}/remove`)).toBe(false);
    expect(sys.exists(`/dev/vfio/0`)).toBe(true);
    expect(await sys.finish(create)).toMatchObject({ ret: 36 });
    expect(await sys.remove(UUID)).toMatchObject({ ret: 1 });
    expect(sys.devices()).toEqual([]);
  });
});
