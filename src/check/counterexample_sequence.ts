import { describeOp } from '../../properties/commands/op_command.ts';
import type { CaseOp } from '../../properties/recorded_op.ts';
import type { Counterexample } from './check_result.ts';
import { describeResult } from './explain_linearizability.ts';

const TASK_LABEL = /^#(\d+) (.*?) @ (.*)$/;
/** A vendor callback's entry or exit point, as the core and the samples name it: `<driver> <callback> enter|exit <uuid>`. */
const VENDOR_POINT = /^(\S+) (\S+) (enter|exit)(?: (\S+))?$/;
const UUID = /([0-9a-f]{8})-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{8}([0-9a-f]{4})/g;

/** Text Mermaid's sequence grammar takes after `:` or `as`: no `;` (a statement break), `#` (an entity), HTML or line breaks. */
function text(s: string): string {
  return s
    .replace(UUID, '$1…$2')
    .replace(/->/g, '→')
    .replace(/[;#<>{}]/g, ' ')
    .replace(/\s+/g, ' ')
    .trim()
    .slice(0, 160);
}

/** One lifeline's id. */
const vendorId = (driver: string) => `V_${driver.replace(/\W/g, '_')}`;

/**
 * A counterexample as a Mermaid `sequenceDiagram`: one lifeline per operation's task, one for the kernel
 * core (mdev, driver core, VFIO) and one per vendor driver whose callbacks ran. Each vendor callback entry is
 * a call from the task to its driver and each exit a return; consecutive core steps of a task are one
 * message listing the preemption points it passed; every operation's return carries its result, and the
 * violations close the diagram as notes. Command starts by the harness are notes over the task lifelines.
 */
export function counterexampleSequence(cx: Counterexample): string {
  const byTask = new Map(cx.ops.flatMap((o) => (o.task === null ? [] : [[o.task, o] as const])));
  const taskId = (task: number) => `T${task}`;
  const lastStep = new Map<number, number>();
  cx.decisions.forEach((label, i) => {
    const m = TASK_LABEL.exec(label);
    if (m) lastStep.set(Number(m[1]), i);
  });

  const participants = new Map<string, string>();
  const body: string[] = [];
  let core: { task: number; points: string[] } | null = null;
  const flushCore = () => {
    if (!core) return;
    const points =
      core.points.length <= 3
        ? core.points.join(', ')
        : `${core.points[0]} … ${core.points.at(-1)} (${core.points.length} steps)`;
    body.push(`  ${taskId(core.task)}->>K: ${text(points)}`);
    core = null;
  };
  const taskName = (task: number, fallback: string): string => {
    const op: CaseOp | undefined = byTask.get(task);
    return op ? `op ${op.id}: ${describeOp(op.op)}` : `task ${task}: ${fallback}`;
  };

  cx.decisions.forEach((label, i) => {
    const m = TASK_LABEL.exec(label);
    if (!m) {
      flushCore();
      body.push(`  Note over K: ${text(`harness ${label}`)}`);
      return;
    }
    const task = Number(m[1]);
    const point = m[3]!;
    if (!participants.has(taskId(task))) participants.set(taskId(task), taskName(task, m[2]!));
    const vendor = VENDOR_POINT.exec(point);
    if (vendor) {
      flushCore();
      const [, driver, callback, edge, arg] = vendor;
      const v = vendorId(driver!);
      if (!participants.has(v)) participants.set(v, `${driver} (vendor driver)`);
      body.push(
        edge === 'enter'
          ? `  ${taskId(task)}->>${v}: ${text(`${callback}(${arg ?? ''})`)}`
          : `  ${v}-->>${taskId(task)}: ${text(`${callback} returns`)}`,
      );
    } else {
      if (core && core.task !== task) flushCore();
      core ??= { task, points: [] };
      core.points.push(point);
    }
    if (lastStep.get(task) === i) {
      flushCore();
      const op = byTask.get(task);
      if (op) body.push(`  K-->>${taskId(task)}: ${text(`returns ${describeResult(op.result)}`)}`);
    }
  });
  flushCore();
  const lifelines = [...participants.keys()];
  const tasks = lifelines.filter((p) => p.startsWith('T'));
  const vendors = lifelines.filter((p) => p.startsWith('V_'));
  const order = [...tasks, 'K', ...vendors];
  const span = order.length > 1 ? `${order[0]},${order.at(-1)}` : 'K';
  for (const v of cx.violations) {
    const mark = v.known ? `known ${v.known}` : 'VIOLATION';
    body.push(`  Note over ${span}: ${text(`${mark} ${v.check}: ${v.message.split('\n')[0]}`)}`);
  }
  return [
    'sequenceDiagram',
    ...tasks.map((t) => `  participant ${t} as ${text(participants.get(t)!)}`),
    '  participant K as kernel core (mdev, driver core, VFIO)',
    ...vendors.map((v) => `  participant ${v} as ${text(participants.get(v)!)}`),
    ...body,
  ].join('\n');
}
