import type { Invariant } from '../invariant.ts';

/**
 * Nothing leaks (kernel-semantics.md §7; C-6 "vfio/mdev: Avoid release parent reference during error path",
 * 60e7f2c3fe99; C-12; C-14 "vfio/mdev: Add missing error handling to dev_set_name()"): once every
 * operation has returned and every holder has exited, the kernel holds exactly what the spec's final state
 * says — the same modules, the same devices on the same types, one IOMMU group per device, a `mdev_list`
 * entry only for live devices, and no module references left. A failed operation that left a list entry,
 * a counter or a reference behind breaks it.
 */
export const stateMatchesSpec: Invariant = {
  name: 'state-matches-spec',
  rule: 'kernel-semantics.md §7; C-6 (60e7f2c3fe99), C-12, C-14',
  create() {
    return {
      atEnd({ kernel, spec }) {
        if (!spec) return [];
        const out: string[] = [];
        const loaded = [...kernel.modules.loaded.keys()]
          .filter((m) => !kernel.modules.loaded.get(m)!.builtin)
          .sort();
        const expected = Object.keys(spec.modules).sort();
        if (loaded.join() !== expected.join())
          out.push(`modules loaded: ${loaded.join(', ')}; the spec says ${expected.join(', ')}`);
        const devices = (kernel.mdev?.allDevices() ?? []).map((d) => `${d.uuid} ${d.type.dirName}`).sort();
        const specDevices = Object.values(spec.devices)
          .map((d) => `${d.uuid} ${d.type}`)
          .sort();
        if (devices.join() !== specDevices.join())
          out.push(`devices: [${devices.join(', ')}]; the spec says [${specDevices.join(', ')}]`);
        const listed = kernel.mdev?.mdevList.length ?? 0;
        if (kernel.profile.switches.globalUuidReservation && listed !== specDevices.length) {
          out.push(`mdev_list holds ${listed} entries for ${specDevices.length} devices`);
        }
        if (kernel.iommu.live.size !== specDevices.length)
          out.push(`${kernel.iommu.live.size} IOMMU groups for ${specDevices.length} devices`);
        for (const m of kernel.modules.loaded.values())
          if (m.refs !== 0) out.push(`${m.def.name} holds ${m.refs} references with no fd open`);
        return out;
      },
    };
  },
};
