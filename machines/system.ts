import { stateIn } from 'xstate';
import { resolveSystemConfig, type SystemConfig, type SystemOptions } from './system_config.ts';
import { moduleRegion } from './system_modules.ts';
import { loadedGuard, systemSetup } from './system_setup.ts';
import { slotRegion } from './system_slots.ts';

export { SLOT_STATES, type SlotState, type SystemContext, type SystemEvent } from './system_setup.ts';

/**
 * The composition a test drives (kernel-semantics.md §1–§4, §6): parent drivers × their mdev types ×
 * a bounded number of device slots, as parallel regions — one per module (unloaded ⇄ loaded) and one
 * per slot (absent → idle ⇄ attached → removing → absent), each slot a fixed UUID of one parent and type
 * whose holder process attaches it through VFIO. Events are user operations (module loads and unloads,
 * writes to `create`/`remove`, a holder's full VFIO open and its exit) and every transition's meta says
 * what the call returns. Bounds: one holder per slot; at 4.10, operations that would wait for a lock held
 * by a sleeping remove, and an mtty unload while one of its devices is open, are not offered (their
 * outcome depends on arrival and creation order, which the atomic rules and the parent machine cover).
 * Slots of the same parent and type are interchangeable (see `system_symmetry.ts`).
 */
export function createSystemMachine(options: SystemOptions | SystemConfig) {
  const config = 'modules' in options ? options : resolveSystemConfig(options);
  const loaded = Object.fromEntries(
    config.modules.map((m) => [loadedGuard(m), stateIn(`#system.${m}.loaded`)]),
  );
  const zero = Object.fromEntries(config.parents.map((p) => [p.name, 0]));
  return systemSetup.extend({ guards: loaded }).createMachine({
    id: 'system',
    description: `mdev at ${config.profile} with ${config.parents.map((p) => p.name).join(', ')} and ${config.slots.length} device slot(s).`,
    type: 'parallel',
    context: { used: zero, fds: zero, removing: zero },
    states: {
      ...Object.fromEntries(config.modules.map((m) => [m, moduleRegion(config, m)])),
      ...Object.fromEntries(config.slots.map((s) => [`slot${s.index}`, slotRegion(config, s)])),
    },
  });
}
