import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { sampleSystem } from '../../src/check/check_system.ts';
import { runCheck } from '../../src/check/run_check.ts';
import { traceOf } from '../../src/check/trace_file.ts';
import { main } from '../../src/cli/main.ts';
import { V6_1 } from '../../src/profile/profiles.ts';

/** Runs `mdevspec <args>`; returns the exit code and what it printed. */
async function mdevspec(...args: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(
    args,
    (s) => out.push(s),
    (s) => err.push(s),
  );
  return { code, out: out.join('\n'), err: err.join('\n') };
}

const dir = mkdtempSync(join(tmpdir(), 'mdevspec-check-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const BUGGY = 'examples/buggy-drivers/mtty-free-in-remove.ts';

describe('mdevspec check', () => {
  it('passes on the samples and reports runs, operations, interleavings, invariants, coverage and the verdict', async () => {
    const r = await mdevspec('check', '--runs', '60', '--seed', '7');
    expect(r.code).toBe(0);
    for (const line of [
      'runs            60',
      'operations',
      'interleavings',
      'invariants      10',
      'spec coverage',
      'PASS',
    ]) {
      expect(r.out).toContain(line);
    }
    expect(r.err).toContain('checked 60/60 runs');
  });

  it('finds a faulty driver given with --driver: exit 1, a step list, and a trace that replays exactly', async () => {
    const trace = join(dir, 'cx.json');
    const r = await mdevspec('check', '--driver', BUGGY, '--seed', '42', '--runs', '2000', '--trace', trace);
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/Counterexample: \d+ command\(s\)/);
    expect(r.out).toContain('[VIOLATION] invariant create-before-open');
    expect(r.out).toContain('FAIL');
    const replay = await mdevspec('replay', trace);
    expect(replay.code).toBe(0);
    expect(replay.out).toContain('Reproduced exactly');
    // The counterexample is also drawn: a Mermaid sequence diagram beside the trace, and from replay.
    expect(r.out).toContain(`Sequence diagram (Mermaid) in ${join(dir, 'cx.mmd')}`);
    expect(readFileSync(join(dir, 'cx.mmd'), 'utf8')).toMatch(
      /^sequenceDiagram\n {2}participant T\d+ as op 0: /,
    );
    const drawn = await mdevspec('replay', trace, '--mermaid');
    expect(drawn.code).toBe(0);
    expect(drawn.out).toMatch(/^sequenceDiagram\n[\s\S]*\n%% Reproduced exactly/);
    // An edited interleaving no longer fits the run: the replay says so instead of passing silently.
    const edited = JSON.parse(readFileSync(trace, 'utf8'));
    edited.decisions = edited.decisions.slice().reverse();
    writeFileSync(join(dir, 'edited.json'), JSON.stringify(edited));
    const diverged = await mdevspec('replay', join(dir, 'edited.json'));
    expect(diverged.code).toBe(1);
    expect(diverged.out).toMatch(/NOT reproduced/);
  });

  it('writes JSON and JUnit reports with --output', async () => {
    const json = join(dir, 'report.json');
    expect(
      (await mdevspec('check', '--runs', '20', '--seed', '3', '--reporter', 'json', '--output', json)).code,
    ).toBe(0);
    const report = JSON.parse(readFileSync(json, 'utf8'));
    expect(report).toMatchObject({
      verdict: 'pass',
      runs: 20,
      seed: 3,
      scheduler: 'random',
      profile: 'v6.1',
    });
    const junit = join(dir, 'report.xml');
    const r = await mdevspec(
      'check',
      '--driver',
      BUGGY,
      '--seed',
      '42',
      '--runs',
      '2000',
      '--reporter',
      'junit',
      '--output',
      junit,
      '--trace',
      join(dir, 't.json'),
    );
    expect(r.code).toBe(1);
    const xml = readFileSync(junit, 'utf8');
    expect(xml).toMatch(/<testsuites name="mdevspec check" tests="\d+" failures="1"/);
    expect(xml).toMatch(/<testcase classname="mdevspec.check" name="create-before-open"><failure message=/);
    // The failure carries the whole step list, so a CI dashboard shows what happened.
    expect(xml).toMatch(
      /<failure message="[^"]*">[^<]*Counterexample: \d+ command\(s\)[^<]*Interleaving \(who ran/,
    );
  });

  it('runs PCT and reports its guarantee', async () => {
    const r = await mdevspec(
      'check',
      '--scheduler',
      'pct',
      '--depth',
      '2',
      '--runs',
      '30',
      '--seed',
      '5',
      '--profile',
      'v4.10',
    );
    expect(r.code).toBe(0);
    expect(r.out).toMatch(
      /PCT {13}depth 2, k=\d+ steps, n=\d+ threads: each run finds a depth-2 bug with probability ≥ /,
    );
  });

  it('checks only the samples --parents names, and a trace of such a check replays on the same parents', async () => {
    const r = await mdevspec('check', '--parents', 'mtty', '--runs', '30', '--seed', '4');
    expect(r.code).toBe(0);
    expect(r.out).toContain('the mtty sample at v6.1');
    // A counterexample of a check restricted to mtty: K-1 (a known 6.1 issue) hunted as if it were a failure.
    const result = await runCheck({
      system: sampleSystem(V6_1, ['mtty']),
      scheduler: 'pct',
      depth: 3,
      runs: 2000,
      seed: 1,
      maxOps: 3,
      parallel: true,
      endOnFailure: true,
      failsOn: (v) => v.known === 'K-1',
    });
    expect(result.verdict).toBe('fail');
    const file = join(dir, 'k1.json');
    const trace = traceOf(result, null, ['mtty'])!;
    expect(trace.parents).toEqual(['mtty']);
    writeFileSync(file, JSON.stringify(trace));
    const replay = await mdevspec('replay', file);
    expect(replay.out).toContain('Reproduced exactly');
    // The same trace replayed on all three samples boots a different kernel: it diverges.
    writeFileSync(join(dir, 'k1-all.json'), JSON.stringify({ ...trace, parents: undefined }));
    expect((await mdevspec('replay', join(dir, 'k1-all.json'))).out).toMatch(/NOT reproduced/);
  });

  it.each([
    [['check', '--parents', 'mtty,gvt'], "--parents: unknown sample 'gvt' (known: mtty, mdpy, mbochs)"],
    [['check', '--parents', 'mtty', '--driver', BUGGY], '--parents chooses among the samples'],
    [['check', '--runs', '0'], '--runs must be a positive integer'],
    [['check', '--seed', 'x'], '--seed must be an integer'],
    [['check', '--scheduler', 'fifo'], "argument 'fifo' is invalid"],
    [['check', '--driver', 'no/such/file.ts'], 'cannot load driver file no/such/file.ts'],
    [['check', '--driver', BUGGY, '--profile', 'v4.10'], 'is written for v6.1, not v4.10'],
    [['replay', 'no-such-trace.json'], 'cannot read no-such-trace.json'],
    [['replay', 'package.json'], 'not a mdevspec-trace/1 trace'],
  ])('answers bad arguments %j with a clear message and exit code 2', async (args, message) => {
    const r = await mdevspec(...args);
    expect(r.code).toBe(2);
    expect(r.err).toContain(message);
  });
});
