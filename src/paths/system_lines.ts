import type { SystemEvent } from '../../machines/system.ts';
import type { SystemConfig } from '../../machines/system_config.ts';
import { REMOVE_DATA, type SystemOutcome } from '../../machines/system_outcome.ts';
import type { SystemView } from '../../machines/system_view.ts';
import type { LineExpectation, StepLine } from './portable.ts';

/** The name of slot `slot`'s holder process in scenarios. */
export function holderName(slot: number): string {
  return `h${slot}`;
}

/** The job name of slot `slot`'s remove when it blocks. */
function removeJob(slot: number): string {
  return `rm${slot}`;
}

/** How long a scenario lets a remove that is expected to block wait before it reports it blocked (ms). */
const BLOCKED_REMOVE_WAIT_MS = 1000;

/** How long the holder waits after closing its device fd, so that a blocked remove has returned (ms). */
const RELEASE_SETTLE_MS = 400;

/**
 * The step-language lines of one system event with what each must print (the real-kernel harness's step
 * language, `mdevspec run`'s too): `load`/`unload`, `create PARENT TYPE UUID`, `remove UUID` (named and
 * given a short timeout when it is expected to block), `open hN UUID` (followed by `close hN` when the open
 * fails: the holder exits), and `close hN` — preceded, when the close releases a blocked remove, by
 * `vfio hN closedev,sleep:400`, so the remove returns inside that step on a real kernel too (the harness's
 * advice for deterministic recordings).
 */
export function systemLines(
  config: SystemConfig,
  event: SystemEvent,
  outcome: SystemOutcome,
  view: SystemView,
): StepLine[] {
  const { result } = outcome;
  const expectation: LineExpectation =
    result.kind === 'blocked'
      ? { blocked: true }
      : result.kind === 'errno'
        ? { err: result.errno, ...(result.stage ? { stage: result.stage } : {}) }
        : { ret: result.ret };
  const line = (text: string, expect: LineExpectation = expectation): StepLine => ({
    text,
    expect: { ...expect, state: view },
  });
  switch (event.type) {
    case 'LOAD': {
      const params = config.parents.find((p) => p.name === event.module)?.params ?? {};
      return [line(['load', event.module, ...Object.entries(params).map(([k, v]) => `${k}=${v}`)].join(' '))];
    }
    case 'UNLOAD':
      return [line(`unload ${event.module}`)];
    case 'CREATE': {
      const s = config.slots[event.slot]!;
      return [line(`create ${s.parent} ${s.type} ${s.uuid}`)];
    }
    case 'REMOVE': {
      const s = config.slots[event.slot]!;
      const wait =
        result.kind === 'blocked' ? ` timeout=${BLOCKED_REMOVE_WAIT_MS} as=${removeJob(event.slot)}` : '';
      return [line(`remove ${s.uuid}${wait}`)];
    }
    case 'OPEN': {
      const s = config.slots[event.slot]!;
      const open = line(`open ${holderName(event.slot)} ${s.uuid}`);
      return result.kind === 'ok' ? [open] : [open, line(`close ${holderName(event.slot)}`, { ret: 0 })];
    }
    case 'CLOSE': {
      const close = line(`close ${holderName(event.slot)}`);
      if (outcome.completes.length === 0) return [close];
      const completes = outcome.completes.map((slot) => ({ job: removeJob(slot), ret: REMOVE_DATA.length }));
      return [
        line(`vfio ${holderName(event.slot)} closedev,sleep:${RELEASE_SETTLE_MS}`, { ret: 0, completes }),
        close,
      ];
    }
  }
}
