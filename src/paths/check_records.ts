import type { ExpectedLine } from './expectations.ts';

/** A step whose output differs from its expectation. */
export interface LineMismatch {
  readonly line: number;
  readonly text: string;
  /** What differs: `result`, `blocked`, `completes`, `state.devs`, `state.avail`, `state.pdevs`, `record`, `job_done`. */
  readonly field: string;
  readonly expected: unknown;
  readonly actual: unknown;
}

type Rec = Record<string, unknown>;

const ONE_SHOTS = new Set(['load', 'unload', 'create', 'remove', 'write']);

/** A holder's `open` as the spec sees it: the group step's failure, else the device step's, else success. */
function openResult(ops: readonly Rec[]): { err?: string; stage?: string } {
  const failed = (name: string) => ops.find((o) => o.op === name && o.err);
  const group = failed('group');
  if (group) return { err: String(group.err), stage: 'group' };
  const dev = failed('dev');
  if (dev) return { err: String(dev.err), stage: 'dev' };
  return {};
}

/** The result a step record shows, in the expectation's terms. */
function resultOf(rec: Rec): Rec {
  if (rec.error) return { error: rec.error };
  if (rec.blocked) return { blocked: true };
  if (ONE_SHOTS.has(String(rec.op))) {
    if (rec.err)
      return rec.op === 'create' || rec.op === 'remove'
        ? { err: rec.err, stage: rec.stage }
        : { err: rec.err };
    return { ret: rec.ret };
  }
  const ops = (rec.vfio as Rec[] | undefined) ?? [];
  if (rec.op === 'open') {
    const r = openResult(ops);
    return r.err ? r : { ret: 0 };
  }
  const failed = ops.find((o) => o.err || o.skipped || o.error);
  return failed ? { err: String(failed.err ?? failed.skipped ?? failed.error), op: failed.op } : { ret: 0 };
}

/** The expected result in the same terms. */
function expectedResult(e: ExpectedLine['expect']): Rec {
  if (e.blocked) return { blocked: true };
  if (e.err !== undefined) return e.stage ? { err: e.err, stage: e.stage } : { err: e.err };
  return { ret: e.ret };
}

/** A sysfs device entry reduced to what the spec predicts (not the IOMMU group number). */
function device(d: Rec): Rec {
  return { uuid: d.uuid, parent: d.parent, type: d.type, driver: d.driver, remove: d.remove };
}

/** JSON with object keys sorted, so that key order does not matter. */
function canonical(value: unknown): string {
  return JSON.stringify(value, (_, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v as Rec).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : v,
  );
}

const same = (a: unknown, b: unknown) => canonical(a) === canonical(b);

/**
 * Checks the output of a scenario run — by `mdevspec run`, the scenario runner, or the real-kernel
 * harness — against the expectations of its lines: each step's value or errno (and stage) or blocking,
 * the `job_done` events of the blocked jobs it released (they come after it, before the next step, and no
 * other `job_done` may appear), and the sysfs state after it (devices with parent, type, driver and
 * `remove`; `available_instances` and device counts; device directories per parent).
 */
export function checkRecords(expected: readonly ExpectedLine[], records: readonly Rec[]): LineMismatch[] {
  const out: LineMismatch[] = [];
  const byLine = new Map<number, { rec: Rec; jobs: Rec[] }>();
  let current: { rec: Rec; jobs: Rec[] } | null = null;
  for (const rec of records) {
    if (typeof rec.step === 'number') {
      current = { rec, jobs: [] };
      byLine.set(rec.line as number, current);
    } else if (rec.event === 'job_done' && current) {
      current.jobs.push(rec);
    } else if (rec.event === 'harness_error') {
      out.push({ line: 0, text: '', field: 'harness_error', expected: null, actual: rec.message ?? rec });
    }
  }
  const expectedJobs = new Set<string>();
  for (const e of expected) {
    const found = byLine.get(e.line);
    const mismatch = (field: string, exp: unknown, act: unknown) =>
      out.push({ line: e.line, text: e.text, field, expected: exp, actual: act });
    if (!found) {
      mismatch('record', 'a step record', 'none');
      continue;
    }
    const { rec, jobs } = found;
    const result = resultOf(rec);
    if (!same(expectedResult(e.expect), result)) mismatch('result', expectedResult(e.expect), result);
    for (const c of e.expect.completes ?? []) {
      expectedJobs.add(`${e.line}:${c.job}`);
      const done = jobs.find((j) => j.job === c.job);
      if (!done) mismatch('completes', c, 'no job_done after this step');
      else if (done.ret !== c.ret || done.err)
        mismatch('completes', c, { job: done.job, ret: done.ret, err: done.err });
    }
    const state = rec.state as Rec | undefined;
    const view = e.expect.state;
    if (view && state) {
      const devs = Array.isArray(state.devs) ? (state.devs as Rec[]).map(device) : state.devs;
      const want = view.devs === null ? null : view.devs.map((d) => device(d as unknown as Rec));
      if (!same(want, devs)) mismatch('state.devs', want, devs);
      if (!same(view.avail, state.avail)) mismatch('state.avail', view.avail, state.avail);
      if (!same(view.pdevs, state.pdevs)) mismatch('state.pdevs', view.pdevs, state.pdevs);
    }
  }
  for (const [line, { rec, jobs }] of byLine) {
    for (const j of jobs) {
      if (!expectedJobs.has(`${line}:${j.job}`)) {
        out.push({ line, text: String(rec.op), field: 'job_done', expected: 'none', actual: j });
      }
    }
  }
  return out;
}

/** Mismatches as lines (`line N (step): field: expected …, got …`), at most `limit` of them and a count of the rest. */
export function formatMismatches(mismatches: readonly LineMismatch[], limit = 10): string {
  const lines = mismatches
    .slice(0, limit)
    .map(
      (m) =>
        `line ${m.line} (${m.text}): ${m.field}: expected ${JSON.stringify(m.expected)}, got ${JSON.stringify(m.actual)}`,
    );
  if (mismatches.length > limit) lines.push(`… and ${mismatches.length - limit} more`);
  return lines.join('\n');
}
