import { describe, expect, it } from 'vitest';
import { initialSpecState } from '../../machines/atomic_parents.ts';
import { specStep } from '../../machines/atomic_rules.ts';
import type { SpecResult, SpecState } from '../../machines/atomic_state.ts';
import type { SystemEvent } from '../../machines/system.ts';
import { generatePaths, toSuite } from '../../src/paths/generate.ts';
import { SYSTEM_CONFIGS } from './system_configs.ts';
import { systemOps } from './system_ops.ts';

/**
 * The system machine against the sequential spec (machines/atomic_rules.ts): every step of every
 * transition-covering path — so every transition of the machine within the bounds — is run through
 * `specStep` too, and the results, the blocking and the completions of sleeping removes must agree.
 * No step may hit a catalogued kernel bug (`knownIssue`): the composition leaves those out.
 */

describe('the system machine agrees with the atomic rules on every transition', () => {
  for (const { profile, parents, slots } of SYSTEM_CONFIGS) {
    it(`${profile}, ${parents.map((p) => p.name).join('+')}, ${slots} slots`, () => {
      const generated = generatePaths({ machine: 'system', profile, parents, slots, goal: 'transitions' });
      const config = generated.config!;
      const outcomes = new Map<string, number>();
      for (const path of toSuite(generated).paths) {
        let spec: SpecState = initialSpecState(profile);
        let id = 0;
        const blocked = new Map<number, number>();
        for (const [i, step] of path.steps.entries()) {
          const event = step.event as SystemEvent;
          const expected = step.expect.result as SpecResult;
          const ops = systemOps(config, event, { result: expected, completes: [] });
          const where = `path ${path.id} step ${i + 1} ${JSON.stringify(event)}`;
          const first = specStep(spec, ops[0]!, id);
          expect(first.knownIssue, where).toBeUndefined();
          expect(first.result, where).toEqual(expected);
          if (first.result.kind === 'blocked') blocked.set(id, (event as { slot: number }).slot);
          let completed = first.completed;
          spec = first.state;
          for (const op of ops.slice(1)) {
            const next = specStep(spec, op, ++id);
            expect(next.result, `${where}: ${op.op}`).toEqual({ kind: 'ok', ret: 0 });
            completed = [...completed, ...next.completed];
            spec = next.state;
          }
          id++;
          const released = completed.map((c) => blocked.get(c.id));
          expect(released, `${where}: removes that returned`).toEqual(
            (step.lines ?? []).flatMap((l) => l.expect.completes ?? []).map((c) => Number(c.job.slice(2))),
          );
          for (const c of completed) {
            expect(c.result, where).toEqual({ kind: 'ok', ret: 1 });
            blocked.delete(c.id);
          }
          const key = `${event.type}:${expected.kind === 'errno' ? expected.errno : expected.kind}`;
          outcomes.set(key, (outcomes.get(key) ?? 0) + 1);
        }
      }
      expect(outcomes.get('REMOVE:blocked')).toBeGreaterThan(0);
      expect(outcomes.get('CLOSE:ok')).toBeGreaterThan(0);
      expect(outcomes.get('UNLOAD:EAGAIN')).toBeGreaterThan(0);
    });
  }
});
