import { describe, expect, it } from 'vitest';
import { KERNEL_PROFILES, type KernelProfile } from '../../machines/profile.ts';
import { anyStateId, stateId } from '../../src/diagram/diagram_ids.ts';
import { mermaidText, renderMermaid } from '../../src/diagram/mermaid.ts';
import { transitionLabelText } from '../../src/diagram/transition_label.ts';
import { graphStates } from '../../src/spec_tools/machine_graph.ts';
import { findMachine, MACHINE_REGISTRY, type MachineEntry } from '../../src/spec_tools/registry.ts';
import { mermaidProblems } from './mermaid_syntax.ts';
import { profileGraph } from './profile_graph.ts';
import { SLOTS_ENTRY } from './slots_machine.ts';

function render(entry: MachineEntry, profile: KernelProfile) {
  const { graph, only } = profileGraph(entry, profile);
  return { graph, text: renderMermaid(graph, { profile, only }) };
}

describe('Mermaid rendering', () => {
  for (const entry of [...MACHINE_REGISTRY, SLOTS_ENTRY]) {
    for (const profile of KERNEL_PROFILES) {
      it(`${entry.id} ${profile}: only accepted stateDiagram-v2 syntax`, () => {
        expect(mermaidProblems(render(entry, profile).text)).toEqual([]);
      });

      it(`${entry.id} ${profile}: every state and transition is drawn, deterministically`, () => {
        const { graph, text } = render(entry, profile);
        expect(render(entry, profile).text).toBe(text);
        const lines = new Set(text.split('\n').map((l) => l.trim()));
        for (const s of graphStates(graph)) {
          if (s.path === '' && s.kind !== 'parallel') continue;
          expect(lines, s.path).toContain(`state "${mermaidText(s.key)}" as ${stateId(s.path)}`);
        }
        for (const t of graph.transitions) {
          const label = mermaidText(transitionLabelText(t));
          const from = [stateId(t.source), anyStateId(t.source)];
          const expected = t.targets.length
            ? t.targets.map((target) => from.map((f) => `${f} --> ${stateId(target)} : ${label}`))
            : [from.map((f) => `${f} : ${label}`)];
          for (const alternatives of expected) {
            const drawn = [...lines].some((l) => alternatives.some((a) => l.startsWith(a)));
            expect(drawn, `${t.source} ${t.event} ${t.guard ?? ''}`).toBe(true);
          }
        }
      });
    }
  }

  it('parallel regions are separated by --, compound states get a [*] marker, profile-only states a class', () => {
    const device = findMachine('mdev_device');
    if (!device) throw new Error('mdev_device machine missing');
    const { text } = render(device, 'v6.1');
    expect(text).toContain('state s {');
    expect(text.split('\n').filter((l) => l.trim() === '--')).toHaveLength(1);
    expect(text).toContain(`[*] --> ${stateId('lifecycle.exists.creating.reserved')}`);
    expect(text).toContain('classDef only_v6_1 fill:#dbeafe,stroke:#1d4ed8,stroke-width:2px');
    expect(text).toMatch(
      new RegExp(`class [^\\n]*${stateId('lifecycle.exists.creating.reserved')}[^\\n]* only_v6_1`),
    );
    expect(text).toContain('[refusedWhileRemoveFileExists(errno=EAGAIN)] / EAGAIN (only in v6.1)');
  });

  it('draws the parallel regions of a wide composition, each separated by --', () => {
    const { text } = render(SLOTS_ENTRY, 'v4.10');
    expect(text.split('\n').filter((l) => l.trim() === '--')).toHaveLength(8);
    expect(text).toContain(`${stateId('slot7.held')} --> ${stateId('slot0.free')} : DROP [isSlot(slot=7)]`);
    expect(text).toContain(
      `${stateId('slot0.free')} --> ${stateId('slot0.held')} : GRAB [and(isSlot(slot=0), not(full(limit=2)))] / = 0`,
    );
    expect(text).toContain(`${anyStateId('')} --> ${stateId('power.off')} : STOP / = 0`);
  });

  it('escapes what would end or break a Mermaid label', () => {
    expect(mermaidText('a: b; "c" <d> & e %% f\ng')).toBe("a∶ b, 'c' ‹d› + e % % f g");
  });

  it('the syntax check rejects what Mermaid would reject or misread', () => {
    const ok = 'stateDiagram-v2\n  state "x" as a\n  state "y" as b\n  a --> b : go / = 0';
    expect(mermaidProblems(ok)).toEqual([]);
    const broken: Readonly<Record<string, string>> = {
      header: ok.replace('stateDiagram-v2', 'stateDiagram'),
      undeclared: ok.replace('state "y" as b\n', ''),
      'id with a dash': ok.replaceAll(' b', ' b-c'),
      'declared twice': `${ok}\n  state "z" as a`,
      'colon in a label': `${ok}: more`,
      'semicolon in a label': ok.replace('go', 'go; stop'),
      'quote in a name': ok.replace('"x"', '"x"y"'),
      'html in a label': ok.replace('go', '<b>go</b>'),
      'unbalanced braces': `${ok}\n  state a {`,
      'region separator outside a composite': `${ok}\n  --`,
      'direction keyword': `${ok}\n  direction LR`,
      'unknown line': `${ok}\n  a -> b`,
      'class of an undeclared state': `${ok}\n  classDef k fill:#fff\n  class a,c k`,
    };
    for (const [what, text] of Object.entries(broken)) expect(mermaidProblems(text), what).not.toEqual([]);
  });
});
