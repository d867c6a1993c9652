import { describe, expect, it } from 'vitest';
import { initialSpecState } from '../../machines/atomic_parents.ts';
import { specStep } from '../../machines/atomic_rules.ts';
import type { SpecOp, SpecResult, SpecState } from '../../machines/atomic_state.ts';
import { overlapOutcomes } from '../../machines/overlaps/index.ts';
import type { KernelProfile } from '../../machines/profile.ts';
import { checkLinearizable, type HistoryOp } from '../../src/check/linearizability.ts';

/** A spec state with vfio, type1, mdev and mtty loaded, at `profile`. */
function loaded(profile: KernelProfile): SpecState {
  let s = initialSpecState(profile);
  for (const module of ['vfio', 'vfio_iommu_type1', 'mdev', 'mtty'])
    s = specStep(s, { op: 'load', module }).state;
  return s;
}

const U = '5a1e0000-0000-4000-8000-0000000000a1';
const ok = (ret: number): SpecResult => ({ kind: 'ok', ret });
const err = (
  errno: Extract<SpecResult, { kind: 'errno' }>['errno'],
  stage?: 'open' | 'write' | 'group' | 'dev',
): SpecResult => (stage ? { kind: 'errno', errno, stage } : { kind: 'errno', errno });
let nextId = 0;
const op = (o: SpecOp, invoke: number, response: number | null, result: SpecResult | null): HistoryOp => ({
  id: nextId++,
  op: o,
  invoke,
  response,
  result,
});
const create: SpecOp = { op: 'create', parent: 'mtty', type: 'mtty-1', data: U };
const remove: SpecOp = { op: 'remove', uuid: U, data: '1' };
const avail: SpecOp = { op: 'available', parent: 'mtty', type: 'mtty-1' };

describe('the linearizability checker (Wing & Gong with a state cache)', () => {
  it('accepts a sequential history the spec explains, and gives the final state', () => {
    nextId = 0;
    const r = checkLinearizable(
      loaded('v6.1'),
      [op(create, 1, 2, ok(36)), op(avail, 3, 4, ok(23)), op(remove, 5, 6, ok(1))],
      specStep,
    );
    expect(r.ok).toBe(true);
    if (r.ok) {
      expect(r.order).toEqual([0, 1, 2]);
      expect(Object.keys(r.finalState.devices)).toEqual([]);
    }
  });

  it('reorders overlapping operations: a read that saw the create before the create returned', () => {
    nextId = 0;
    const r = checkLinearizable(
      loaded('v6.1'),
      [op(avail, 1, 4, ok(23)), op(create, 2, 3, ok(36))],
      specStep,
    );
    expect(r.ok && r.order).toEqual([1, 0]);
  });

  it('rejects a planted non-linearizable history: two creates of one UUID both succeed, nothing removed in between', () => {
    nextId = 0;
    const r = checkLinearizable(
      loaded('v6.1'),
      [op(create, 1, 2, ok(36)), op({ ...create, type: 'mtty-2' }, 3, 4, ok(36))],
      specStep,
    );
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.prefix).toEqual([0]);
      expect(r.refusals).toEqual([{ id: 1, expected: err('EEXIST', 'write'), actual: ok(36) }]);
    }
  });

  it('rejects a read that no order explains (available 24 while the device exists before and after)', () => {
    nextId = 0;
    const r = checkLinearizable(
      loaded('v6.1'),
      [op(create, 1, 2, ok(36)), op(avail, 3, 4, ok(24))],
      specStep,
      overlapOutcomes,
    );
    expect(r.ok).toBe(false);
  });

  it('respects real time: an operation that returned before another began comes first', () => {
    nextId = 0;
    // remove returned ENOENT before the create was even invoked: fine. The other way round is not.
    expect(
      checkLinearizable(
        loaded('v6.1'),
        [op(remove, 1, 2, err('ENOENT', 'open')), op(create, 3, 4, ok(36))],
        specStep,
      ).ok,
    ).toBe(true);
    nextId = 0;
    expect(
      checkLinearizable(
        loaded('v6.1'),
        [op(create, 1, 2, ok(36)), op(remove, 3, 4, err('ENOENT', 'open'))],
        specStep,
      ).ok,
    ).toBe(false);
  });

  it('lets a blocking operation take effect when it blocks and return when a later one completes it', () => {
    nextId = 0;
    const open: SpecOp = { op: 'open', holder: 'h0', uuid: U };
    const history = [
      op(create, 1, 2, ok(36)),
      op(open, 3, 4, ok(0)),
      op(remove, 5, 9, ok(1)), // blocks on the open fd ...
      op({ op: 'close', holder: 'h0' }, 6, 7, ok(0)), // ... until the holder exits
      op(create, 8, 10, err('EEXIST', 'write')), // the GUID is still taken while the remove runs
    ];
    const r = checkLinearizable(loaded('v6.1'), history, specStep, overlapOutcomes);
    expect(r.ok).toBe(true);
  });

  it('explains documented non-atomic windows and names them: K-1 remove during create at 6.1', () => {
    nextId = 0;
    const history = [op(create, 1, 10, ok(36)), op(remove, 2, 3, err('EAGAIN', 'write'))];
    const r = checkLinearizable(loaded('v6.1'), history, specStep, overlapOutcomes);
    expect(r.ok).toBe(true);
    if (r.ok) {
      expect(r.windows).toEqual([{ id: 1, window: 'remove-during-create' }]);
      expect(r.knownIssues).toEqual(['K-1']);
      expect(r.finalState.devices[U]?.removeFileLost).toBe(true);
    }
    // Without the overlap rules, or at 4.10 (no `active` flag), EAGAIN is not a result a remove can have.
    nextId = 0;
    expect(checkLinearizable(loaded('v6.1'), history, specStep).ok).toBe(false);
    nextId = 0;
    expect(
      checkLinearizable(
        loaded('v4.10'),
        [op(create, 1, 10, ok(36)), op(remove, 2, 3, err('EAGAIN', 'write'))],
        specStep,
        overlapOutcomes,
      ).ok,
    ).toBe(false);
  });

  it('prefers a linearization whose end state matches the system', () => {
    nextId = 0;
    // Two overlapping removes both return 1: either the second removed the device created in between, or
    // it was the no-op loser of the race. The end state decides.
    const history = [
      op(create, 1, 2, ok(36)),
      op(remove, 3, 6, ok(1)),
      op(remove, 4, 9, ok(1)),
      op(create, 7, 8, ok(36)),
    ];
    const keep = checkLinearizable(loaded('v6.1'), history, specStep, overlapOutcomes, (s) => U in s.devices);
    expect(keep.ok && U in keep.finalState.devices).toBe(true);
    const drop = checkLinearizable(
      loaded('v6.1'),
      history,
      specStep,
      overlapOutcomes,
      (s) => !(U in s.devices),
    );
    expect(drop.ok && !(U in drop.finalState.devices)).toBe(true);
  });
});
