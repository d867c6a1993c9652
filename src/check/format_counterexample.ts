import type { SpecOp } from '../../machines/atomic_state.ts';
import { describeOp } from '../../properties/commands/op_command.ts';
import type { CaseOp } from '../../properties/recorded_op.ts';
import type { Counterexample } from './check_result.ts';
import { describeResult } from './explain_linearizability.ts';

/** One line of an interleaving: who ran, from which point to which, and how many steps that took. */
interface Stretch {
  readonly who: string;
  readonly from: string;
  readonly to: string;
  readonly steps: number;
}

const TASK_LABEL = /^#(\d+) (.*?) @ (.*)$/;

/** Names the thread of a decision: an operation of the run (`#2 remove …`), a command start, or a task. */
function whoAndWhere(label: string, byTask: ReadonlyMap<number, CaseOp>): { who: string; where: string } {
  const m = TASK_LABEL.exec(label);
  if (!m) return { who: 'harness', where: label.replace(/^cmd \d+: /, 'starts: ') };
  const op = byTask.get(Number(m[1]));
  return { who: op ? `#${op.id} ${describeOp(op.op)}` : `task ${m[1]} (${m[2]})`, where: m[3]! };
}

/** Merges consecutive decisions of the same thread into one stretch. */
function stretches(decisions: readonly string[], byTask: ReadonlyMap<number, CaseOp>): Stretch[] {
  const out: Stretch[] = [];
  for (const label of decisions) {
    const { who, where } = whoAndWhere(label, byTask);
    const last = out[out.length - 1];
    if (last && last.who === who && who !== 'harness')
      out[out.length - 1] = { ...last, to: where, steps: last.steps + 1 };
    else out.push({ who, from: where, to: where, steps: 1 });
  }
  return out;
}

/** `op` with the command's start mode. */
function opLine(o: CaseOp, concurrent: boolean): string {
  const start = o.phase === 'teardown' ? 'at the end: ' : concurrent ? '& ' : '';
  return `#${o.id} ${start}${describeOp(o.op)}`;
}

/** A parallel program's operations: the prefix, then its branches in columns, then the teardown. */
function branchesSideBySide(ops: readonly CaseOp[], branches: number): string[] {
  const cell = (o: CaseOp) => `#${o.id} ${describeOp(o.op)} → ${describeResult(o.result)}`;
  const lines = ['Prefix (one at a time):'];
  for (const o of ops) if (o.phase === 'command' && o.branch === null) lines.push(`  ${cell(o)}`);
  const columns = Array.from({ length: branches }, (_, b) => ops.filter((o) => o.branch === b).map(cell));
  const widths = columns.map((c, b) => Math.max(`branch ${b}`.length, ...c.map((x) => x.length)));
  lines.push('Branches (concurrently; each operation starts when the one above it returned):');
  lines.push(`  ${widths.map((w, b) => `branch ${b}`.padEnd(w)).join(' | ')}`);
  for (let row = 0; row < Math.max(...columns.map((c) => c.length)); row++) {
    lines.push(`  ${columns.map((c, b) => (c[row] ?? '').padEnd(widths[b]!)).join(' | ')}`);
  }
  const teardown = ops.filter((o) => o.phase === 'teardown');
  if (teardown.length) lines.push(`At the end: ${teardown.map(cell).join(' · ')}`);
  return lines;
}

/**
 * A counterexample as a person reads it: the operations (started one after another, or `&` alongside
 * those in flight) with what each returned, the interleaving as stretches of one thread running from one
 * preemption point to another, and the violations (for linearizability, what the spec expected instead).
 */
export function formatCounterexample(cx: Counterexample, setup: readonly SpecOp[]): string {
  const byTask = new Map(cx.ops.flatMap((o) => (o.task === null ? [] : [[o.task, o] as const])));
  const lines: string[] = [];
  lines.push(`Counterexample: ${cx.commands.length} command(s), ${cx.decisions.length} scheduling decisions`);
  lines.push(`Setup, one at a time: ${setup.map(describeOp).join(' · ')}`);
  if (cx.program) lines.push(...branchesSideBySide(cx.ops, cx.program.branches.length));
  else {
    lines.push('Operations (& = started while the ones before were still running):');
    const width = Math.max(...cx.ops.map((o) => opLine(o, cx.commands[o.id]?.concurrent ?? false).length));
    for (const o of cx.ops) {
      const line = opLine(o, cx.commands[o.id]?.concurrent ?? false);
      lines.push(`  ${line.padEnd(width)}  → ${describeResult(o.result)}`);
    }
  }
  lines.push('Interleaving (who ran, from which point to which):');
  stretches(cx.decisions, byTask).forEach((s, i) => {
    const where = s.steps === 1 ? s.from : `${s.from} … ${s.to} (${s.steps} steps)`;
    lines.push(`  ${String(i + 1).padStart(3)}. ${s.who}: ${where}`);
  });
  lines.push('Violations:');
  for (const v of cx.violations) {
    const mark = v.known ? `known ${v.known}` : 'VIOLATION';
    lines.push(`  [${mark}] ${v.kind} ${v.check}: ${v.message.replace(/\n/g, '\n      ')}`);
  }
  return lines.join('\n');
}
