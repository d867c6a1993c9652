/** The atomic rules of `insmod` and `rmmod`, with a parent's unregistration and its children (§1.3, §2.3). */
import { isParent, moduleDeps } from './atomic_parents.ts';
import { goingParent, isLoaded, moduleInUse, moduleRefs, offBusKey } from './atomic_queries.ts';
import {
  BLOCKED,
  fail,
  ok,
  type SpecDevice,
  type SpecModule,
  type SpecOp,
  type SpecPending,
  type SpecState,
  type SpecStep,
} from './atomic_state.ts';

/**
 * `finit_module`: EEXIST when loaded, EBUSY while it is going (a 4.10 parent whose unload waits for its open
 * fds; `add_unformed_module`), ENOENT for a missing dependency (an unresolved
 * symbol) or a module the kernel does not have (vfio_mdev after 5.14). 4.10: loading mdev also loads the
 * vfio_mdev bridge (`request_module_nowait`, §1.1), with vfio as modprobe would.
 */
export function load(
  state: SpecState,
  module: SpecModule,
  params: Readonly<Record<string, number>>,
): SpecStep {
  if (module === 'vfio_mdev' && state.profile === 'v6.1')
    return { state, result: fail('ENOENT', 'open'), completed: [] };
  if (goingParent(state, module)) return { state, result: fail('EBUSY'), completed: [] };
  if (state.modules[module] !== undefined) return { state, result: fail('EEXIST'), completed: [] };
  if (moduleDeps(module).some((d) => !isLoaded(state, d)))
    return { state, result: fail('ENOENT'), completed: [] };
  let modules: SpecState['modules'] = { ...state.modules, [module]: params };
  if (module === 'mdev' && state.profile === 'v4.10') modules = { vfio: {}, ...modules, vfio_mdev: {} };
  return { state: { ...state, modules }, result: ok(0), completed: [] };
}

/**
 * `delete_module(O_NONBLOCK)`: ENOENT when not loaded; EAGAIN while another module uses it or it holds
 * references (a device fd pins its driver, a container its backend) — and then nothing changes. Unloading a
 * parent removes its devices. 4.10: the open fd pins vfio_mdev, not the parent, so the unload proceeds,
 * removes the idle devices and sleeps in the parent unregistration until the open ones are closed (§1.3),
 * holding `parent_list_lock` and the parent's lock meanwhile.
 */
export function unload(
  state: SpecState,
  op: SpecOp & { op: 'unload' },
  id: number,
  locks: readonly string[],
): SpecStep {
  const module = op.module;
  if (state.modules[module] === undefined) return { state, result: fail('ENOENT'), completed: [] };
  if (moduleInUse(state, module) || moduleRefs(state, module) > 0)
    return { state, result: fail('EAGAIN'), completed: [] };
  if (!isParent(state, module)) {
    const { [module]: _gone, ...modules } = state.modules;
    return { state: { ...state, modules }, result: ok(0), completed: [] };
  }
  const claimed = Object.values(state.devices).some((d) => d.parent === module && d.claimed && !d.removing);
  const queuedCreate = state.pending.some(
    (p) => p.phase === 'lock' && p.op.op === 'create' && p.op.parent === module,
  );
  const walk = unregisterChildren(state, { id, op, phase: 'fds', locks, waitsFor: [] });
  const step: SpecStep = { state: walk.state, result: walk.done ? ok(0) : BLOCKED, completed: [] };
  if (state.profile !== 'v4.10') return step;
  // 4.10: a child already claimed by a user remove makes the forced removal fail with -ENODEV, which stops
  // the walk (C-7); a create still inside its `create` store is drained only after the children were
  // removed, so it adds a child behind the vanishing parent (C-9).
  if (claimed) return { ...step, knownIssue: 'C-7' };
  return queuedCreate ? { ...step, knownIssue: 'C-9' } : step;
}

/**
 * Parent unregistration (`mdev_unregister_device`/`_parent`): children go one by one in creation order;
 * idle ones at once, an open one only after its fds close — the walk sleeps there, holding the locks (only
 * 4.10 gets here with an open child: 6.1 pins the module). When no child is left the module is gone.
 */
export function unregisterChildren(
  state: SpecState,
  pending: SpecPending,
): { state: SpecState; done: boolean } {
  const module = (pending.op as SpecOp & { op: 'unload' }).module;
  const devices: Record<string, SpecDevice> = { ...state.devices };
  for (const [key, d] of Object.entries(state.devices).sort(([, a], [, b]) => a.gen - b.gen)) {
    if (d.parent !== module || key !== d.uuid) continue;
    delete devices[key];
    if (d.fds > 0) {
      const offBus = offBusKey(d);
      devices[offBus] = { ...d, claimed: true, removing: true, released: true };
      const waiting: SpecPending = { ...pending, waitsFor: [offBus] };
      return {
        state: { ...state, devices, pending: [...state.pending.filter((p) => p.op !== pending.op), waiting] },
        done: false,
      };
    }
  }
  const { [module]: _gone, ...modules } = state.modules;
  return {
    state: { ...state, devices, modules, pending: state.pending.filter((p) => p.op !== pending.op) },
    done: true,
  };
}
