import { type Token, tokenizeLine } from './tokenize.ts';

/** The ops of the step language (oracle/README.md) that mdevspec runs. `sh` is refused. */
const STEP_OPS = [
  'load',
  'unload',
  'create',
  'remove',
  'write',
  'read',
  'ls',
  'exists',
  'open',
  'vfio',
  'close',
  'kill',
  'wait',
  'sleep',
  'snapshot',
  'note',
  'set',
] as const;

/** A step op. */
export type StepOp = (typeof STEP_OPS)[number];

/** One step of a scenario: its op, its argument tokens, and the optional `timeout=MS` / `as=NAME`. */
export interface Step {
  /** 1-based line number in the file. */
  readonly line: number;
  readonly op: StepOp;
  readonly args: readonly Token[];
  readonly timeout?: number;
  readonly as?: string;
}

/** A malformed scenario: the line and what is wrong with it. */
export interface StepError {
  readonly line: number;
  readonly message: string;
}

/** Minimum argument counts (after the op) of each op. */
const MIN_ARGS: Record<StepOp, number> = {
  load: 1,
  unload: 1,
  create: 3,
  remove: 1,
  write: 2,
  read: 1,
  ls: 1,
  exists: 1,
  open: 2,
  vfio: 2,
  close: 1,
  kill: 1,
  wait: 1,
  sleep: 1,
  snapshot: 0,
  note: 0,
  set: 2,
};

const USAGE: Record<StepOp, string> = {
  load: 'load MOD [params...]',
  unload: 'unload MOD',
  create: 'create PARENT TYPE DATA',
  remove: 'remove UUID [DATA]',
  write: 'write PATH DATA',
  read: 'read PATH',
  ls: 'ls PATH',
  exists: 'exists PATH',
  open: 'open HOLDER UUID [OPS|PRESET]',
  vfio: 'vfio HOLDER OPS',
  close: 'close HOLDER',
  kill: 'kill HOLDER|JOB [SIG]',
  wait: 'wait JOB|all',
  sleep: 'sleep MS',
  snapshot: 'snapshot',
  note: 'note TEXT',
  set: 'set timeout MS | set state off|on',
};

/**
 * Parses a scenario file in the step language of the real-kernel oracle. Returns the steps, or the first
 * error with its line number (unknown op, missing arguments, bad `timeout=`, `sh`).
 */
export function parseSteps(text: string): { ok: true; steps: Step[] } | { ok: false; error: StepError } {
  const steps: Step[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = i + 1;
    let tokens = tokenizeLine(lines[i]!);
    if (tokens.length === 0) continue;
    const opText = tokens[0]!.text;
    if (opText === 'sh') {
      return fail(
        line,
        '`sh` runs a shell command inside the real-kernel guest; the model has no shell. Use the sysfs/VFIO steps instead.',
      );
    }
    if (!(STEP_OPS as readonly string[]).includes(opText)) {
      return fail(line, `unknown op '${opText}' (known: ${STEP_OPS.join(', ')})`);
    }
    const op = opText as StepOp;
    let timeout: number | undefined;
    let as: string | undefined;
    while (tokens.length > 1) {
      const last = tokens[tokens.length - 1]!.text;
      if (last.startsWith('timeout=')) {
        const v = last.slice(8);
        if (!/^\d+$/.test(v)) return fail(line, `bad timeout '${last}': expected timeout=MS`);
        timeout = Number(v);
      } else if (last.startsWith('as=')) {
        if (last.length === 3) return fail(line, 'empty job name in as=');
        as = last.slice(3);
      } else {
        break;
      }
      tokens = tokens.slice(0, -1);
    }
    const args = tokens.slice(1);
    if (args.length < MIN_ARGS[op]) return fail(line, `missing arguments: ${USAGE[op]}`);
    if (op === 'sleep' && !/^\d+$/.test(args[0]!.text))
      return fail(line, `bad duration '${args[0]!.text}': ${USAGE.sleep}`);
    if (op === 'set') {
      const [what, value] = [args[0]!.text, args[1]!.text];
      const ok =
        (what === 'timeout' && /^\d+$/.test(value)) ||
        (what === 'state' && (value === 'on' || value === 'off'));
      if (!ok) return fail(line, `bad setting '${what} ${value}': ${USAGE.set}`);
    }
    steps.push({
      line,
      op,
      args,
      ...(timeout !== undefined ? { timeout } : {}),
      ...(as !== undefined ? { as } : {}),
    });
  }
  return { ok: true, steps };
}

function fail(line: number, message: string): { ok: false; error: StepError } {
  return { ok: false, error: { line, message } };
}
