/**
 * The Kconfig module: a parser and evaluator for the Kconfig subset of `drivers/vfio/Kconfig`, the v4.10
 * and v6.1 VFIO Kconfig texts, arch presets, and {@link evaluateVfioKconfig}, which says which VFIO IOMMU
 * backends a kernel/arch/`.config` combination builds.
 */
export type { ConfigEntry, KconfigEntry, KconfigTree, SourceLocation, SymbolType } from './entries.ts';
export {
  evaluateKconfig,
  type KconfigAssignments,
  type KconfigEvaluation,
  MODULES_SYMBOL,
} from './evaluate.ts';
export {
  evaluateVfioKconfig,
  type VfioKconfigOutcome,
  type VfioKconfigRequest,
} from './evaluate_vfio_kconfig.ts';
export { formatExpression, type KconfigExpression } from './expression.ts';
export { KERNEL_KCONFIGS, type KernelKconfig } from './kernels.ts';
export { formatParseError, type KconfigParseError } from './parse_error.ts';
export { type KconfigParseResult, type KconfigSourceFiles, parseKconfig } from './parser.ts';
export { ARCH_PRESET_NAMES, ARCH_PRESETS, type ArchPreset, type ArchPresetName } from './presets.ts';
export type { Tristate } from './tristate.ts';
export { type VfioBackends, vfioBackends } from './vfio_backends.ts';
export type { KconfigWarning } from './warnings.ts';
