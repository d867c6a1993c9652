import fc from 'fast-check';
import type { SpecModule, SpecOp, SpecParentConfig, SpecVfioCall } from '../../machines/atomic_state.ts';
import { OpCommand } from './op_command.ts';

/** What commands may draw from: parents and their types, a pool of UUIDs, modules to (un)load, and whether to send bad input. */
export interface CommandSpace {
  readonly parents: Readonly<Record<string, SpecParentConfig>>;
  /** UUIDs the creates use; a small pool makes collisions (EEXIST races) common. */
  readonly uuids: readonly string[];
  /** Modules load/unload commands pick from; empty: no module commands. */
  readonly modules: readonly SpecModule[];
  /** Module parameters used when a command loads a module. */
  readonly params: Readonly<Record<string, Readonly<Record<string, number>>>>;
  /** Include malformed create/remove input. */
  readonly badInput: boolean;
}

const CALLS: SpecVfioCall[] = ['status', 'setc', 'unsetc', 'iommu', 'dev', 'cfg', 'closedev'];

/**
 * The fast-check arbitrary of one command over `space`: creates (weighted up), removes, VFIO opens, single
 * VFIO calls (extra device fds, a config-space read, group/container ioctls), holder exits, module loads
 * and unloads, and reads of `available_instances` — including bad input when asked. About half start
 * alongside the operations in flight (`concurrent`); shrinking prefers sequential starts.
 */
export function commandArb(space: CommandSpace): fc.Arbitrary<OpCommand> {
  return fc.tuple(operationArb(space), fc.nat(9)).map(([op, n]) => new OpCommand(op, n >= 5));
}

/** The operation of a command (its holder references unresolved). */
function operationArb(space: CommandSpace): fc.Arbitrary<SpecOp> {
  const parents = Object.keys(space.parents);
  const typeArb = fc
    .constantFrom(...parents)
    .chain((parent) =>
      fc.constantFrom(...Object.keys(space.parents[parent]!.types)).map((type) => ({ parent, type })),
    );
  const uuidArb = fc.constantFrom(...space.uuids);
  /** A UUID for remove/open: mostly one created earlier in the run (`@k`), sometimes any of the pool. */
  const targetArb = fc.oneof(
    { weight: 3, arbitrary: fc.nat(7).map((k) => `@${k}`) },
    { weight: 1, arbitrary: uuidArb },
  );
  const badData = fc.constantFrom(
    '',
    'not-a-uuid',
    `${space.uuids[0]}\n\n`,
    `${space.uuids[0]!.slice(0, 35)}g`,
    ` ${space.uuids[0]}`,
  );
  const createData = space.badInput
    ? fc.oneof({ weight: 5, arbitrary: uuidArb }, { weight: 1, arbitrary: badData })
    : uuidArb;
  const removeData = space.badInput
    ? fc.constantFrom('1', '1', '1', '1\n', '0', 'x', '-1', '')
    : fc.constantFrom('1', '1\n');
  const arbs: Array<fc.WeightedArbitrary<SpecOp>> = [
    {
      weight: 5,
      arbitrary: fc.tuple(typeArb, createData).map(([t, data]): SpecOp => ({ op: 'create', ...t, data })),
    },
    {
      weight: 4,
      arbitrary: fc
        .tuple(targetArb, removeData)
        .map(([uuid, data]): SpecOp => ({ op: 'remove', uuid, data })),
    },
    { weight: 3, arbitrary: targetArb.map((uuid): SpecOp => ({ op: 'open', holder: '', uuid })) },
    {
      weight: 3,
      arbitrary: fc
        .tuple(fc.nat(7), fc.constantFrom(...CALLS))
        .map(([h, call]): SpecOp => ({ op: 'vfio', holder: String(h), call })),
    },
    { weight: 3, arbitrary: fc.nat(7).map((h): SpecOp => ({ op: 'close', holder: String(h) })) },
    { weight: 2, arbitrary: typeArb.map((t): SpecOp => ({ op: 'available', ...t })) },
  ];
  if (space.modules.length) {
    const moduleArb = fc.constantFrom(...space.modules);
    arbs.push(
      { weight: 1, arbitrary: moduleArb.map((module): SpecOp => ({ op: 'unload', module })) },
      {
        weight: 1,
        arbitrary: moduleArb.map(
          (module): SpecOp => ({
            op: 'load',
            module,
            ...(space.params[module] ? { params: space.params[module] } : {}),
          }),
        ),
      },
    );
  }
  return fc.oneof(...arbs);
}
