import { KERNEL_PROFILES, type KernelProfile } from '../../machines/profile.ts';
import { machineGraph } from '../spec_tools/machine_graph.ts';
import { describeDiff, diffProfiles, type ProfileOnly } from '../spec_tools/profile_diff.ts';
import type { MachineEntry } from '../spec_tools/registry.ts';
import { svgIdPrefix } from './diagram_ids.ts';
import { renderDot } from './dot.ts';
import { legendDot } from './legend.ts';
import { renderMermaid } from './mermaid.ts';
import { renderReviewPage } from './review_page.ts';
import { inlineSvg, renderSvg } from './svg.ts';

/** The output formats of `mdevspec diagram`. */
export type DiagramFormat = 'mermaid' | 'dot' | 'svg' | 'html';

/** Every format, in the order files are produced. */
export const DIAGRAM_FORMATS: readonly DiagramFormat[] = ['mermaid', 'dot', 'svg', 'html'];

/** What to render: which machines, for which profiles, in which formats. */
export interface DiagramRequest {
  readonly machines: readonly MachineEntry[];
  readonly profiles: readonly KernelProfile[];
  readonly formats: readonly DiagramFormat[];
}

/** One rendered output: its file name (`<id>.<profile>.mmd`, …, `index.html`) and its text. */
export interface DiagramOutput {
  readonly file: string;
  readonly content: string;
}

const EXTENSIONS: Readonly<Record<Exclude<DiagramFormat, 'html'>, string>> = {
  mermaid: 'mmd',
  dot: 'dot',
  svg: 'svg',
};

interface ProfileRendering {
  readonly profile: KernelProfile;
  readonly dot: string;
  readonly mermaid: string;
}

/** The machine in the requested profiles, each marked with what only it has (the diff is of both profiles). */
function renderMachine(
  entry: MachineEntry,
  profiles: readonly KernelProfile[],
): { readonly renderings: ProfileRendering[]; readonly differences: string[] } {
  const [first, second] = KERNEL_PROFILES;
  const graphs = { [first]: machineGraph(entry.create(first)), [second]: machineGraph(entry.create(second)) };
  const diff = diffProfiles(graphs[first], graphs[second]);
  const only: Readonly<Record<KernelProfile, ProfileOnly>> = {
    [first]: diff.onlyInFirst,
    [second]: diff.onlyInSecond,
  };
  const renderings = profiles.map((profile) => ({
    profile,
    dot: renderDot(graphs[profile], {
      profile,
      only: only[profile],
      idPrefix: svgIdPrefix(entry.id, profile),
      title: `${entry.title} (${profile})`,
    }),
    mermaid: renderMermaid(graphs[profile], { profile, only: only[profile] }),
  }));
  return { renderings, differences: describeDiff(diff, first, second) };
}

/**
 * Renders the requested machines: per machine and profile a Mermaid (`.mmd`), DOT (`.dot`) and SVG
 * (`.svg`) file as asked, and for `html` one `index.html` review page with every machine's SVGs, the
 * legend and the profile differences. Outputs come in a stable order: machines in the request's order,
 * then profiles, then formats; `index.html` last.
 */
export async function renderDiagrams(request: DiagramRequest): Promise<DiagramOutput[]> {
  const outputs: DiagramOutput[] = [];
  const review = [];
  for (const entry of request.machines) {
    const { renderings, differences } = renderMachine(entry, request.profiles);
    const figures = [];
    for (const r of renderings) {
      const svg =
        request.formats.includes('svg') || request.formats.includes('html') ? await renderSvg(r.dot) : '';
      for (const format of request.formats) {
        if (format === 'html') continue;
        const content = format === 'mermaid' ? r.mermaid : format === 'dot' ? r.dot : svg;
        outputs.push({ file: `${entry.id}.${r.profile}.${EXTENSIONS[format]}`, content });
      }
      figures.push({ profile: r.profile, svg: svg ? inlineSvg(svg) : '' });
    }
    review.push({ id: entry.id, title: entry.title, description: entry.description, figures, differences });
  }
  if (request.formats.includes('html')) {
    const legend = inlineSvg(await renderSvg(legendDot()));
    outputs.push({ file: 'index.html', content: renderReviewPage(review, legend) });
  }
  return outputs;
}
