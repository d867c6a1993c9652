import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MdevSystem } from '../../src/api/system.ts';
import { kernelSnapshot } from '../../src/kernel/snapshot.ts';
import { type Profile, V4_10, V6_1 } from '../../src/profile/profiles.ts';
import { propertySeed } from '../helpers/seed.ts';

const UUIDS = ['83b8f4f2-509f-382f-3c1e-e6bfe0fa0001', '83b8f4f2-509f-382f-3c1e-e6bfe0fa0002'];
const VALID = '83b8f4f2-509f-382f-3c1e-e6bfe0fa00ff';

async function populated(profile: Profile): Promise<MdevSystem> {
  const sys = await MdevSystem.boot({ profile });
  await sys.loadAll('mtty', 'mdpy', 'mbochs');
  expect(await sys.create('mtty', 'mtty-1', UUIDS[0]!)).toMatchObject({ ret: 36 });
  expect(await sys.create('mdpy', 'mdpy-vga', UUIDS[1]!)).toMatchObject({ ret: 36 });
  return sys;
}

function createFiles(sys: MdevSystem): string[] {
  const out: string[] = [];
  for (const p of sys.ls('/sys/class/mdev_bus') as string[]) {
    for (const t of sys.ls(`/sys/class/mdev_bus/${p}/mdev_supported_types`) as string[]) {
      out.push(`/sys/class/mdev_bus/${p}/mdev_supported_types/${t}/create`);
    }
  }
  return out;
}

/** A buffer `create_store` must refuse: kernel-semantics.md §1.5 / §6.3 (length 36–37, UUID in the first 36). */
const badUuid = fc.oneof(
  fc.uint8Array({ maxLength: 80 }).filter((b) => b.length > 0 && (b.length < 36 || b.length > 37)),
  fc
    .tuple(fc.integer({ min: 0, max: 35 }), fc.constantFrom(...'gG-z {}\0\n'.split('')), fc.boolean())
    .map(([i, c, nl]) => {
      const chars = VALID.split('');
      if ([8, 13, 18, 23].includes(i) && c === '-') chars[i] = 'a';
      else chars[i] = c;
      return new TextEncoder().encode(chars.join('') + (nl ? '\n' : ''));
    }),
  // a valid UUID with two or more trailing bytes, or cut short (oracle 01: "\n\n", "\r\n", 35 chars)
  fc
    .tuple(fc.constantFrom('\n\n', '\r\n', 'XY', '\0\0', '77'), fc.boolean())
    .map(([tail, cut]) => new TextEncoder().encode(cut ? VALID.slice(0, 35) : VALID + tail)),
);

/** Classifies a `remove` write as kstrtoul(…, 0) does (lib/kstrtox.c, §1.6): invalid, zero, or nonzero. */
function kstrtoulClass(bytes: Uint8Array): 'invalid' | 'zero' | 'nonzero' {
  let end = bytes.indexOf(0);
  if (end < 0) end = bytes.length;
  const s = String.fromCharCode(...bytes.subarray(0, end));
  const m = /^\+?(0[xX][0-9a-fA-F]+|0[0-7]*|[1-9][0-9]*)\n?$/.exec(s);
  if (!m) return 'invalid';
  const v = BigInt(m[1]!.startsWith('0') && !/^0[xX]/.test(m[1]!) ? `0o${m[1]!.slice(1) || '0'}` : m[1]!);
  if (v > 0xffff_ffff_ffff_ffffn) return 'invalid';
  return v === 0n ? 'zero' : 'nonzero';
}

const GROUP_ERRNOS: Record<string, string[]> = {
  // kernel-semantics.md §3.1 (group and container tables), §2.6 and the oracle README's VFIO ordering facts.
  container: [],
  api: [],
  ext: [],
  group: ['EBUSY', 'ENOENT', 'ENODEV'],
  groupof: ['EBUSY', 'ENOENT', 'ENODEV'],
  status: ['ENODEV'],
  setc: ['EINVAL', 'EBADF', 'ENODEV', 'EPERM'],
  unsetc: ['EINVAL', 'EBUSY'],
  iommu: ['EINVAL', 'ENODEV'],
  iommu1: ['EINVAL', 'ENODEV'],
  dev: ['EINVAL', 'ENODEV', 'EPERM'],
  info: [],
  cfg: [],
  reset: [],
  closedev: [],
  closegroup: [],
  closecontainer: [],
};

describe.each([
  ['v6.1', V6_1],
  ['v4.10', V4_10],
] as const)('bad input at %s gets the kernel errno and leaks nothing', (name, profile) => {
  it('random non-UUID bytes written to every create file: EINVAL, nothing changes (§6.3)', async () => {
    const sys = await populated(profile);
    const files = createFiles(sys);
    const before = kernelSnapshot(sys.kernel);
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...files), badUuid, async (file, data) => {
        const r = await sys.write(file, data);
        expect(r).toMatchObject({ stage: 'write', err: 'EINVAL' });
        expect(kernelSnapshot(sys.kernel)).toEqual(before);
      }),
      { seed: propertySeed(`create bytes ${name}`), numRuns: 150 },
    );
  });

  it('random bytes written to remove: EINVAL or a no-op for 0, nothing changes (§6.4)', async () => {
    const sys = await populated(profile);
    const before = kernelSnapshot(sys.kernel);
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...UUIDS),
        fc.oneof(
          fc.uint8Array({ minLength: 1, maxLength: 24 }),
          fc.constantFrom(
            ...['0', '0\n', '0x0', '00', '+0', ' 1', '1 ', '-1', '\n', 'x', '99999999999999999999999'].map(
              (s) => new TextEncoder().encode(s),
            ),
          ),
        ),
        async (uuid, data) => {
          const cls = kstrtoulClass(data);
          fc.pre(cls !== 'nonzero');
          const r = await sys.write(`/sys/bus/mdev/devices/${uuid}/remove`, data);
          if (cls === 'invalid') expect(r).toMatchObject({ stage: 'write', err: 'EINVAL' });
          else expect(r).toMatchObject({ stage: 'write', ret: data.length });
          expect(kernelSnapshot(sys.kernel)).toEqual(before);
        },
      ),
      { seed: propertySeed(`remove bytes ${name}`), numRuns: 150 },
    );
  });

  it('writes to read-only attributes are EACCES and change nothing (oracle 01)', async () => {
    const sys = await populated(profile);
    const before = kernelSnapshot(sys.kernel);
    const t = '/sys/class/mdev_bus/mtty/mdev_supported_types/mtty-1';
    for (const attr of ['available_instances', 'name', 'device_api']) {
      expect(await sys.write(`${t}/${attr}`, '5')).toMatchObject({ stage: 'open', err: 'EACCES' });
    }
    expect(await sys.write(`/sys/bus/mdev/devices/${UUIDS[0]}/vendor/sample_mdev_dev`, '1')).toMatchObject({
      stage: 'open',
      err: 'EACCES',
    });
    expect(kernelSnapshot(sys.kernel)).toEqual(before);
  });

  it('random VFIO ioctl orders from several holders: only table errnos, and closing everything restores the state', async () => {
    const opArb = fc.constantFrom(
      ...Object.keys(GROUP_ERRNOS).filter((op) => op !== 'groupof'),
      'dev:bogus',
      `dev:${UUIDS[0]!.toUpperCase()}`,
      `groupof:${UUIDS[1]}`,
      'group:99',
      'full',
      'cfg',
      'dev-before-container',
      'dev-before-iommu',
      'iommu-before-container',
    );
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.tuple(fc.integer({ min: 0, max: 1 }), fc.integer({ min: 0, max: 1 }), opArb), {
          maxLength: 30,
        }),
        async (script) => {
          const sys = await populated(profile);
          const before = kernelSnapshot(sys.kernel);
          const holders = [0, 1].map((i) => [0, 1].map((d) => sys.vfioUser(`h${i}${d}`, UUIDS[d]!)));
          for (const [h, d, op] of script) {
            for (const rec of await sys.finish(holders[h]![d]!.ops(op))) {
              const base = String(rec.op).split(':')[0]!;
              if (rec.err) expect(GROUP_ERRNOS[base], `${rec.op} -> ${rec.err}`).toContain(rec.err);
            }
          }
          for (const row of holders) for (const u of row) await sys.finish(u.closeAll());
          expect(sys.kernel.bugs).toEqual([]);
          expect(kernelSnapshot(sys.kernel)).toEqual(before);
        },
      ),
      { seed: propertySeed(`vfio orders ${name}`), numRuns: 100 },
    );
  });
});
