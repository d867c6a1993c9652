import { describe, expect, it } from 'vitest';
import type { KernelProfile } from '../../machines/profile.ts';
import {
  ARCH_PRESET_NAMES,
  ARCH_PRESETS,
  type ArchPreset,
  type ArchPresetName,
  evaluateVfioKconfig,
  type KconfigAssignments,
  type Tristate,
  type VfioBackends,
  type VfioKconfigOutcome,
} from '../../src/kconfig/index.ts';

type Evaluated = Extract<VfioKconfigOutcome, { ok: true }>;

function evaluate(
  kernel: KernelProfile,
  arch: ArchPresetName | ArchPreset,
  assignments?: KconfigAssignments,
): Evaluated {
  const outcome = evaluateVfioKconfig({ kernel, arch, ...(assignments && { assignments }) });
  if (!outcome.ok) throw new Error(`unexpected parse error: ${JSON.stringify(outcome.error)}`);
  return outcome;
}

/** Backends of the default `.config` (VFIO, mdev and samples as modules) on a kernel. */
function defaults(kernel: KernelProfile, iommu: { type1: Tristate; spaprTce: Tristate }): VfioBackends {
  return {
    vfio: 'm',
    type1: iommu.type1,
    spaprTce: iommu.spaprTce,
    spaprEeh: iommu.spaprTce,
    noiommu: false,
    mdev: 'm',
    mdevDevice: kernel === 'v4.10' ? 'm' : null,
    samples:
      kernel === 'v4.10' ? { mtty: 'm', mdpy: 'n', mbochs: 'n' } : { mtty: 'm', mdpy: 'm', mbochs: 'm' },
  };
}

const TYPE1 = { type1: 'm', spaprTce: 'n' } as const;
const NO_TYPE1 = { type1: 'n', spaprTce: 'n' } as const;
const SPAPR = { type1: 'n', spaprTce: 'm' } as const;

/** The expected IOMMU backends per arch and kernel (kernel-semantics.md §3.3, seed text for v4.10). */
const EXPECTED: readonly (readonly [
  ArchPresetName,
  KernelProfile,
  { type1: Tristate; spaprTce: Tristate },
])[] = [
  ['x86_64', 'v4.10', TYPE1],
  ['x86_64', 'v6.1', TYPE1],
  ['s390', 'v4.10', TYPE1],
  ['s390', 'v6.1', TYPE1],
  ['arm64-smmu', 'v4.10', TYPE1],
  ['arm64-smmu', 'v6.1', TYPE1],
  ['arm64-smmuv3', 'v4.10', TYPE1],
  ['arm64-smmuv3', 'v6.1', TYPE1],
  ['arm64', 'v4.10', NO_TYPE1],
  ['arm64', 'v6.1', TYPE1],
  ['powerpc-powernv', 'v4.10', SPAPR],
  ['powerpc-powernv', 'v6.1', SPAPR],
  ['powerpc-pseries', 'v4.10', SPAPR],
  ['powerpc-pseries', 'v6.1', SPAPR],
];

const KERNELS: readonly KernelProfile[] = ['v4.10', 'v6.1'];

describe('VFIO IOMMU backends per arch preset and kernel', () => {
  it('covers every preset on both kernels', () => {
    expect(EXPECTED.map(([arch, kernel]) => `${arch}/${kernel}`).sort()).toEqual(
      ARCH_PRESET_NAMES.flatMap((arch) => KERNELS.map((kernel) => `${arch}/${kernel}`)).sort(),
    );
  });

  it.each(EXPECTED)('%s on %s', (arch, kernel, iommu) => {
    const result = evaluate(kernel, arch);
    expect(result.backends).toEqual(defaults(kernel, iommu));
    expect(result.symbols.get('IOMMU_API')).toBe('y');
    expect(result.warnings).toEqual([]);
  });

  it('builds type1 into the kernel when VFIO is built in', () => {
    for (const kernel of KERNELS) {
      expect(evaluate(kernel, 'x86_64', { VFIO: 'y' }).backends).toMatchObject({ vfio: 'y', type1: 'y' });
      expect(evaluate(kernel, 'powerpc-powernv', { VFIO: 'y' }).backends).toMatchObject({
        type1: 'n',
        spaprTce: 'y',
        spaprEeh: 'y',
      });
    }
  });

  it('follows an m SMMU driver on v4.10 (the select condition is ARM_SMMU itself)', () => {
    const result = evaluate('v4.10', 'arm64-smmu', { ARM_SMMU: 'm', VFIO: 'y' });
    expect(result.backends.type1).toBe('m');
    expect(result.symbols.get('IOMMU_API')).toBe('y');
  });
});

describe('IOMMU_API: v4.10 depends on it, v6.1 selects it', () => {
  const noIommuDriver = { INTEL_IOMMU: 'n', AMD_IOMMU: 'n' } as const;

  it('leaves VFIO off on v4.10 x86_64 without an IOMMU driver', () => {
    const result = evaluate('v4.10', 'x86_64', noIommuDriver);
    expect(result.symbols.get('IOMMU_API')).toBe('n');
    expect(result.backends).toMatchObject({ vfio: 'n', type1: 'n', mdev: 'n', mdevDevice: 'n' });
  });

  it('builds VFIO and type1 on v6.1 x86_64 without an IOMMU driver', () => {
    const result = evaluate('v6.1', 'x86_64', noIommuDriver);
    expect(result.symbols.get('IOMMU_API')).toBe('y');
    expect(result.backends).toMatchObject({ vfio: 'm', type1: 'm', mdev: 'm' });
  });
});

describe('VFIO_NOIOMMU', () => {
  it.each(KERNELS)(
    'is compiled in on %s when assigned y, though it is a bool depending on VFIO=m',
    (kernel) => {
      const result = evaluate(kernel, 'x86_64', { VFIO_NOIOMMU: 'y' });
      expect(result.backends.noiommu).toBe(true);
      expect(result.backends.vfio).toBe('m');
      expect(result.symbols.get('VFIO_NOIOMMU')).toBe('y');
    },
  );

  it.each(KERNELS)('is off on %s unless assigned', (kernel) => {
    expect(evaluate(kernel, 'arm64').backends.noiommu).toBe(false);
  });
});

describe('VFIO=n', () => {
  it.each(ARCH_PRESET_NAMES.flatMap((arch) => KERNELS.map((kernel) => [arch, kernel] as const)))(
    'turns everything VFIO-related off on %s, %s, whatever else is assigned',
    (arch, kernel) => {
      const result = evaluate(kernel, arch, {
        VFIO: 'n',
        VFIO_NOIOMMU: 'y',
        VFIO_MDEV: 'y',
        ...(kernel === 'v4.10' && { VFIO_MDEV_DEVICE: 'y' }),
      });
      expect(result.backends).toEqual({
        vfio: 'n',
        type1: 'n',
        spaprTce: 'n',
        spaprEeh: 'n',
        noiommu: false,
        mdev: 'n',
        mdevDevice: kernel === 'v4.10' ? 'n' : null,
        samples: { mtty: 'n', mdpy: 'n', mbochs: 'n' },
      });
      expect(result.warnings).toEqual([]);
    },
  );
});

describe('dependencies bound user values', () => {
  it.each(KERNELS)('VFIO_MDEV=y with VFIO=m gives m on %s', (kernel) => {
    const result = evaluate(kernel, 'x86_64', { VFIO_MDEV: 'y' });
    expect(result.backends.mdev).toBe('m');
    expect(evaluate(kernel, 'x86_64', { VFIO: 'y', VFIO_MDEV: 'y' }).backends.mdev).toBe('y');
  });

  it.each(KERNELS)('samples are modules only: n on %s when MODULES=n, while VFIO becomes y', (kernel) => {
    const result = evaluate(kernel, 's390', { MODULES: 'n' });
    expect(result.backends).toMatchObject({
      vfio: 'y',
      type1: 'y',
      mdev: 'y',
      samples: { mtty: 'n', mdpy: 'n', mbochs: 'n' },
    });
  });

  it('samples need VFIO_MDEV_DEVICE on v4.10 and VFIO_MDEV on v6.1', () => {
    expect(evaluate('v4.10', 'x86_64', { VFIO_MDEV_DEVICE: 'n' }).backends.samples.mtty).toBe('n');
    expect(evaluate('v6.1', 'x86_64', { VFIO_MDEV: 'n' }).backends.samples).toEqual({
      mtty: 'n',
      mdpy: 'n',
      mbochs: 'n',
    });
  });
});

describe('helpers VFIO selects', () => {
  it('v4.10 VFIO selects ANON_INODES; v6.1 VFIO selects INTERVAL_TREE and mbochs selects DMA_SHARED_BUFFER', () => {
    const old = evaluate('v4.10', 'x86_64');
    const current = evaluate('v6.1', 'x86_64');
    expect([
      old.symbols.get('ANON_INODES'),
      old.symbols.get('INTERVAL_TREE'),
      old.symbols.get('DMA_SHARED_BUFFER'),
    ]).toEqual(['y', 'n', 'n']);
    expect([
      current.symbols.get('ANON_INODES'),
      current.symbols.get('INTERVAL_TREE'),
      current.symbols.get('DMA_SHARED_BUFFER'),
    ]).toEqual(['n', 'y', 'y']);
    expect(
      evaluate('v6.1', 'x86_64', { SAMPLE_VFIO_MDEV_MBOCHS: 'n' }).symbols.get('DMA_SHARED_BUFFER'),
    ).toBe('n');
  });
});

describe('selects over unmet dependencies', () => {
  const powernvWithoutSpaprTce: ArchPreset = {
    name: 'powerpc-powernv-other-iommu',
    description: 'hypothetical: PowerNV with SPAPR_TCE_IOMMU off and another driver providing IOMMU_API',
    kconfig: `${ARCH_PRESETS['powerpc-powernv'].kconfig}\nconfig OTHER_IOMMU\n\tbool "Another IOMMU"\n\tselect IOMMU_API\n`,
    assignments: { ...ARCH_PRESETS['powerpc-powernv'].assignments, SPAPR_TCE_IOMMU: 'n', OTHER_IOMMU: 'y' },
  };

  it('v4.10: the seed select forces VFIO_IOMMU_SPAPR_TCE despite SPAPR_TCE_IOMMU=n, with a warning', () => {
    const result = evaluate('v4.10', powernvWithoutSpaprTce);
    expect(result.backends).toMatchObject({ vfio: 'm', type1: 'n', spaprTce: 'm', spaprEeh: 'm' });
    expect(result.warnings).toEqual([
      expect.objectContaining({
        kind: 'unmet-direct-dependencies',
        symbol: 'VFIO_IOMMU_SPAPR_TCE',
        dependsOn: 'n',
        selectedAs: 'm',
        selectedBy: ['VFIO'],
      }),
    ]);
    expect(result.warnings[0]?.message).toBe(
      'WARNING: unmet direct dependencies detected for VFIO_IOMMU_SPAPR_TCE: ' +
        'depends on [n] VFIO && SPAPR_TCE_IOMMU, selected by [m] VFIO',
    );
  });

  it('v6.1: VFIO_IOMMU_SPAPR_TCE only defaults to VFIO, so it stays n without a warning', () => {
    const result = evaluate('v6.1', powernvWithoutSpaprTce);
    expect(result.backends).toMatchObject({ vfio: 'm', type1: 'n', spaprTce: 'n', spaprEeh: 'n' });
    expect(result.warnings).toEqual([]);
  });

  it('EEH off (no PCI): v4.10 forces VFIO_SPAPR_EEH with a warning, v6.1 leaves it n', () => {
    const old = evaluate('v4.10', 'powerpc-pseries', { PCI: 'n' });
    expect(old.symbols.get('EEH')).toBe('n');
    expect(old.backends).toMatchObject({ spaprTce: 'm', spaprEeh: 'm' });
    expect(old.warnings).toEqual([
      expect.objectContaining({
        kind: 'unmet-direct-dependencies',
        symbol: 'VFIO_SPAPR_EEH',
        selectedBy: ['VFIO'],
      }),
    ]);
    const current = evaluate('v6.1', 'powerpc-pseries', { PCI: 'n' });
    expect(current.backends).toMatchObject({ spaprTce: 'm', spaprEeh: 'n' });
    expect(current.warnings).toEqual([]);
  });
});

describe('the entry point', () => {
  it('passes assignments to symbols the kernel lacks through as warnings', () => {
    const result = evaluate('v6.1', 'x86_64', { VFIO_MDEV_DEVICE: 'm' });
    expect(result.warnings).toEqual([
      expect.objectContaining({ kind: 'unknown-symbol-assignment', symbol: 'VFIO_MDEV_DEVICE' }),
    ]);
    expect(result.backends.mdevDevice).toBeNull();
  });

  it('returns a parse error in a custom preset as a value naming the file and line', () => {
    const broken: ArchPreset = {
      name: 'broken',
      description: 'bad text',
      kconfig: 'config X\n\tbool\n\tfrob\n',
      assignments: {},
    };
    expect(evaluateVfioKconfig({ kernel: 'v6.1', arch: broken })).toEqual({
      ok: false,
      error: { file: 'mdevspec/arch.Kconfig', line: 3, message: "unknown keyword 'frob'" },
    });
  });
});
