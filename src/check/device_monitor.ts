import { type Actor, type AnyStateNode, type AnyTransitionDefinition, createActor } from 'xstate';
import { createMdevDeviceMachine, type MdevDeviceMachine } from '../../machines/mdev_device.ts';
import { fromTraceRecord } from '../../machines/mdev_device_events.ts';
import type { KernelProfile } from '../../machines/profile.ts';
import type { TraceEvent } from '../kernel/trace.ts';
import { acceptsEvent } from '../spec_tools/accepts.ts';

/** Every transition of a machine, in definition order (eventless ones included). */
function allTransitions(node: AnyStateNode, out: AnyTransitionDefinition[] = []): AnyTransitionDefinition[] {
  for (const list of node.transitions.values()) out.push(...(list as AnyTransitionDefinition[]));
  out.push(...((node.always ?? []) as AnyTransitionDefinition[]));
  for (const child of Object.values(node.states as Record<string, AnyStateNode>)) allTransitions(child, out);
  return out;
}

/** A readable name of a transition: `source --event [guard]--> targets`. */
function describe(t: AnyTransitionDefinition): string {
  const guard = t.guard
    ? ` [${typeof t.guard === 'string' ? t.guard : ((t.guard as { type?: string }).type ?? 'guard')}]`
    : '';
  const targets = (t.target ?? []).map((n) => n.path.join('.')).join(', ') || '(internal)';
  return `${t.source.path.join('.')} --${t.eventType}${guard}--> ${targets}`;
}

/**
 * The spec of one mdev device (machines/mdev_device.ts) for one kernel profile, shared by every monitor of
 * a check: the machine and the list of its transitions, for coverage.
 */
export class DeviceSpec {
  readonly machine: MdevDeviceMachine;
  readonly transitions: readonly AnyTransitionDefinition[];

  constructor(readonly profile: KernelProfile) {
    this.machine = createMdevDeviceMachine({ profile });
    this.transitions = allTransitions(this.machine.root);
  }

  /** The readable name of transition `i`. */
  name(i: number): string {
    return describe(this.transitions[i]!);
  }
}

type DeviceActor = Actor<MdevDeviceMachine>;

/** One device instance being monitored: its actor, its device object and the task whose create made it. */
interface Instance {
  readonly actor: DeviceActor;
  /** The device object's serial (`dev` of the trace), once an event has named it. */
  dev: number | undefined;
  readonly creator: number;
}

const BIRTHS = new Set(['mdev.reserve', 'mdev.device_add']);

function released(actor: DeviceActor): boolean {
  const value = actor.getSnapshot().value as { lifecycle?: unknown };
  return value.lifecycle === 'released';
}

/**
 * Runs the mdev device machine as a monitor over the implementation's trace: one actor per device instance
 * (a device object, named by the trace's `dev`, from its first event on; two devices with the same UUID —
 * 4.10 allows that across parents, and a UUID is reused once released — stay apart), fed the per-device
 * events as they happen. An event the spec does not allow in the device's current state is a conformance
 * failure naming the device, its state and the step. A create's own `mdev.create.end` goes to the instance
 * that create brought to life, even when a new device with the same UUID exists by then. Records which spec
 * transitions the run took.
 */
export class DeviceMonitor {
  private readonly instances = new Map<string, Instance[]>();
  private readonly index: Map<AnyTransitionDefinition, number>;
  /** Indexes (into `spec.transitions`) of the transitions taken so far. */
  readonly covered = new Set<number>();
  private taken: AnyTransitionDefinition[] = [];

  constructor(readonly spec: DeviceSpec) {
    this.index = new Map(spec.transitions.map((t, i) => [t, i]));
  }

  /** Feeds one trace event; returns a message when the spec does not allow it. */
  feed(e: TraceEvent): string | null {
    const event = fromTraceRecord(e);
    if (!event || !('uuid' in event) || event.uuid === undefined) return null;
    const uuid = event.uuid;
    const list = this.instances.get(uuid) ?? [];
    const dev = 'dev' in e ? e.dev : undefined;
    let target = (dev !== undefined ? list.find((i) => i.dev === dev) : undefined) ?? list[list.length - 1];
    const own = e.kind === 'mdev.create.end' ? list.find((i) => i.creator === e.task) : undefined;
    if (own) target = own;
    const unknownDev = dev !== undefined && !list.some((i) => i.dev === dev);
    // A create that ends without having made a device (EUSERS, EINVAL) after the last one with its UUID
    // was released is about no device of the past: it starts from `absent`.
    const orphanEnd = e.kind === 'mdev.create.end' && !own && target !== undefined && released(target.actor);
    if (!target || unknownDev || orphanEnd || (BIRTHS.has(e.kind) && released(target.actor))) {
      target = { actor: this.start(), dev, creator: e.task };
      list.push(target);
      this.instances.set(uuid, list);
    }
    target.dev ??= dev;
    const before = target.actor.getSnapshot();
    if (!acceptsEvent(before, event)) {
      this.drop(uuid, target);
      return `device ${uuid}: the spec does not allow ${e.kind}${'cb' in e ? ` ${e.cb}` : ''}${'ret' in e ? ` (ret ${e.ret})` : ''} in state ${JSON.stringify(before.value)}`;
    }
    this.taken = [];
    target.actor.send(event);
    for (const t of this.taken) {
      const i = this.index.get(t);
      if (i !== undefined) this.covered.add(i);
    }
    this.drop(uuid, target);
    return null;
  }

  /**
   * Forgets an instance that never came to exist. A released one stays: a remover that opened its `remove`
   * file earlier can still be refused on it.
   */
  private drop(uuid: string, instance: Instance): void {
    const snapshot = instance.actor.getSnapshot();
    if ((snapshot.value as { lifecycle?: unknown }).lifecycle !== 'absent') return;
    instance.actor.stop();
    const list = (this.instances.get(uuid) ?? []).filter((i) => i !== instance);
    if (list.length) this.instances.set(uuid, list);
    else this.instances.delete(uuid);
  }

  private start(): DeviceActor {
    const actor = createActor(this.spec.machine, {
      inspect: (ev) => {
        if (ev.type === '@xstate.microstep')
          this.taken.push(...(ev as unknown as { _transitions: AnyTransitionDefinition[] })._transitions);
      },
    });
    actor.start();
    return actor;
  }
}
