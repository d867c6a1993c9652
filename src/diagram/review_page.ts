import { DIAGRAM_COLOURS } from './colours.ts';

/** One profile's diagram of a machine on the review page. */
export interface ReviewFigure {
  readonly profile: string;
  /** The inline `<svg>` element. */
  readonly svg: string;
}

/** One machine on the review page. */
export interface ReviewMachine {
  readonly id: string;
  readonly title: string;
  readonly description: string;
  readonly figures: readonly ReviewFigure[];
  /** The profile differences, one line each (`- v4.10 state: …`, `+ v6.1 transition: …`). */
  readonly differences: readonly string[];
}

/** Escapes text for HTML. */
function html(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

function profileClass(profile: string): string {
  return `p-${profile.replace(/[^A-Za-z0-9]/g, '_')}`;
}

function styles(): string {
  const profileRules = Object.entries(DIAGRAM_COLOURS.profiles)
    .map(
      ([p, c]) =>
        `.${profileClass(p)} { color: ${c.stroke}; } figure.${profileClass(p)} > figcaption { border-left: 6px solid ${c.stroke}; background: ${c.fill}; }`,
    )
    .join('\n');
  return `
body { font: 14px/1.45 "Liberation Sans", Helvetica, Arial, sans-serif; color: #111827; margin: 0; background: #f3f4f6; }
header, nav, section { background: #fff; margin: 12px; padding: 12px 18px; border-radius: 8px; box-shadow: 0 1px 2px rgba(0,0,0,.08); }
h1 { font-size: 22px; margin: 0 0 4px; }
h2 { font-size: 18px; margin: 0 0 4px; }
code { font: 12px "Liberation Mono", "DejaVu Sans Mono", monospace; background: #f3f4f6; padding: 0 3px; border-radius: 3px; }
nav ol { columns: 2; margin: 4px 0; }
.legend-grid { display: flex; flex-wrap: wrap; gap: 18px; align-items: flex-start; }
.legend-grid dl { margin: 0; flex: 1 1 480px; columns: 2 420px; column-gap: 28px; }
.legend-grid dt { font-weight: bold; margin-top: 6px; break-after: avoid; }
.legend-grid dd { margin: 0 0 0 14px; break-inside: avoid; }
.profiles { display: flex; flex-wrap: wrap; gap: 14px; align-items: flex-start; }
figure { margin: 0; border: 1px solid #e5e7eb; border-radius: 6px; max-width: 100%; overflow-x: auto; background: #fff; }
figure > figcaption { font-weight: bold; padding: 4px 10px; }
figure svg { display: block; }
details { margin: 8px 0; }
details ul { margin: 4px 0; padding-left: 18px; font: 12px "Liberation Mono", "DejaVu Sans Mono", monospace; }
details li { white-space: pre-wrap; }
.errno { color: ${DIAGRAM_COLOURS.errno}; }
${profileRules}
`;
}

function legend(legendSvg: string, profiles: readonly string[]): string {
  const colours = profiles
    .map((p) => `<span class="${profileClass(p)}"><b>${html(p)}</b></span>`)
    .join(' and ');
  return `<section id="legend">
<h2>Legend</h2>
<div class="legend-grid">
<figure>${legendSvg}</figure>
<dl>
<dt>States</dt>
<dd>Rounded boxes are states, named by their XState key; hovering shows the state’s full id (<code>#machine.region.state</code>) and its description (kernel function, section of <code>kernel-semantics.md</code>). A box around states is a compound state (its <code>•</code> marks the initial substate); a box of dashed boxes is a parallel state whose regions run at the same time (many regions wrap into rows). A double border is a final state.</dd>
<dt>Edges</dt>
<dd><code>event [guard(param=value)]</code> triggers a transition when the guard passes; <code>(always)</code> or <code>[guard]</code> alone is an eventless transition. Below it, <code>/ = value</code> is what the system call returns and <code class="errno">/ ERRNO</code> (dashed edge, red) the errno of a refusal; a grey italic line names the kernel function or ioctl the edge models when the event does not. Hovering an edge shows that function with notes (C-numbers refer to the race catalogue, §5). <code>(UNVERIFIED)</code> marks what kernel-semantics.md could not verify.</dd>
<dt>Lines inside a state</dt>
<dd>Transitions that stay in the state (UML internal transitions), in the same notation: refusals (<code class="errno">/ EEXIST</code>, <code class="errno">/ EAGAIN</code>, …) and observations that change only counters. In a compound state they apply in every substate. <code>entry / action</code> runs on entering.</dd>
<dt>Profile colours</dt>
<dd>Each machine is drawn for ${colours}. States, transitions and lines present in only one profile are drawn in that profile’s colour (an errno stays red); black/grey parts are identical in both. The differences are computed by diffing the two profiles’ machines, and listed under each machine.</dd>
</dl>
</div>
</section>`;
}

function machineSection(m: ReviewMachine): string {
  const figures = m.figures
    .map(
      (f) =>
        `<figure class="${profileClass(f.profile)}" data-machine="${html(m.id)}" data-profile="${html(f.profile)}"><figcaption>${html(f.profile)}</figcaption>${f.svg}</figure>`,
    )
    .join('\n');
  const items = m.differences
    .map((d) => {
      const profile = d.split(' ')[1] ?? '';
      return `<li class="${profileClass(profile)}">${html(d)}</li>`;
    })
    .join('\n');
  const diff = m.differences.length
    ? `<details><summary>${m.differences.length} profile differences (computed from the machines)</summary><ul>\n${items}\n</ul></details>`
    : '<p>The profiles do not differ.</p>';
  return `<section class="machine" id="m-${html(m.id)}" data-machine="${html(m.id)}">
<h2>${html(m.title)} <code>${html(m.id)}</code></h2>
<p>${html(m.description)}</p>
${diff}
<div class="profiles">
${figures}
</div>
</section>`;
}

/**
 * The self-contained HTML review page: a legend (drawn like the diagrams), then every machine with its
 * inline SVG per profile, its description, and the list of profile differences. No scripts, no external
 * resources; deterministic for the same input.
 */
export function renderReviewPage(machines: readonly ReviewMachine[], legendSvg: string): string {
  const profiles = [...new Set(machines.flatMap((m) => m.figures.map((f) => f.profile)))];
  const toc = machines.map((m) => `<li><a href="#m-${html(m.id)}">${html(m.title)}</a></li>`).join('\n');
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>mdevspec: state machines of the Linux mdev framework</title>
<style>${styles()}</style>
</head>
<body>
<header>
<h1>mdevspec: the spec machines of the Linux VFIO mediated device framework</h1>
<p>XState machines in <code>machines/</code>, one per concern, each for Linux ${profiles.map(html).join(' and ')}. Generated from the machines by <code>npm run diagrams</code> (<code>mdevspec diagram --format html</code>); do not edit.</p>
</header>
<nav><ol>
${toc}
</ol></nav>
${legend(legendSvg, profiles)}
${machines.map(machineSection).join('\n')}
</body>
</html>
`;
}
