import { describe, expect, it } from 'vitest';
import { createActor } from 'xstate';
import { IOMMU_ARCHES, type IommuArch } from '../../machines/iommu_arch.ts';
import {
  type ContainerGroupKind,
  createIommuBackendMachine,
  type IommuBackendContext,
  type IommuBackendEvent,
  type IommuBackendInput,
  type Tristate,
  VFIO_EXTENSION,
} from '../../machines/iommu_backend.ts';
import { KERNEL_PROFILES, type KernelProfile } from '../../machines/profile.ts';
import { ARCH_PRESET_NAMES, evaluateVfioKconfig } from '../../src/kconfig/index.ts';
import { drive, errnoOf } from './drive.ts';
import { coverageGaps, explore } from './explore.ts';

const TRISTATES: readonly Tristate[] = ['y', 'm', 'n'];
const EXTENSIONS = [1, 2, 3, 4, 6, 7, 8, 9, 10];
const GROUP_KINDS: readonly ContainerGroupKind[] = ['emulated', 'noiommu'];
const EVENTS: readonly IommuBackendEvent[] = [
  ...EXTENSIONS.map((extension): IommuBackendEvent => ({ type: 'CHECK_EXTENSION', extension })),
  ...EXTENSIONS.flatMap((iommuType): IommuBackendEvent[] => [
    { type: 'SET_IOMMU', iommuType, capSysRawio: true },
    { type: 'SET_IOMMU', iommuType, capSysRawio: false },
  ]),
  ...GROUP_KINDS.map((kind): IommuBackendEvent => ({ type: 'ATTACH_GROUP', kind })),
  { type: 'DETACH_GROUP' },
  { type: 'SET_NOIOMMU_MODE', enabled: true },
  { type: 'SET_NOIOMMU_MODE', enabled: false },
];

function backendsOf(profile: KernelProfile, input: IommuBackendInput) {
  const actor = createActor(createIommuBackendMachine({ profile }), { input }).start();
  const s = actor.getSnapshot();
  actor.stop();
  return { value: s.value, context: s.context as IommuBackendContext };
}

/** Sends the events after building the configuration; returns each step's errno and the machine. */
function run(profile: KernelProfile, input: IommuBackendInput, events: readonly IommuBackendEvent[]) {
  const d = drive(createIommuBackendMachine({ profile }), input);
  const steps = events.map((e) => d.send(e));
  return { d, steps, errnos: steps.map(errnoOf) };
}

/** What CHECK_EXTENSION answers (the `returns` of the transition taken). */
function answer(
  profile: KernelProfile,
  input: IommuBackendInput,
  before: readonly IommuBackendEvent[],
  extension: number,
) {
  const { steps } = run(profile, input, [...before, { type: 'CHECK_EXTENSION', extension }]);
  return (steps.at(-1)?.transitions[0]?.meta as { returns?: string } | undefined)?.returns;
}

const emulated: IommuBackendEvent = { type: 'ATTACH_GROUP', kind: 'emulated' };
const setIommu = (iommuType: number, capSysRawio = true): IommuBackendEvent => ({
  type: 'SET_IOMMU',
  iommuType,
  capSysRawio,
});

describe('IOMMU backend machine', () => {
  it('knows the same arch presets as the Kconfig evaluator', () => {
    expect([...IOMMU_ARCHES].sort()).toEqual([...ARCH_PRESET_NAMES].sort());
  });

  for (const profile of KERNEL_PROFILES) {
    it(`${profile}: the backends match evaluateVfioKconfig for every preset, VFIO=y/m/n and VFIO_NOIOMMU`, () => {
      for (const arch of IOMMU_ARCHES) {
        for (const vfio of TRISTATES) {
          for (const noiommu of [false, true]) {
            const kconfig = evaluateVfioKconfig({
              kernel: profile,
              arch,
              assignments: { VFIO: vfio, VFIO_NOIOMMU: noiommu ? 'y' : 'n' },
            });
            if (!kconfig.ok) throw new Error(`Kconfig of ${profile}/${arch} does not parse`);
            const { value, context } = backendsOf(profile, { arch, vfio, noiommu });
            const where = `${profile} ${arch} VFIO=${vfio} NOIOMMU=${noiommu}`;
            expect({ where, vfio: context.vfio, ...context.backends }).toEqual({
              where,
              vfio: kconfig.backends.vfio,
              type1: kconfig.backends.type1,
              spaprTce: kconfig.backends.spaprTce,
              noiommu: kconfig.backends.noiommu,
            });
            expect(value).toEqual(kconfig.backends.vfio === 'n' ? 'vfioAbsent' : { container: 'empty' });
          }
        }
      }
    });

    it(`${profile}: every transition is taken and every guard both passes and refuses`, () => {
      const machine = createIommuBackendMachine({ profile });
      const inputs: IommuBackendInput[] = IOMMU_ARCHES.flatMap((arch: IommuArch) =>
        TRISTATES.flatMap((vfio) => [false, true].map((noiommu) => ({ arch, vfio, noiommu }))),
      );
      const exploration = explore(machine, {
        inputs,
        events: () => EVENTS,
        prune: (s) => (s.context as IommuBackendContext).groups > 2,
        maxStates: 500,
      });
      expect(coverageGaps(machine, exploration)).toEqual([]);
    });

    it(`${profile}: x86 type1 answers TYPE1/TYPE1v2/NESTING; SET_IOMMU of an mdev group succeeds (§3.1, §6.5)`, () => {
      const x86 = { arch: 'x86_64' as const };
      expect(
        [VFIO_EXTENSION.TYPE1, VFIO_EXTENSION.TYPE1v2, VFIO_EXTENSION.TYPE1_NESTING].map((x) =>
          answer(profile, x86, [], x),
        ),
      ).toEqual(['1', '1', '1']);
      expect(answer(profile, x86, [], VFIO_EXTENSION.SPAPR_TCE)).toBe('0');
      expect(answer(profile, x86, [], VFIO_EXTENSION.NOIOMMU)).toBe('0');
      expect(answer(profile, x86, [], VFIO_EXTENSION.UNMAP_ALL)).toBe(profile === 'v6.1' ? '1' : '0');
      expect(answer(profile, x86, [], VFIO_EXTENSION.UPDATE_VADDR)).toBe('0');
      expect(answer(profile, x86, [emulated, setIommu(3)], VFIO_EXTENSION.UPDATE_VADDR)).toBe('0');
      const { d, errnos } = run(profile, x86, [setIommu(3), emulated, setIommu(3), setIommu(1)]);
      expect(errnos).toEqual(['EINVAL', null, null, 'EINVAL']);
      expect(d.value).toEqual({ container: 'type1' });
      expect(run(profile, x86, [emulated, setIommu(VFIO_EXTENSION.SPAPR_TCE)]).errnos[1]).toBe('ENODEV');
    });

    it(`${profile}: arm64 with a non-SMMU IOMMU has type1 only on 6.1 (§3.3)`, () => {
      const { errnos } = run(profile, { arch: 'arm64' }, [emulated, setIommu(3)]);
      expect(errnos[1]).toBe(profile === 'v6.1' ? null : 'ENODEV');
    });

    it(`${profile}: noiommu answers 1 only while enable_unsafe_noiommu_mode is set; it needs RAWIO (§3.2)`, () => {
      const input = { arch: 'x86_64' as const, noiommu: true };
      expect(answer(profile, input, [], VFIO_EXTENSION.NOIOMMU)).toBe('0');
      const mode: IommuBackendEvent = { type: 'SET_NOIOMMU_MODE', enabled: true };
      expect(answer(profile, input, [mode], VFIO_EXTENSION.NOIOMMU)).toBe('1');
      const noiommuGroup: IommuBackendEvent = { type: 'ATTACH_GROUP', kind: 'noiommu' };
      const { errnos, d } = run(profile, input, [
        mode,
        noiommuGroup,
        emulated,
        setIommu(8, false),
        setIommu(3),
        setIommu(8),
      ]);
      expect(errnos).toEqual([null, null, 'EPERM', 'EPERM', 'ENODEV', null]);
      expect(d.value).toEqual({ container: 'noiommu' });
      expect(run(profile, input, [mode, emulated, setIommu(8)]).errnos[2]).toBe('ENODEV');
    });
  }

  it('noiommu mode cannot be set when VFIO_NOIOMMU is not built', () => {
    const d = drive(createIommuBackendMachine({ profile: 'v6.1' }), { arch: 'x86_64' });
    expect(d.accepts({ type: 'SET_NOIOMMU_MODE', enabled: true })).toBe(false);
    expect(d.accepts({ type: 'ATTACH_GROUP', kind: 'noiommu' })).toBe(false);
  });

  it('CHECK_EXTENSION with groups attached: 6.1 skips backends not allowed for them, 4.10 polls all (§3.1)', () => {
    const input = { arch: 'x86_64' as const, noiommu: true, unsafeNoiommuMode: true };
    expect(answer('v6.1', input, [emulated], VFIO_EXTENSION.NOIOMMU)).toBe('0');
    expect(answer('v4.10', input, [emulated], VFIO_EXTENSION.NOIOMMU)).toBe('1');
  });

  it('sPAPR on powerpc: SET_IOMMU of an mdev (emulated) group fails: 6.1 EINVAL, 4.10 ENODEV (UNVERIFIED)', () => {
    for (const arch of ['powerpc-powernv', 'powerpc-pseries'] as const) {
      expect(answer('v6.1', { arch }, [], VFIO_EXTENSION.SPAPR_TCE_v2)).toBe('1');
      expect(run('v6.1', { arch }, [emulated, setIommu(2)]).errnos[1]).toBe('EINVAL');
      const v410 = run('v4.10', { arch }, [emulated, setIommu(7)]);
      expect(v410.errnos[1]).toBe('ENODEV');
      expect(
        (v410.steps[1]?.transitions[0]?.meta as { unverified?: string } | undefined)?.unverified,
      ).toBeTruthy();
    }
  });

  it('6.1: SET_IOMMU(UNMAP_ALL) reaches type1, whose open rejects it (EINVAL); 4.10 knows no such extension', () => {
    expect(run('v6.1', { arch: 'x86_64' }, [emulated, setIommu(9)]).errnos[1]).toBe('EINVAL');
    expect(run('v4.10', { arch: 'x86_64' }, [emulated, setIommu(9)]).errnos[1]).toBe('ENODEV');
  });

  it('the last group leaving drops the IOMMU', () => {
    const { d } = run('v6.1', { arch: 'x86_64' }, [
      emulated,
      emulated,
      setIommu(1),
      { type: 'DETACH_GROUP' },
    ]);
    expect(d.value).toEqual({ container: 'type1' });
    d.send({ type: 'DETACH_GROUP' });
    expect(d.value).toEqual({ container: 'empty' });
    expect(d.context.groupKind).toBeNull();
  });
});
