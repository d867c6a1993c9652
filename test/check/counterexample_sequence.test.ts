import { describe, expect, it } from 'vitest';
import { driverSystem } from '../../src/check/check_system.ts';
import { counterexampleSequence } from '../../src/check/counterexample_sequence.ts';
import { runCheck } from '../../src/check/run_check.ts';
import { loadDriverFile } from '../../src/driver/load_driver_file.ts';

/** Participant ids the diagram uses: tasks, the kernel core, vendor drivers. */
const ID = '(T\\d+|K|V_\\w+)';
/** Message and note text: Mermaid's sequence grammar ends it at `;` and newlines, `#` starts an entity. */
const TEXT = '[^;#<>\\n]+';
/**
 * The lines the renderer may produce, each a rule of Mermaid's sequenceDiagram grammar (the output was
 * also rendered with Mermaid 11 in headless Chromium when this renderer was written; Mermaid needs a DOM
 * and is not a dependency).
 */
const RULES = {
  header: /^sequenceDiagram$/,
  participant: new RegExp(`^participant ${ID} as ${TEXT}$`),
  message: new RegExp(`^${ID}(->>|-->>)${ID}: ${TEXT}$`),
  note: new RegExp(`^Note over ${ID}(?:,${ID})?: ${TEXT}$`),
};

describe('a counterexample as a Mermaid sequence diagram', async () => {
  const loaded = await loadDriverFile('examples/buggy-drivers/mtty-free-in-remove.ts');
  if (typeof loaded === 'string') throw new Error(loaded);
  const result = await runCheck({
    system: driverSystem(loaded.driver),
    scheduler: 'pct',
    depth: 3,
    runs: 2000,
    seed: 42,
    maxOps: 12,
  });
  const cx = result.counterexample!;
  const text = counterexampleSequence(cx);
  const lines = text.split('\n').map((l) => l.trim());

  it('uses only lines of the sequenceDiagram grammar, with every lifeline declared before it is used', () => {
    expect(lines[0]).toBe('sequenceDiagram');
    const declared = new Set<string>();
    for (const line of lines.slice(1)) {
      const rule = Object.entries(RULES).find(([, r]) => r.test(line));
      expect(rule, line).toBeDefined();
      const ids = [...line.matchAll(new RegExp(ID, 'g'))].map((m) => m[0]);
      if (rule![0] === 'participant') declared.add(ids[0]!);
      else if (rule![0] !== 'header') {
        const used =
          rule![0] === 'note' ? line.slice(0, line.indexOf(':')) : line.slice(0, line.indexOf(':'));
        for (const id of used.match(new RegExp(ID, 'g')) ?? []) expect(declared, line).toContain(id);
      }
    }
  });

  it('draws each task, the kernel core and the vendor driver as lifelines, and the vendor callbacks as calls and returns', () => {
    const tasks = cx.ops.filter((o) => o.task !== null);
    for (const o of tasks) expect(text).toMatch(new RegExp(`participant T${o.task} as op ${o.id}: `));
    expect(text).toContain('participant K as kernel core');
    expect(text).toContain('participant V_mtty as mtty (vendor driver)');
    expect(text).toMatch(/T\d+->>V_mtty: remove\(5a1e0000…[0-9a-f]{4}\)/);
    expect(text).toMatch(/V_mtty-->>T\d+: release returns/);
    // Every operation that ran in a task returns to it with its result.
    for (const o of tasks) expect(text).toMatch(new RegExp(`K-->>T${o.task}: returns `));
  });

  it('follows the interleaving: vendor callbacks in the order the scheduler released them', () => {
    const vendorSteps = cx.decisions
      .map((d) => /^#(\d+) .*? @ mtty (\w+) (enter|exit)/.exec(d))
      .filter((m) => m !== null)
      .map((m) => (m[3] === 'enter' ? `T${m[1]}->>V_mtty: ${m[2]}(` : `V_mtty-->>T${m[1]}: ${m[2]} returns`));
    const drawn = lines.filter((l) => /^(T\d+->>V_mtty|V_mtty-->>T\d+):/.test(l));
    expect(drawn.map((l, i) => l.startsWith(vendorSteps[i]!))).toEqual(drawn.map(() => true));
    expect(drawn).toHaveLength(vendorSteps.length);
  });

  it('ends with the violations as notes across the lifelines', () => {
    const notes = lines.filter((l) => /^Note over T\d+,V_mtty: (VIOLATION|known)/.test(l));
    expect(notes).toHaveLength(cx.violations.length);
    expect(notes.some((n) => n.includes('VIOLATION create-before-open'))).toBe(true);
  });
});
