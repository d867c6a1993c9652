import type { SpecOp } from '../../machines/atomic_state.ts';
import type { SystemEvent } from '../../machines/system.ts';
import type { SystemConfig } from '../../machines/system_config.ts';
import { REMOVE_DATA, type SystemOutcome } from '../../machines/system_outcome.ts';
import { holderName } from '../../src/paths/system_lines.ts';

/**
 * The atomic-rules operations (machines/atomic_rules.ts) a system event performs: one per event, and a
 * failed open is followed by the holder's exit (its `close`), as the system machine's holders do.
 */
export function systemOps(config: SystemConfig, event: SystemEvent, outcome: SystemOutcome): SpecOp[] {
  switch (event.type) {
    case 'LOAD': {
      const params = config.parents.find((p) => p.name === event.module)?.params;
      return [
        { op: 'load', module: event.module, ...(params && Object.keys(params).length ? { params } : {}) },
      ];
    }
    case 'UNLOAD':
      return [{ op: 'unload', module: event.module }];
    case 'CREATE': {
      const s = config.slots[event.slot]!;
      return [{ op: 'create', parent: s.parent, type: s.type, data: s.uuid }];
    }
    case 'REMOVE':
      return [{ op: 'remove', uuid: config.slots[event.slot]!.uuid, data: REMOVE_DATA }];
    case 'OPEN': {
      const open: SpecOp = {
        op: 'open',
        holder: holderName(event.slot),
        uuid: config.slots[event.slot]!.uuid,
      };
      return outcome.result.kind === 'ok' ? [open] : [open, { op: 'close', holder: holderName(event.slot) }];
    }
    case 'CLOSE':
      return [{ op: 'close', holder: holderName(event.slot) }];
  }
}
