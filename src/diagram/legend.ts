import { DIAGRAM_COLOURS } from './colours.ts';

const FONT = 'Helvetica';

/** A line inside a legend state, drawn like the machines' lines (a refusal's outcome in red), with a remark. */
interface LegendLine {
  readonly trigger: string;
  readonly outcome: string;
  readonly refusal: boolean;
  readonly remark: string;
  readonly colour: string;
}

function stateLabel(title: string, line?: LegendLine): string {
  const outcome = line?.refusal
    ? `<FONT COLOR="${DIAGRAM_COLOURS.errno}">${line.outcome}</FONT>`
    : line?.outcome;
  const body = line
    ? `<HR/><TR><TD ALIGN="LEFT"><FONT POINT-SIZE="8" COLOR="${line.colour}">${line.trigger} ${outcome}&#160;&#160;&#160;${line.remark}</FONT></TD></TR>`
    : '';
  return `<<TABLE BORDER="0" CELLBORDER="0" CELLSPACING="0" CELLPADDING="1"><TR><TD><B>${title}</B></TD></TR>${body}</TABLE>>`;
}

/**
 * The legend of the diagrams as DOT, drawn with the same shapes and colours as the machines: state kinds
 * (atomic with an internal transition, compound with its initial marker, parallel with dashed regions,
 * final), the edge notation (`event [guard] / = value`, refusals `/ ERRNO` dashed with the errno in red)
 * and the profile colours (v4.10 only, v6.1 only).
 */
export function legendDot(): string {
  const v410 = DIAGRAM_COLOURS.profiles['v4.10'];
  const v61 = DIAGRAM_COLOURS.profiles['v6.1'];
  if (!v410 || !v61) throw new Error('profile colours missing');
  const errno = DIAGRAM_COLOURS.errno;
  return `digraph legend {
  graph [id="legend-graph", compound=true, rankdir=LR, nodesep=0.35, ranksep=0.5, fontname="${FONT}", fontsize=10];
  node [shape=box, style="rounded,filled", fillcolor="${DIAGRAM_COLOURS.fill}", color="${DIAGRAM_COLOURS.stroke}", fontname="${FONT}", fontsize=10, margin="0.14,0.04"];
  edge [fontname="${FONT}", fontsize=8, color="${DIAGRAM_COLOURS.stroke}", arrowsize=0.6];
  start [shape=point, width=0.1, label="", color="#111827", fillcolor="#111827"];
  atomic [label=${stateLabel('atomic state', { trigger: 'event [guard]', outcome: '/ EBUSY', refusal: true, remark: '(internal: stays here)', colour: DIAGRAM_COLOURS.internal })}];
  subgraph cluster_compound {
    label=${stateLabel('compound state', { trigger: 'event', outcome: '/ = 0', refusal: false, remark: '(in any substate)', colour: DIAGRAM_COLOURS.internal })}; style="rounded"; color="${DIAGRAM_COLOURS.cluster}";
    compound_init [shape=point, width=0.1, label="", color="#111827", fillcolor="#111827"];
    substate [label=${stateLabel('initial substate')}];
    compound_init -> substate [arrowsize=0.5];
  }
  subgraph cluster_parallel {
    label=${stateLabel('parallel state')}; style="rounded"; color="${DIAGRAM_COLOURS.cluster}";
    subgraph cluster_region2 { label=${stateLabel('region 2')}; style="rounded,dashed"; color="${DIAGRAM_COLOURS.region}"; r2 [label=${stateLabel('state')}]; }
    subgraph cluster_region1 { label=${stateLabel('region 1')}; style="rounded,dashed"; color="${DIAGRAM_COLOURS.region}"; r1 [label=${stateLabel('state')}]; }
  }
  final [label=${stateLabel('final state')}, peripheries=2];
  unverified [label=<<TABLE BORDER="0" CELLBORDER="0" CELLSPACING="0" CELLPADDING="1"><TR><TD><B>state</B> <FONT POINT-SIZE="8" COLOR="${DIAGRAM_COLOURS.kernel}">(UNVERIFIED)</FONT></TD></TR></TABLE>>];
  common [label=${stateLabel('state in both profiles')}];
  only410 [label=${stateLabel('state only in v4.10', { trigger: 'event [guard]', outcome: '/ ERRNO', refusal: true, remark: '(line only in v4.10)', colour: v410.stroke })}, fillcolor="${v410.fill}", color="${v410.stroke}", penwidth=2];
  only61 [label=${stateLabel('state only in v6.1')}, fillcolor="${v61.fill}", color="${v61.stroke}", penwidth=2];
  start -> atomic [label=<initial>];
  atomic -> substate [label=<event [guard]<BR/><FONT COLOR="${DIAGRAM_COLOURS.text}">/ = value</FONT><BR/><FONT POINT-SIZE="7" COLOR="${DIAGRAM_COLOURS.kernel}"><I>kernel_function</I></FONT>>, lhead=cluster_compound];
  substate -> r1 [label=<event [guard]<BR/><FONT COLOR="${errno}">/ ERRNO</FONT>>, style=dashed, ltail=cluster_compound, lhead=cluster_parallel];
  r2 -> final [label=<event>, ltail=cluster_parallel];
  unverified -> common [label=<event (UNVERIFIED)>];
  common -> only410 [label=<transition only in v4.10>, color="${v410.stroke}", fontcolor="${v410.stroke}", penwidth=2];
  common -> only61 [label=<transition only in v6.1<BR/><FONT COLOR="${errno}">/ ERRNO</FONT>>, style=dashed, color="${v61.stroke}", fontcolor="${v61.stroke}", penwidth=2];
}
`;
}
