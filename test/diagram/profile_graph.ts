import { KERNEL_PROFILES, type KernelProfile } from '../../machines/profile.ts';
import { type MachineGraph, machineGraph } from '../../src/spec_tools/machine_graph.ts';
import { diffProfiles, type ProfileOnly } from '../../src/spec_tools/profile_diff.ts';
import type { MachineEntry } from '../../src/spec_tools/registry.ts';

/** A registry machine's graph at `profile` and what only that profile has (as `mdevspec diagram` marks it). */
export function profileGraph(
  entry: MachineEntry,
  profile: KernelProfile,
): { readonly graph: MachineGraph; readonly only: ProfileOnly } {
  const [first, second] = KERNEL_PROFILES;
  const diff = diffProfiles(machineGraph(entry.create(first)), machineGraph(entry.create(second)));
  return {
    graph: machineGraph(entry.create(profile)),
    only: profile === first ? diff.onlyInFirst : diff.onlyInSecond,
  };
}
