import type { SlotState } from './system.ts';
import type { SystemConfig } from './system_config.ts';

/** A system machine state value: every module region's and every slot region's state, by region key. */
export type SystemValue = Readonly<Record<string, string>>;

/** The local state of every slot, by slot index. */
export function slotStates(config: SystemConfig, value: SystemValue): SlotState[] {
  return config.slots.map((s) => value[`slot${s.index}`] as SlotState);
}

/**
 * The canonical (symmetry-reduced) serialization of a system state: which modules are loaded and, for each
 * symmetry class (slots of one parent and type), how many of its slots are in each local state. Two states
 * that differ only by a permutation of interchangeable slots get the same key. The context is left out:
 * its counters (pool units held, device fds, sleeping removes per parent) are sums over the slots' states.
 */
export function canonicalSystemKey(config: SystemConfig, value: SystemValue): string {
  let key = '';
  for (const m of config.modules) key += value[m] === 'loaded' ? '1' : '0';
  const counts = new Map<string, number>();
  for (const s of config.slots) {
    const k = `${s.klass}:${value[`slot${s.index}`]}`;
    counts.set(k, (counts.get(k) ?? 0) + 1);
  }
  for (const k of [...counts.keys()].sort()) key += `|${k}=${counts.get(k)}`;
  return key;
}

/**
 * The symmetry class of a slot with its local state (`klass:state`): events on slots of one class in the
 * same local state are interchangeable.
 */
export function slotClassKey(config: SystemConfig, value: SystemValue, slot: number): string {
  return `${config.slots[slot]!.klass}:${value[`slot${slot}`]}`;
}

/**
 * The permutation of slots that maps `to` onto `from`, two states with the same canonical key: `perm[k]` is
 * the slot of `from` that plays the part of slot `k` of `to` (same class, same local state). Slots are
 * matched in index order within each class and state, so equal states give the identity.
 */
export function alignSlots(config: SystemConfig, from: SystemValue, to: SystemValue): Int32Array {
  const pools = new Map<string, number[]>();
  for (const s of config.slots) {
    const k = slotClassKey(config, from, s.index);
    const list = pools.get(k);
    if (list) list.push(s.index);
    else pools.set(k, [s.index]);
  }
  const perm = new Int32Array(config.slots.length);
  const taken = new Map<string, number>();
  for (const s of config.slots) {
    const k = slotClassKey(config, to, s.index);
    const n = taken.get(k) ?? 0;
    const match = pools.get(k)?.[n];
    if (match === undefined) throw new Error(`the states are not symmetric: no slot matches ${k}`);
    perm[s.index] = match;
    taken.set(k, n + 1);
  }
  return perm;
}

/** The state value with slot `k`'s state moved to slot `perm[k]` (the state `perm` maps `value` onto). */
export function permuteSystemValue(
  config: SystemConfig,
  value: SystemValue,
  perm: Int32Array,
): Record<string, string> {
  const source = new Int32Array(perm.length);
  for (let k = 0; k < perm.length; k++) source[perm[k]!] = k;
  const out: Record<string, string> = {};
  for (const m of config.modules) out[m] = value[m]!;
  for (const s of config.slots) out[`slot${s.index}`] = value[`slot${source[s.index]}`]!;
  return out;
}
