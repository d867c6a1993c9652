import type { KernelProfile } from '../../machines/profile.ts';
import {
  ARCH_PRESET_NAMES,
  type ArchPresetName,
  evaluateVfioKconfig,
  formatParseError,
} from '../kconfig/index.ts';
import type { Tristate } from '../kconfig/tristate.ts';
import { buildFromKconfig, type VfioBuild } from './build_config.ts';

/** What to build: an arch preset and `.config` overrides (`SYMBOL=y|m|n`). */
export interface KconfigChoice {
  readonly arch: string;
  readonly assignments?: Readonly<Record<string, Tristate>>;
}

/**
 * Evaluates the kernel's VFIO Kconfig for an arch preset and overrides and returns the resulting build
 * (which VFIO modules and IOMMU backends exist), or an error message (unknown arch, parse error).
 */
export function kconfigBuild(kernel: KernelProfile, choice: KconfigChoice): VfioBuild | string {
  if (!(ARCH_PRESET_NAMES as readonly string[]).includes(choice.arch)) {
    return `unknown arch '${choice.arch}' (known: ${ARCH_PRESET_NAMES.join(', ')})`;
  }
  const outcome = evaluateVfioKconfig({
    kernel,
    arch: choice.arch as ArchPresetName,
    ...(choice.assignments ? { assignments: choice.assignments } : {}),
  });
  if (!outcome.ok) return formatParseError(outcome.error);
  return buildFromKconfig(kernel, choice.arch, outcome.backends);
}

/** Parses `SYMBOL=y|m|n` assignments (the `--config` option); returns an error message for a bad one. */
export function parseAssignments(items: readonly string[]): Record<string, Tristate> | string {
  const out: Record<string, Tristate> = {};
  for (const item of items) {
    const m = /^(?:CONFIG_)?([A-Z0-9_]+)=(y|m|n)$/.exec(item);
    if (!m) return `bad --config '${item}': expected SYMBOL=y|m|n`;
    out[m[1]!] = m[2] as Tristate;
  }
  return out;
}
