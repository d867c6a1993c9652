import { describe, expect, it } from 'vitest';
import { KERNEL_PROFILES } from '../../machines/profile.ts';
import { DIAGRAM_COLOURS } from '../../src/diagram/colours.ts';
import { stateId, svgIdPrefix } from '../../src/diagram/diagram_ids.ts';
import { renderDot } from '../../src/diagram/dot.ts';
import { inlineSvg, renderSvg } from '../../src/diagram/svg.ts';
import { graphStates } from '../../src/spec_tools/machine_graph.ts';
import { findMachine, MACHINE_REGISTRY, type MachineEntry } from '../../src/spec_tools/registry.ts';
import { profileGraph } from './profile_graph.ts';
import { SLOTS_ENTRY } from './slots_machine.ts';

function render(entry: MachineEntry, profile: (typeof KERNEL_PROFILES)[number]) {
  const { graph, only } = profileGraph(entry, profile);
  const dot = renderDot(graph, {
    profile,
    only,
    idPrefix: svgIdPrefix(entry.id, profile),
    title: entry.title,
  });
  return { graph, dot };
}

function entry(id: string): MachineEntry {
  const found = findMachine(id);
  if (!found) throw new Error(`no machine ${id}`);
  return found;
}

/** The DOT statement that draws transition number `index` (edges carry `e<index>_` in their id). */
function edgeLine(dot: string, index: number): string {
  return dot.split('\n').find((l) => l.includes(`.e${index}_`)) ?? '';
}

describe('DOT and SVG rendering', () => {
  for (const e of [...MACHINE_REGISTRY, SLOTS_ENTRY]) {
    for (const profile of KERNEL_PROFILES) {
      it(`${e.id} ${profile}: a cluster per composite, a node per other state, an edge per target; the SVG has them all`, async () => {
        const { graph, dot } = render(e, profile);
        expect(render(e, profile).dot).toBe(dot);
        for (const s of graphStates(graph)) {
          if (s.path === '') continue;
          const id = stateId(s.path);
          const composite = s.kind === 'compound' || s.kind === 'parallel';
          expect(dot, s.path).toMatch(
            composite ? `subgraph cluster_${id} {` : new RegExp(`\n\\s*${id} \\[id="`),
          );
          expect(dot, s.path).toContain(`id="${svgIdPrefix(e.id, profile)}${id}"`);
        }
        const edgeIds = [...dot.matchAll(/id="[^"]*\.e(\d+)_/g)].map((m) => Number(m[1]));
        expect(edgeIds).toEqual(graph.transitions.flatMap((t, i) => t.targets.map(() => i)));
        const svg = await renderSvg(dot);
        expect(svg).toContain('<svg');
        for (const s of graphStates(graph)) {
          if (s.path !== '')
            expect(svg, s.path).toContain(`id="${svgIdPrefix(e.id, profile)}${stateId(s.path)}"`);
        }
      });
    }
  }

  it('the same DOT renders to byte-identical SVG every time', async () => {
    const { dot } = render(entry('mdev_device'), 'v6.1');
    const first = await renderSvg(dot);
    expect(await renderSvg(dot)).toBe(first);
    expect(await renderSvg(render(entry('mdev_device'), 'v6.1').dot)).toBe(first);
  });

  it('edge labels carry event, guard, errno and kernel function; refusals are dashed with a red errno', () => {
    const { graph, dot } = render(entry('mdev_device'), 'v6.1');
    const i = graph.transitions.findIndex(
      (t) => t.source === 'lifecycle.exists.claimed' && t.event === 'mdev.remove.refused',
    );
    const line = edgeLine(dot, i);
    expect(line).toContain(
      `label=<mdev.remove.refused [refusedWith(errno=ENODEV)]<BR/><FONT COLOR="${DIAGRAM_COLOURS.errno}">/ ENODEV</FONT>`,
    );
    expect(line).toContain('<I>mdev_device_remove</I>');
    expect(line).toContain('style=dashed');
    expect(line).toContain(`color="${DIAGRAM_COLOURS.profiles['v6.1']?.stroke}"`);
    expect(dot).toContain(`mdev.remove.claim [isActive]`);
  });

  it('what only one profile has is drawn in its colour, the rest in the common colours', () => {
    const { graph, dot } = render(entry('parent'), 'v6.1');
    const unregister = graph.transitions.findIndex(
      (t) => t.source === 'registered' && t.event === 'UNREGISTER',
    );
    expect(edgeLine(dot, unregister)).toContain(`color="${DIAGRAM_COLOURS.stroke}"`);
    const v61 = DIAGRAM_COLOURS.profiles['v6.1']?.stroke ?? '';
    expect(dot).toContain(
      `<FONT POINT-SIZE="8" COLOR="${v61}">UNLOAD_MODULE [hasOpenFds] <FONT COLOR="${DIAGRAM_COLOURS.errno}">/ EAGAIN</FONT>`,
    );
    const v410 = render(entry('vfio_attachment'), 'v4.10').dot;
    expect(v410).not.toContain(v61);
    expect(render(entry('vfio_attachment'), 'v6.1').dot).toMatch(
      new RegExp(`\\n\\s*s__stale \\[id=[^\\n]*, color="${v61}", penwidth=2\\];`),
    );
  });

  it('state tooltips give the full XState id and the description', () => {
    const { dot } = render(entry('mdev_device'), 'v6.1');
    expect(dot).toContain(
      'tooltip="#mdevDevice.lifecycle.exists.creating.reserved\\nOn mdev_list with active=false',
    );
  });

  it('many parallel regions wrap into rows instead of one wide row', () => {
    const eight = render(SLOTS_ENTRY, 'v4.10').dot;
    const wraps = eight.split('\n').filter((l) => l.includes('[style=invis]'));
    expect(wraps.length).toBeGreaterThan(0);
    expect(new Set(wraps.map((l) => l.trim().replace(/^.* -> /, '')))).toEqual(
      new Set(
        [
          's__slot3___init',
          's__slot4___init',
          's__slot5___init',
          's__slot6___init',
          's__slot7___init',
          's__power___init',
        ].map((a) => `${a} [style=invis];`),
      ),
    );
    expect(render(entry('mdev_device'), 'v6.1').dot).not.toContain('style=invis');
  });

  it('inlines an SVG without its prolog', async () => {
    const svg = await renderSvg('digraph { a -> b }');
    expect(svg.startsWith('<?xml')).toBe(true);
    expect(inlineSvg(svg).startsWith('<svg')).toBe(true);
    expect(() => inlineSvg('<html/>')).toThrow(/not an SVG/);
  });
});
