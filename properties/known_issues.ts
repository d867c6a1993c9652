import type { Profile } from '../src/profile/profiles.ts';
import type { CaseOp } from './recorded_op.ts';
import type { Violation } from './violation.ts';

/** What classification knows about a run: its kernel, its operations, and what the linearization used. */
export interface RunFacts {
  readonly profile: Profile;
  readonly ops: readonly CaseOp[];
  /** Overlap windows the linearization used (`machines/atomic_overlaps.ts`), by operation id. */
  readonly windows: ReadonlyArray<{ readonly id: number; readonly window: string }>;
  /** Catalogue entries the atomic rules flagged on steps the linearizability search tried. */
  readonly flagged: readonly string[];
  readonly violations: readonly Violation[];
}

/**
 * A known issue of a modelled kernel: a bug the model reproduces faithfully (never hidden by bending the
 * model), with where it is documented and how it was established. Violations it explains do not fail a
 * check; every report lists them.
 */
export interface KnownIssue {
  readonly id: string;
  readonly title: string;
  /** Where it is documented (kernel-semantics.md section, commit). */
  readonly source: string;
  /** How it is known: the catalogue of fixed bugs, a reading of the kernel source, or the real kernel. */
  readonly established: string;
  /** Whether the kernel of `profile` has it. */
  present(profile: Profile): boolean;
  /** Whether `v`, found in `run`, is this issue. */
  explains(v: Violation, run: RunFacts): boolean;
}

const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/;

/** The device a violation is about (the first UUID of its message). */
function subjectOf(v: Violation): string | null {
  return UUID.exec(v.message)?.[0] ?? null;
}

/** Operations `a` and `b` overlapped in real time. */
function overlap(a: CaseOp, b: CaseOp): boolean {
  const INF = Number.POSITIVE_INFINITY;
  return a.invoke < (b.response ?? INF) && b.invoke < (a.response ?? INF);
}

/** The UUID a remove operation targets. */
function removeTarget(o: CaseOp | undefined): string | null {
  return o?.op.op === 'remove' ? o.op.uuid : null;
}

/** UUIDs whose create overlapped the unload of the parent it was created on. */
function createdDuringUnload(run: RunFacts): Set<string> {
  const out = new Set<string>();
  for (const c of run.ops) {
    if (c.op.op !== 'create') continue;
    const create = c.op;
    if (run.ops.some((u) => u.op.op === 'unload' && u.op.module === create.parent && overlap(c, u))) {
      out.add(create.data.slice(0, 36).toLowerCase());
    }
  }
  return out;
}

/** Parents whose unload overlapped a user remove of a device. */
function removedDuringUnload(run: RunFacts): Set<string> {
  const uuids = new Set<string>();
  for (const r of run.ops) {
    if (r.op.op === 'remove' && run.ops.some((u) => u.op.op === 'unload' && overlap(r, u)))
      uuids.add(r.op.uuid);
  }
  return uuids;
}

/** An open of a device overlapped a create of the same UUID (4.10: the device is openable before the vendor create). */
function openedDuringCreate(run: RunFacts): boolean {
  return run.ops.some(
    (o) =>
      o.op.op === 'open' &&
      run.ops.some(
        (c) =>
          c.op.op === 'create' &&
          c.op.data.slice(0, 36).toLowerCase() === (o.op as { uuid: string }).uuid &&
          overlap(o, c),
      ),
  );
}

/** The known issues of the modelled kernels, by id. */
const KNOWN_ISSUES: readonly KnownIssue[] = [
  {
    id: 'K-1',
    title: 'a remove during create gets EAGAIN and the device loses its remove file for good',
    source:
      'kernel-semantics.md §2.5 ("Remove-during-create anomaly"), §6.3; 6.1.192 mdev_sysfs.c remove_store',
    established:
      'reading of the 6.1 source (kernel-semantics.md: "an analysis of the 6.1 code; not a reported bug")',
    present: (p) => p.switches.activeFlag && !p.switches.recreateRemoveFileOnFailure,
    explains: (v, run) =>
      v.check === 'failed-remove-removable' &&
      run.windows.some(
        (w) => w.window === 'remove-during-create' && removeTarget(run.ops[w.id]) === subjectOf(v),
      ),
  },
  {
    id: 'K-3',
    title: 'a user remove racing the parent unregistration can tear the device down a second time',
    source:
      '6.1.192 mdev_core.c: mdev_unregister_parent never clears mdev->active, and mdev_device_remove takes unreg_sem with a trylock only after claiming active; if the unregistration finishes in between, mdev_device_remove_common runs again on a deleted device',
    established:
      'reading of the 6.1 source, found by this model; not reproduced on a real kernel (UNVERIFIED)',
    present: (p) => p.switches.unregSem && p.switches.activeFlag,
    explains: (v, run) => {
      const uuid = subjectOf(v);
      return (
        uuid !== null &&
        removedDuringUnload(run).has(uuid) &&
        (v.kind === 'monitor' || v.check === 'teardown-once' || v.kind === 'kernel-bug' || v.kind === 'oops')
      );
    },
  },
  {
    id: 'C-2',
    title:
      'the device is visible and openable before the vendor create ran; removal frees vendor state before waiting for the fds',
    source: 'kernel-semantics.md §5 C-2 (fixed by "vfio/mdev: Improve the create/remove sequence", v5.2-rc5)',
    established: 'catalogue of fixed bugs',
    present: (p) => p.switches.visibleBeforeVendorCreate || p.switches.vendorRemoveBeforeUnregister,
    explains: (v, run) =>
      (v.check === 'create-before-open' &&
        /before the vendor finished creating|freed in remove /.test(v.message)) ||
      (v.kind === 'linearizability' && openedDuringCreate(run)),
  },
  {
    id: 'C-4',
    title: 'UUIDs are unique per parent only: the same UUID on another parent reaches the bus and WARNs',
    source:
      'kernel-semantics.md §5 C-4 (fixed by 002fe996f67f "vfio/mdev: Check globally for duplicate devices", v4.18)',
    established: 'catalogue of fixed bugs',
    present: (p) => !p.switches.globalUuidReservation,
    explains: (v, run) => {
      if (v.kind === 'linearizability' && run.flagged.includes('C-4')) return true;
      const warned = run.violations.filter(
        (w) => w.kind === 'kernel-bug' && /duplicate filename/.test(w.message),
      );
      if (v.kind === 'kernel-bug' && /duplicate filename/.test(v.message)) return true;
      if (warned.length === 0) return false;
      // Two devices with one name corrupt what the end-of-run comparison and the history can say.
      if (v.check === 'state-matches-spec') return true;
      const uuids =
        v.kind === 'linearizability'
          ? ((v.message.split('Then:')[1] ?? '').match(new RegExp(UUID, 'g')) ?? [])
          : [subjectOf(v)];
      return uuids.some((uuid) => uuid !== null && warned.some((w) => w.message.includes(uuid)));
    },
  },
  {
    id: 'C-7',
    title: 'parent unregistration stops at the first child whose removal fails, leaving children behind',
    source: 'kernel-semantics.md §5 C-7 (fixed by 6093e348a5e2, v5.2-rc1)',
    established: 'catalogue of fixed bugs',
    present: (p) => p.switches.childRemovalAbortsOnError,
    explains: (v, run) =>
      (v.kind === 'linearizability' && run.flagged.includes('C-7')) ||
      ((v.check === 'no-child-after-unregister' || v.check === 'state-matches-spec') &&
        removedDuringUnload(run).size > 0),
  },
  {
    id: 'C-9',
    title: 'a create racing the parent unregistration adds a child behind the vanished parent',
    source:
      'kernel-semantics.md §5 C-9 (fixed by 5715c4dd66a3 "vfio/mdev: Synchronize device create/remove with parent removal", v5.2-rc5)',
    established: 'catalogue of fixed bugs',
    present: (p) => !p.switches.unregSem,
    explains: (v, run) => {
      if (v.kind === 'linearizability' && run.flagged.includes('C-9')) return true;
      const orphans = createdDuringUnload(run);
      if (orphans.size === 0) return false;
      // Without unreg_sem nothing orders a create against the unregistration: the history leaves the spec.
      if (v.kind === 'linearizability') return true;
      const uuid = subjectOf(v);
      return uuid === null ? v.check === 'state-matches-spec' || v.kind === 'deadlock' : orphans.has(uuid);
    },
  },
  {
    id: 'C-11',
    title: 'mtty never refuses a create: once its 24 ports are used, available_instances goes negative',
    source:
      'kernel-semantics.md §5 C-11 (fixed by 97d0a6874478 "vfio/mtty: Enforce available_instances", v5.14)',
    established: 'catalogue of fixed bugs',
    present: (p) => p.kernel === 'v4.10',
    explains: (v, run) =>
      run.profile.kernel === 'v4.10' &&
      v.check === 'instance-accounting' &&
      v.message.endsWith('the parent never refuses a create'),
  },
  {
    id: 'C-13',
    title: 'the vendor open/release run for every device fd, not the first open and last close',
    source:
      'kernel-semantics.md §5 C-13 (fixed by 2fd585f4ed9d "vfio: Provide better generic support for open/release vfio_device_ops", v5.15)',
    established: 'catalogue of fixed bugs',
    present: (p) => !p.switches.openCloseCounting,
    explains: (v) => v.check === 'open-close-alternate',
  },
  {
    id: 'C-10',
    title: 'mtty walks its device list without its lock in available_instances (use after free)',
    source: 'kernel-semantics.md §4.1, §5 C-10 (gone with 09177ac91921/0dd1b7fc3e7d, v5.14)',
    established: 'catalogue of fixed bugs',
    present: (p) => p.kernel === 'v4.10',
    explains: (v, run) =>
      run.profile.kernel === 'v4.10' &&
      v.kind === 'kernel-bug' &&
      /available_instances list walk/.test(v.message),
  },
];

/** The issue called `id`. */
export function knownIssue(id: string): KnownIssue | undefined {
  return KNOWN_ISSUES.find((k) => k.id === id);
}

/**
 * Marks each violation of a run with the known issue that explains it (present in the run's kernel), and
 * lists the known issues the run went through — explained violations and K-windows of the linearization.
 */
export function classifyRun(run: RunFacts): { violations: Violation[]; seen: string[] } {
  const present = KNOWN_ISSUES.filter((k) => k.present(run.profile));
  const violations = run.violations.map((v): Violation => {
    const issue = present.find((k) => k.explains(v, run));
    return issue ? { ...v, known: issue.id } : v;
  });
  const seen = new Set(violations.flatMap((v) => (v.known ? [v.known] : [])));
  for (const w of run.windows) if (w.window === 'remove-during-create') seen.add('K-1');
  return { violations, seen: [...seen].sort() };
}
