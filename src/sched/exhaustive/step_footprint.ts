/** What a scheduling step names: its thread and the objects (devices, locks, groups, modules) it touches. */
export interface StepFootprint {
  readonly thread: string;
  /** The objects named by the preemption point; empty means unknown, i.e. possibly everything. */
  readonly objects: ReadonlySet<string>;
}

const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g;
const LOCK = /^(?:mutex_lock|down_read_trylock|down_read|down_write|up_read|up_write|woken) (.+)$/;
const GROUP = /\bgroup (\d+)\b/;
const MODULE = /^(?:delete_module|finit_module) (\S+)/;

/**
 * Reads a step's footprint from its label (`#<task> <task name> @ <point>`, or a harness label): the
 * thread, and the objects the point names — the device (UUID) it works on, the lock it takes, the VFIO
 * group, the module. Points that name nothing, and harness steps, have an empty footprint.
 */
export function stepFootprint(label: string): StepFootprint {
  const m = /^#(\d+) (.*?) @ (.*)$/.exec(label);
  if (!m) return { thread: label, objects: new Set() };
  const point = m[3]!;
  const objects = new Set<string>();
  const lock = LOCK.exec(point);
  if (lock) objects.add(`lock:${lock[1]}`);
  const group = GROUP.exec(point);
  if (group) objects.add(`group:${group[1]}`);
  const module = MODULE.exec(point);
  if (module) objects.add(`module:${module[1]}`);
  for (const uuid of point.match(UUID) ?? []) objects.add(`dev:${uuid}`);
  if (!lock && !module && objects.size > 0 && !/ (enter|exit) /.test(point)) {
    // A step in the middle of a device's create or removal also walks the bus and sysfs lists.
    if (/device_(add|del)|kernfs|mdev_device_create/.test(point)) objects.add('bus');
  }
  return { thread: `task ${m[1]}`, objects };
}

/**
 * Whether two steps commute: different threads, each naming at least one object, and no object in common.
 * A conservative reading of the kernel's structure: steps of different tasks on different devices, locks,
 * groups and modules touch no shared state; a step that names nothing may touch anything.
 */
export function independent(a: StepFootprint, b: StepFootprint): boolean {
  if (a.thread === b.thread || a.objects.size === 0 || b.objects.size === 0) return false;
  for (const o of a.objects) if (b.objects.has(o)) return false;
  return true;
}
