import { describe, expect, it } from 'vitest';
import { KERNEL_PROFILES } from '../../machines/profile.ts';
import {
  accountingStyle,
  availableInstances,
  createTypeAccountingMachine,
  SAMPLE_PARENTS,
  SAMPLE_VENDORS,
  type SampleVendor,
  type TypeAccountingContext,
  type TypeAccountingEvent,
} from '../../machines/type_accounting.ts';
import { drive, errnoOf } from './drive.ts';
import { coverageGaps, explore } from './explore.ts';

const create = (mdevType: string): TypeAccountingEvent => ({ type: 'CREATE', mdevType });
const release = (mdevType: string): TypeAccountingEvent => ({ type: 'RELEASE', mdevType });

/** Small pools keep the exploration short while still reaching exhaustion (and 4.10 mtty's negatives). */
const EXPLORATION_CAPACITY: Readonly<Record<SampleVendor, number>> = { mtty: 3, mdpy: 2, mbochs: 68 };

describe('type accounting machines', () => {
  for (const profile of KERNEL_PROFILES) {
    for (const vendor of SAMPLE_VENDORS) {
      it(`${vendor} ${profile}: every transition is taken and every guard both passes and refuses`, () => {
        const machine = createTypeAccountingMachine({ profile, vendor });
        const types = SAMPLE_PARENTS[vendor].types.map((t) => t.name);
        const capacity = EXPLORATION_CAPACITY[vendor];
        const exploration = explore(machine, {
          inputs: [{ capacity }],
          events: () => [...types.map(create), ...types.map(release)],
          prune: (s) => (s.context as TypeAccountingContext).used > capacity + 2,
          maxStates: 2000,
        });
        expect(coverageGaps(machine, exploration)).toEqual([]);
      });
    }
  }

  it('accounting styles follow §2.7 "No instances left"', () => {
    expect(SAMPLE_VENDORS.map((v) => accountingStyle('v6.1', v))).toEqual([
      'vendorPool',
      'coreCounter',
      'vendorPool',
    ]);
    expect(SAMPLE_VENDORS.map((v) => accountingStyle('v4.10', v))).toEqual([
      'unbounded',
      'checkThenAct',
      'checkThenAct',
    ]);
  });

  it('6.1 mtty: 24 ports, mtty-1 = free, mtty-2 = free / 2; exhaustion is ENOSPC (§4.2)', () => {
    const m = drive(createTypeAccountingMachine({ profile: 'v6.1', vendor: 'mtty' }));
    const avail = (cost: number) => availableInstances(m.context as unknown as TypeAccountingContext, cost);
    expect([avail(1), avail(2)]).toEqual([24, 12]);
    m.send(create('mtty-2'));
    expect([avail(1), avail(2)]).toEqual([22, 11]);
    for (let i = 0; i < 10; i++) m.send(create('mtty-2'));
    m.send(create('mtty-1'));
    expect([avail(1), avail(2)]).toEqual([1, 0]);
    expect(m.value).toEqual({ 'mtty-1': 'available', 'mtty-2': 'exhausted' });
    expect(errnoOf(m.send(create('mtty-2')))).toBe('ENOSPC');
    expect(errnoOf(m.send(create('mtty-1')))).toBeNull();
    expect(errnoOf(m.send(create('mtty-1')))).toBe('ENOSPC');
    m.send(release('mtty-2'));
    expect(m.value).toEqual({ 'mtty-1': 'available', 'mtty-2': 'available' });
  });

  it('6.1 mdpy: one core counter for all three types; exhaustion is EUSERS (§4.3)', () => {
    const m = drive(createTypeAccountingMachine({ profile: 'v6.1', vendor: 'mdpy' }));
    m.send(create('mdpy-vga'));
    m.send(create('mdpy-xga'));
    m.send(create('mdpy-hd'));
    m.send(create('mdpy-hd'));
    expect(m.value).toEqual({ 'mdpy-vga': 'exhausted', 'mdpy-xga': 'exhausted', 'mdpy-hd': 'exhausted' });
    expect(errnoOf(m.send(create('mdpy-vga')))).toBe('EUSERS');
    m.send(release('mdpy-xga'));
    expect(errnoOf(m.send(create('mdpy-vga')))).toBeNull();
  });

  it('6.1 mbochs: 256 MB; 64/16/4 instances; the count parameter resizes the pool (§4.4, oracle count=128)', () => {
    const m = drive(createTypeAccountingMachine({ profile: 'v6.1', vendor: 'mbochs' }), { capacity: 128 });
    const ctx = () => m.context as unknown as TypeAccountingContext;
    expect([4, 16, 64].map((c) => availableInstances(ctx(), c))).toEqual([32, 8, 2]);
    m.send(create('mbochs-large'));
    m.send(create('mbochs-large'));
    expect(errnoOf(m.send(create('mbochs-large')))).toBe('ENOSPC');
    expect(errnoOf(m.send(create('mbochs-small')))).toBe('ENOSPC');
  });

  it('4.10 mtty never refuses: available_instances goes negative, printed with %d (§4.1, C-11)', () => {
    const m = drive(createTypeAccountingMachine({ profile: 'v4.10', vendor: 'mtty' }));
    for (let i = 0; i < 12; i++) m.send(create('mtty-2'));
    expect(m.value).toEqual({ 'mtty-1': 'exhausted', 'mtty-2': 'exhausted' });
    expect(errnoOf(m.send(create('mtty-2')))).toBeNull();
    expect(availableInstances(m.context as unknown as TypeAccountingContext, 1)).toBe(-2);
    expect(availableInstances(m.context as unknown as TypeAccountingContext, 2)).toBe(-1);
    expect(m.value).toEqual({ 'mtty-1': 'negative', 'mtty-2': 'negative' });
  });

  it('4.10-era mdpy and mbochs refuse a full pool with ENOMEM (§4.3, §4.4, C-12)', () => {
    const mdpy = drive(createTypeAccountingMachine({ profile: 'v4.10', vendor: 'mdpy' }));
    for (let i = 0; i < 4; i++) mdpy.send(create('mdpy-vga'));
    expect(errnoOf(mdpy.send(create('mdpy-hd')))).toBe('ENOMEM');
    const mbochs = drive(createTypeAccountingMachine({ profile: 'v4.10', vendor: 'mbochs' }));
    for (let i = 0; i < 4; i++) mbochs.send(create('mbochs-large'));
    expect(errnoOf(mbochs.send(create('mbochs-small')))).toBe('ENOMEM');
  });

  it('a release needs a live instance of that type', () => {
    const m = drive(createTypeAccountingMachine({ profile: 'v6.1', vendor: 'mtty' }));
    expect(m.accepts(release('mtty-1'))).toBe(false);
    m.send(create('mtty-2'));
    expect(m.accepts(release('mtty-1'))).toBe(false);
    expect(m.accepts(release('mtty-2'))).toBe(true);
  });
});
