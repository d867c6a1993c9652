import type { KernelProfile } from '../../machines/profile.ts';
import type { SystemParentSpec } from '../../machines/system_config.ts';

/** The system-machine configurations the path tests walk: mtty alone, and mdpy with mbochs, at both profiles. */
export const SYSTEM_CONFIGS: readonly {
  profile: KernelProfile;
  parents: SystemParentSpec[];
  slots: number;
}[] = (['v6.1', 'v4.10'] as const).flatMap((profile) => [
  { profile, parents: [{ name: 'mtty' }], slots: 4 },
  {
    profile,
    parents: [
      { name: 'mdpy', params: { count: 1 } },
      { name: 'mbochs', params: { count: 8 } },
    ],
    slots: 4,
  },
]);
