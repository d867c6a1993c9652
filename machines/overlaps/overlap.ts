import { parsesAsUuid } from '../atomic_input.ts';
import { specStep } from '../atomic_rules.ts';
import type { SpecKnownIssue, SpecOp, SpecResult, SpecState } from '../atomic_state.ts';
import type { KernelProfile } from '../profile.ts';

/** An operation that overlapped the one being explained, with the result it returned (null: still blocked). */
export interface Overlapping {
  readonly op: SpecOp;
  readonly result: SpecResult | null;
}

/**
 * A result an operation may have only because it overlapped other operations in real time: a window in
 * which the kernel's operation is not atomic. `window` names it; `knownIssue` is set when the window is a
 * known kernel issue rather than intended behaviour.
 */
export interface OverlapOutcome {
  readonly result: SpecResult;
  readonly state: SpecState;
  readonly window: string;
  readonly knownIssue?: SpecKnownIssue;
}

/** What a window looks at: the spec state, the operation, what overlapped it, and helpers over them. */
export class OverlapContext {
  constructor(
    readonly state: SpecState,
    readonly op: SpecOp,
    readonly overlapping: readonly Overlapping[],
  ) {}

  /** Overlapping creates of `uuid` (on any parent). */
  createsOf(uuid: string): Overlapping[] {
    return this.overlapping.filter((o) => o.op.op === 'create' && parsesAsUuid(o.op.data) === uuid);
  }

  /** An overlapping unload of module `parent`. */
  unloading(parent: string | undefined): boolean {
    return this.overlapping.some((o) => o.op.op === 'unload' && o.op.module === parent);
  }

  /** An overlapping remove of `uuid`. */
  removing(uuid: string): boolean {
    return this.overlapping.some((o) => o.op.op === 'remove' && o.op.uuid === uuid);
  }

  /** The parent of `uuid`: of the device in the state, else of an overlapping create. */
  parentOf(uuid: string): string | undefined {
    const creator = this.createsOf(uuid)[0]?.op;
    return this.state.devices[uuid]?.parent ?? (creator?.op === 'create' ? creator.parent : undefined);
  }

  /** `result` with nothing changed. */
  unchanged(result: SpecResult, window: string): OverlapOutcome {
    return { result, state: this.state, window };
  }

  /**
   * An `open` that attached its group and set the IOMMU but whose GET_DEVICE_FD found no device (`gen`: the
   * device generation it met): ENODEV at `dev`, and the holder keeps its container and group fds.
   */
  openWithoutDevice(uuid: string, holder: string, gen: number, window: string): OverlapOutcome {
    const held = { uuid, gen, container: true, group: true, attached: true, iommu: true, devFds: 0 };
    return {
      result: errno('ENODEV', 'dev'),
      state: { ...this.state, holders: { ...this.state.holders, [holder]: held } },
      window,
    };
  }

  /** The atomic step as if device `uuid` were not there (yet, or any more); the devices stay as they are. */
  asIfAbsent(uuid: string, window: string): OverlapOutcome {
    const { [uuid]: _hidden, ...devices } = this.state.devices;
    const step = specStep({ ...this.state, devices }, this.op);
    return { result: step.result, state: { ...step.state, devices: this.state.devices }, window };
  }
}

/** One window of non-atomic kernel behaviour: where it comes from and the outcomes it allows. */
export interface OverlapWindow {
  readonly name: string;
  /** The kernels that have it. */
  readonly profiles: readonly KernelProfile[];
  /** The kernel source or document section that establishes it. */
  readonly source: string;
  outcomes(ctx: OverlapContext): OverlapOutcome[];
}

/** An errno result. */
export function errno(
  name: Extract<SpecResult, { kind: 'errno' }>['errno'],
  stage?: Extract<SpecResult, { kind: 'errno' }>['stage'],
): SpecResult {
  return stage ? { kind: 'errno', errno: name, stage } : { kind: 'errno', errno: name };
}

/** A create whose errno comes after the GUID was reserved (6.1: the GUID was held while it ran). */
export function failedAfterReservation(o: Overlapping): boolean {
  if (o.op.op !== 'create' || o.result?.kind !== 'errno') return false;
  const { errno: e, stage } = o.result;
  return stage !== 'open' && e !== 'EINVAL' && e !== 'EEXIST' && e !== 'EUSERS';
}
