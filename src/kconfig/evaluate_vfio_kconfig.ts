import type { KernelProfile } from '../../machines/profile.ts';
import { COMMON_ARCH_KCONFIG } from './data/arch_kconfig.ts';
import { evaluateKconfig, type KconfigAssignments } from './evaluate.ts';
import { KERNEL_KCONFIGS } from './kernels.ts';
import type { KconfigParseError } from './parse_error.ts';
import { parseKconfig } from './parser.ts';
import { ARCH_PRESETS, type ArchPreset, type ArchPresetName } from './presets.ts';
import type { Tristate } from './tristate.ts';
import { type VfioBackends, vfioBackends } from './vfio_backends.ts';
import type { KconfigWarning } from './warnings.ts';

/** Which kernel, which architecture (a built-in preset or a custom one), and `.config` overrides. */
export interface VfioKconfigRequest {
  readonly kernel: KernelProfile;
  readonly arch: ArchPresetName | ArchPreset;
  /** Applied over the kernel's and the preset's defaults; `n` unsets a default. */
  readonly assignments?: KconfigAssignments;
}

/** Every symbol's value, the warnings, and VFIO's backends; or the parse error that prevented evaluation. */
export type VfioKconfigOutcome =
  | {
      readonly ok: true;
      readonly symbols: ReadonlyMap<string, Tristate>;
      readonly warnings: readonly KconfigWarning[];
      readonly backends: VfioBackends;
    }
  | { readonly ok: false; readonly error: KconfigParseError };

/** Path of the synthesised top-level Kconfig that sources the common, arch and kernel files. */
const ROOT_KCONFIG_PATH = 'Kconfig';
const COMMON_KCONFIG_PATH = 'mdevspec/common.Kconfig';
const ARCH_KCONFIG_PATH = 'mdevspec/arch.Kconfig';

/**
 * Answers "for this kernel, arch and `.config`, which VFIO IOMMU backends exist and as what?": parses the
 * kernel's VFIO Kconfig with the arch symbols, evaluates it against the kernel's default `.config`, the
 * preset's choices and `assignments` (later ones win), and reads off the backends.
 */
export function evaluateVfioKconfig(request: VfioKconfigRequest): VfioKconfigOutcome {
  const kernel = KERNEL_KCONFIGS[request.kernel];
  const preset = typeof request.arch === 'string' ? ARCH_PRESETS[request.arch] : request.arch;
  const root = [COMMON_KCONFIG_PATH, ARCH_KCONFIG_PATH, ...kernel.rootSources]
    .map((path) => `source "${path}"\n`)
    .join('');
  const files = {
    ...kernel.files,
    [ROOT_KCONFIG_PATH]: `# mdevspec: top level for ${kernel.version} on ${preset.name}.\n${root}`,
    [COMMON_KCONFIG_PATH]: COMMON_ARCH_KCONFIG,
    [ARCH_KCONFIG_PATH]: preset.kconfig,
  };
  const parsed = parseKconfig(files, ROOT_KCONFIG_PATH);
  if (!parsed.ok) return parsed;
  const { symbols, warnings } = evaluateKconfig(parsed.tree, {
    ...kernel.defaultAssignments,
    ...preset.assignments,
    ...request.assignments,
  });
  return { ok: true, symbols, warnings, backends: vfioBackends(symbols) };
}
