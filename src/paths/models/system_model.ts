import { type AnyMachineSnapshot, type EventObject, initialTransition } from 'xstate';
import { createSystemMachine, SLOT_STATES, type SystemEvent } from '../../../machines/system.ts';
import type { SystemConfig } from '../../../machines/system_config.ts';
import {
  alignSlots,
  canonicalSystemKey,
  permuteSystemValue,
  type SystemValue,
  slotClassKey,
  slotStates,
} from '../../../machines/system_symmetry.ts';
import type { PathModel } from '../path_model.ts';

const SLOT_EVENTS = ['CREATE', 'REMOVE', 'OPEN', 'CLOSE'] as const;

/**
 * The path model of the system machine: every module's LOAD and UNLOAD, and the slot operations that the
 * slot's current state defines transitions for (no CLOSE without a holder, no second OPEN while it holds
 * the device), on one slot per (symmetry class, local state) present — the lowest-numbered one; the
 * others lead to symmetric states. States are identified by the canonical key of
 * machines/system_symmetry.ts. Its successor shortcut sets each region a transition targets to the
 * target's key: every region is a flat set of atomic states and the context follows from them.
 */
export function systemPathModel(config: SystemConfig): PathModel {
  const machine = createSystemMachine(config);
  const [initial] = initialTransition(machine);
  const stateValue = (s: AnyMachineSnapshot) => s.value as SystemValue;
  const moduleEvents: SystemEvent[] = config.modules.flatMap((module) => [
    { type: 'LOAD' as const, module },
    { type: 'UNLOAD' as const, module },
  ]);
  /** The slot operations each slot state of each slot defines transitions for. */
  const operations = config.slots.map((s) =>
    Object.fromEntries(
      SLOT_STATES.map((state) => {
        const node = machine.getStateNodeById(`system.slot${s.index}.${state}`);
        return [state, SLOT_EVENTS.filter((type) => node.transitions.has(type))];
      }),
    ),
  );
  const parents = config.parents.map((p) =>
    Object.keys(p.params).length ? `${p.name}(${JSON.stringify(p.params)})` : p.name,
  );
  return {
    id: 'system',
    machine,
    initial,
    bounds: `${config.slots.length} slot(s) over ${parents.join(', ')}; one holder process per slot`,
    events(snapshot) {
      const states = slotStates(config, stateValue(snapshot));
      const seen = new Set<string>();
      const events: EventObject[] = [...moduleEvents];
      for (const s of config.slots) {
        const k = `${s.klass}:${states[s.index]}`;
        if (seen.has(k)) continue;
        seen.add(k);
        for (const type of operations[s.index]![states[s.index]!]!)
          events.push({ type, slot: s.index } as SystemEvent);
      }
      return events;
    },
    key: (snapshot) => canonicalSystemKey(config, stateValue(snapshot)),
    successor(snapshot, taken) {
      const value: Record<string, string> = { ...stateValue(snapshot) };
      for (const t of taken) {
        for (const target of t.target ?? []) {
          if (target.type !== 'atomic' || target.parent?.parent !== machine.root) return null;
          value[target.parent.key] = target.key;
        }
      }
      return { value, key: canonicalSystemKey(config, value) };
    },
    symmetry: {
      align: (value, rep) => alignSlots(config, value as SystemValue, rep as SystemValue),
      relabelEvent: (event, perm) =>
        'slot' in event ? { ...event, slot: perm[(event as { slot: number }).slot]! } : event,
      relabelValue: (value, perm) => permuteSystemValue(config, value as SystemValue, perm),
      relabelTransition: (id, perm) => id.replace(/^slot(\d+)\b/, (_, n: string) => `slot${perm[Number(n)]}`),
      partClass: (id) =>
        id.replace(/^slot(\d+)\b/, (_, n: string) => {
          const slot = config.slots[Number(n)]!;
          return `slot{${slot.parent}/${slot.type}}`;
        }),
      eventClass: (snapshot, event) =>
        'slot' in event
          ? `${event.type}@${slotClassKey(config, stateValue(snapshot), (event as { slot: number }).slot)}`
          : JSON.stringify(event),
    },
  };
}
