/** A difference between a recording and a run of the same scenario. */
export interface Mismatch {
  /** Where: `step 12`, `job_done j10`, `end`. */
  readonly where: string;
  /** The field path, e.g. `vfio[3].errno` or `state.avail.mtty/mtty-1`. */
  readonly field: string;
  readonly expected: unknown;
  readonly actual: unknown;
}

type Rec = Record<string, unknown>;

/** VFIO ops whose `ret` is a file descriptor: compared as "a valid fd", not as a number. */
const FD_OPS = new Set(['container', 'group', 'groupof', 'dev']);

/** Step fields compared (besides `vfio` and `state`): results, blocking, and what reads/lists returned. */
const STEP_FIELDS = [
  'op',
  'stage',
  'ret',
  'errno',
  'err',
  'blocked',
  'job',
  'exists',
  'entries',
  'value',
  'still_pending',
  'exit',
  'still_running',
  'error',
];
/** `vfio` op fields compared: everything but timings and fd numbers. */
const VFIO_IGNORED = new Set(['ms']);
/** `state` fields compared. */
const STATE_FIELDS = ['devs', 'avail', 'pdevs'];
/** Fields of `job_done` events and `wait` results compared. */
const JOB_FIELDS = ['job', 'op', 'seen_at_step', 'why', 'stage', 'ret', 'errno', 'err', 'exit'];

/**
 * Compares two outputs of the same scenario — a real-kernel recording and a model run — on what the model
 * promises to reproduce: every step's `ret`/`errno`/`err`/`stage`, `blocked` and job names, `job_done`
 * events, the VFIO op results (fds as "valid or not"), and `state.devs`, `state.avail`, `state.pdevs`.
 * Timings, kernel log lines and module reference counts are not compared.
 */
export function compareOutputs(expected: readonly Rec[], actual: readonly Rec[]): Mismatch[] {
  const out: Mismatch[] = [];
  const steps = (rs: readonly Rec[]) =>
    new Map(rs.filter((r) => typeof r.step === 'number').map((r) => [r.step as number, r]));
  const jobs = (rs: readonly Rec[]) => rs.filter((r) => r.event === 'job_done');
  const e = steps(expected);
  const a = steps(actual);
  for (const [n, er] of e) {
    const ar = a.get(n);
    const where = `step ${n} (line ${er.line}: ${er.op} ${(er.args as string[] | undefined)?.join(' ') ?? ''})`;
    if (!ar) {
      out.push({ where, field: '(step)', expected: 'present', actual: 'missing' });
      continue;
    }
    for (const f of STEP_FIELDS) diff(out, where, f, er[f], ar[f]);
    if (Array.isArray(er.done) || Array.isArray(ar.done)) {
      diff(out, where, 'done', pickAll(er.done, JOB_FIELDS), pickAll(ar.done, JOB_FIELDS));
    }
    compareVfio(out, where, er.vfio, ar.vfio);
    const es = er.state as Rec | undefined;
    const as = ar.state as Rec | undefined;
    if (es || as) for (const f of STATE_FIELDS) diff(out, where, `state.${f}`, es?.[f], as?.[f]);
    const esnap = er.snapshot as Rec | undefined;
    const asnap = ar.snapshot as Rec | undefined;
    if (esnap || asnap)
      for (const f of [
        'devs',
        'parents',
        'pdevs',
        'vfio_dev',
        'iommu_groups',
        'mdev_bus_class',
        'mdev_drivers',
      ])
        diff(out, where, `snapshot.${f}`, esnap?.[f], asnap?.[f]);
  }
  for (const n of a.keys())
    if (!e.has(n)) out.push({ where: `step ${n}`, field: '(step)', expected: 'missing', actual: 'present' });
  const ej = jobs(expected).map((j) => pick(j, JOB_FIELDS));
  const aj = jobs(actual).map((j) => pick(j, JOB_FIELDS));
  diff(out, 'job_done events', '(all)', ej, aj);
  return out;
}

function compareVfio(out: Mismatch[], where: string, e: unknown, a: unknown): void {
  if (e === undefined && a === undefined) return;
  if (!Array.isArray(e) || !Array.isArray(a) || e.length !== a.length) {
    diff(out, where, 'vfio', summarize(e), summarize(a));
    return;
  }
  for (let i = 0; i < e.length; i++) {
    const eo = normalizeOp(e[i] as Rec);
    const ao = normalizeOp(a[i] as Rec);
    for (const k of new Set([...Object.keys(eo), ...Object.keys(ao)]))
      diff(out, where, `vfio[${i}].${k}`, eo[k], ao[k]);
  }
}

function normalizeOp(op: Rec): Rec {
  const o: Rec = {};
  for (const [k, v] of Object.entries(op)) if (!VFIO_IGNORED.has(k)) o[k] = v;
  const name = String(op.op ?? '').split(':')[0]!;
  if (FD_OPS.has(name) && typeof op.ret === 'number') o.ret = op.ret >= 0 ? 'fd' : op.ret;
  return o;
}

function summarize(v: unknown): unknown {
  return Array.isArray(v) ? v.map((o) => `${(o as Rec).op}:${(o as Rec).err ?? (o as Rec).ret}`) : v;
}

function pick(r: Rec, fields: readonly string[]): Rec {
  const o: Rec = {};
  for (const f of fields) if (r[f] !== undefined) o[f] = r[f];
  return o;
}

function pickAll(v: unknown, fields: readonly string[]): unknown {
  return Array.isArray(v) ? v.map((r) => pick(r as Rec, fields)) : v;
}

function diff(out: Mismatch[], where: string, field: string, expected: unknown, actual: unknown): void {
  if (JSON.stringify(expected) !== JSON.stringify(actual)) out.push({ where, field, expected, actual });
}
