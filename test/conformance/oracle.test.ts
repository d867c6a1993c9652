import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Kernel } from '../../src/kernel/kernel.ts';
import { moduleCatalog } from '../../src/module/catalog.ts';
import { V6_1 } from '../../src/profile/profiles.ts';
import { compareOutputs } from '../../src/scenario/compare.ts';
import { type OutputRecord, ScenarioRunner } from '../../src/scenario/runner.ts';
import { parseSteps } from '../../src/scenario/steps.ts';

const FIXTURES = join(import.meta.dirname, '../fixtures/oracle');
const scenarios = readdirSync(FIXTURES)
  .filter((f) => f.endsWith('.steps'))
  .map((f) => f.replace(/\.steps$/, ''))
  .sort();

async function runModel(name: string): Promise<OutputRecord[]> {
  const parsed = parseSteps(readFileSync(join(FIXTURES, `${name}.steps`), 'utf8'));
  if (!parsed.ok) throw new Error(`${name}:${parsed.error.line}: ${parsed.error.message}`);
  const kernel = await Kernel.boot({ profile: V6_1, catalog: moduleCatalog });
  const out: OutputRecord[] = [];
  await new ScenarioRunner(kernel, (r) => out.push(r)).run(parsed.steps);
  expect(kernel.rt.oopses).toEqual([]);
  expect(kernel.bugs).toEqual([]);
  return out;
}

function recording(name: string): OutputRecord[] {
  return readFileSync(join(FIXTURES, `${name}.jsonl`), 'utf8')
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l) as OutputRecord);
}

describe('the model reproduces the real 6.1 kernel, step by step', () => {
  it('has the nine recorded scenarios', () => {
    expect(scenarios).toHaveLength(9);
  });

  for (const name of scenarios) {
    it(`${name}: every step agrees with the recording`, async () => {
      const mismatches = compareOutputs(recording(name), await runModel(name));
      expect(mismatches).toEqual([]);
    });
  }
});

describe('the comparison itself', () => {
  it('reports a changed errno, a changed blocked flag, a changed state and a missing job_done', async () => {
    const expected = recording('04-remove-while-open');
    const actual = await runModel('04-remove-while-open');
    const tampered = structuredClone(actual);
    const create = tampered.find((r) => r.step === 11)!;
    create.errno = 28;
    const blocked = tampered.find((r) => r.step === 8)!;
    delete blocked.blocked;
    const withState = tampered.find((r) => r.step === 20)!;
    (withState.state as { avail: Record<string, unknown> }).avail['mtty/mtty-1'] = [0, 0];
    const jobDone = tampered.findIndex((r) => r.event === 'job_done');
    tampered.splice(jobDone, 1);
    const fields = compareOutputs(expected, tampered).map((m) => `${m.where.split(' (')[0]}:${m.field}`);
    expect(fields).toEqual([
      'step 8:blocked',
      'step 11:errno',
      'step 20:state.avail',
      'job_done events:(all)',
    ]);
  });

  it('compares fd-returning ops as "a valid fd", not as numbers', async () => {
    const actual = await runModel('00-smoke');
    const renumbered = structuredClone(actual);
    for (const r of renumbered) {
      for (const op of (r.vfio as Array<Record<string, unknown>> | undefined) ?? []) {
        if (op.op === 'container' && typeof op.ret === 'number') op.ret += 10;
      }
    }
    expect(compareOutputs(actual, renumbered)).toEqual([]);
  });
});
