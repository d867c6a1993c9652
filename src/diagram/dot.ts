import { type GraphState, isWithin, type MachineGraph } from '../spec_tools/machine_graph.ts';
import { DIAGRAM_COLOURS, type ProfileColours, profileColours } from './colours.ts';
import { anyStateId, initialId, stateId } from './diagram_ids.ts';
import {
  type DiagramEdge,
  type DiagramModel,
  diagramModel,
  type InternalLine,
  type ProfileHighlight,
  transitionDetail,
} from './diagram_model.ts';
import { transitionLabel } from './transition_label.ts';

const FONT = 'Helvetica';

/** Parallel regions drawn side by side before they wrap into rows. */
const MAX_REGIONS_PER_ROW = 3;

/** Escapes text for a Graphviz HTML-like label. */
function html(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** Escapes text for a double-quoted Graphviz attribute. */
function quoted(text: string): string {
  return `"${text.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`;
}

/**
 * The kernel function an edge models, when its event does not already name it (trace events such as
 * `vendor.enter` do not; `SET_IOMMU` is `VFIO_SET_IOMMU` already).
 */
function kernelLine(e: DiagramEdge): string | null {
  const { kernel, event } = e.transition;
  if (!kernel || (event && (kernel.includes(event) || event.includes(kernel)))) return null;
  return kernel;
}

class DotWriter {
  readonly lines: string[] = [];
  private readonly kinds: ReadonlyMap<string, GraphState>;
  private readonly own: ProfileColours;

  /** Definition order of the states: an edge to an earlier state is a back edge and does not rank. */
  private readonly order: ReadonlyMap<string, number>;

  constructor(
    private readonly model: DiagramModel,
    highlight: ProfileHighlight,
    private readonly prefix: string,
  ) {
    this.kinds = new Map(model.states.map((s) => [s.path, s]));
    this.order = new Map(model.states.map((s, i) => [s.path, i]));
    this.own = profileColours(highlight.profile);
  }

  emit(depth: number, line: string): void {
    this.lines.push(`${'  '.repeat(depth)}${line}`);
  }

  /** The rows of a state's internal lines: the trigger in the line's colour, a refusal's errno in red. */
  private lineRows(lines: readonly InternalLine[]): string {
    return lines
      .map((l) => {
        const colour = l.profileOnly ? this.own.stroke : DIAGRAM_COLOURS.internal;
        const outcome = l.outcome
          ? ` <FONT COLOR="${l.refusal ? DIAGRAM_COLOURS.errno : colour}">${html(l.outcome)}</FONT>`
          : '';
        return `<TR><TD ALIGN="LEFT"><FONT POINT-SIZE="8" COLOR="${colour}">${html(l.trigger)}${outcome}</FONT></TD></TR>`;
      })
      .join('');
  }

  /**
   * A state's label: its key in bold (marked when UNVERIFIED), then (UML compartment) its internal
   * transitions and entry actions.
   */
  private stateLabel(title: string, lines: readonly InternalLine[], unverified = false): string {
    const mark = unverified
      ? ` <FONT POINT-SIZE="8" COLOR="${DIAGRAM_COLOURS.kernel}">(UNVERIFIED)</FONT>`
      : '';
    const head = `<TR><TD><B>${html(title)}</B>${mark}</TD></TR>`;
    const body = lines.length ? `<HR/>${this.lineRows(lines)}` : '';
    return `<<TABLE BORDER="0" CELLBORDER="0" CELLSPACING="0" CELLPADDING="1">${head}${body}</TABLE>>`;
  }

  /** A state's tooltip: its full XState id (`#machine.path`), description and any UNVERIFIED remark. */
  private tooltip(state: GraphState): string {
    return [
      `#${this.model.graph.id}${state.path ? `.${state.path}` : ''}`,
      state.description,
      state.unverified ? `UNVERIFIED: ${state.unverified}` : null,
    ]
      .filter(Boolean)
      .join('\n');
  }

  /** The node an edge to `path` attaches to: the state itself, or a composite's initial marker (with lhead). */
  private anchor(path: string): string {
    const state = this.kinds.get(path);
    if (!state) throw new Error(`unknown state ${path}`);
    if (state.kind === 'compound') return initialId(path);
    if (state.kind === 'parallel') {
      const first = state.children[0];
      if (!first) throw new Error(`parallel state ${path} has no regions`);
      return this.anchor(first.path);
    }
    return stateId(path);
  }

  private isComposite(path: string): boolean {
    const kind = this.kinds.get(path)?.kind;
    return kind === 'compound' || kind === 'parallel';
  }

  private anyNode(depth: number, state: GraphState, label: string, lines: readonly InternalLine[]): void {
    this.emit(
      depth,
      `${anyStateId(state.path)} [id=${quoted(this.prefix + anyStateId(state.path))}, shape=note, style=filled, fillcolor="#f9fafb", color=${quoted(DIAGRAM_COLOURS.region)}, label=${this.stateLabel(label, lines)}];`,
    );
  }

  private atomic(depth: number, state: GraphState): void {
    const id = stateId(state.path);
    const only = this.model.profileOnlyStates.has(state.path);
    const attrs = [
      `id=${quoted(this.prefix + id)}`,
      `label=${this.stateLabel(state.kind === 'history' ? `H ${state.key}` : state.key, this.model.internal.get(state.path) ?? [], state.unverified !== null)}`,
      `tooltip=${quoted(this.tooltip(state))}`,
      ...(only
        ? [`fillcolor=${quoted(this.own.fill)}`, `color=${quoted(this.own.stroke)}`, 'penwidth=2']
        : []),
      ...(state.kind === 'final' ? ['peripheries=2'] : []),
    ];
    this.emit(depth, `${id} [${attrs.join(', ')}];`);
  }

  private cluster(depth: number, state: GraphState, region: boolean): void {
    const id = stateId(state.path);
    const only = this.model.profileOnlyStates.has(state.path);
    const colour = only ? this.own.stroke : region ? DIAGRAM_COLOURS.region : DIAGRAM_COLOURS.cluster;
    this.emit(depth, `subgraph cluster_${id} {`);
    this.emit(
      depth + 1,
      [
        `id=${quoted(this.prefix + id)}`,
        `label=${this.stateLabel(state.key, this.model.internal.get(state.path) ?? [], state.unverified !== null)}`,
        `tooltip=${quoted(this.tooltip(state))}`,
        `style=${quoted(region ? 'rounded,dashed' : 'rounded')}`,
        `color=${quoted(colour)}`,
        `penwidth=${only ? 2 : 1}`,
      ].join('; ') + ';',
    );
    if (this.model.anyNodes.has(state.path))
      this.anyNode(depth + 1, state, `any substate of ${state.key}`, []);
    this.children(depth + 1, state);
    this.emit(depth, '}');
  }

  /** A composite's children, and its initial marker (compound states). */
  children(depth: number, state: GraphState): void {
    if (state.kind === 'compound' && state.initial !== null) {
      const init = initialId(state.path);
      this.emit(
        depth,
        `${init} [id=${quoted(this.prefix + init)}, shape=point, width=0.1, label="", color="#111827", fillcolor="#111827"];`,
      );
    }
    for (const child of state.children) this.declare(depth, child, state.kind === 'parallel');
    if (state.kind === 'compound' && state.initial !== null) {
      const lhead = this.isComposite(state.initial) ? `, lhead=cluster_${stateId(state.initial)}` : '';
      this.emit(depth, `${initialId(state.path)} -> ${this.anchor(state.initial)} [arrowsize=0.5${lhead}];`);
    }
    if (state.kind === 'parallel') this.wrapRegions(depth, state.children);
  }

  /**
   * Lays many parallel regions out in rows of about √n instead of one wide row: invisible edges from
   * every node of a region to the entry of the region one row further down rank that one below it.
   */
  private wrapRegions(depth: number, regions: readonly GraphState[]): void {
    if (regions.length <= MAX_REGIONS_PER_ROW) return;
    const columns = Math.ceil(Math.sqrt(regions.length));
    regions.forEach((below, i) => {
      const above = regions[i - columns];
      if (!above) return;
      for (const node of this.nodesWithin(above)) {
        this.emit(depth, `${node} -> ${this.anchor(below.path)} [style=invis];`);
      }
    });
  }

  /** The DOT nodes drawn inside `state`: its atomic states, initial markers and "any substate" nodes. */
  private nodesWithin(state: GraphState): string[] {
    if (state.kind !== 'compound' && state.kind !== 'parallel') return [stateId(state.path)];
    const own = [
      ...(this.model.anyNodes.has(state.path) ? [anyStateId(state.path)] : []),
      ...(state.kind === 'compound' && state.initial !== null ? [initialId(state.path)] : []),
    ];
    return [...own, ...state.children.flatMap((c) => this.nodesWithin(c))];
  }

  declare(depth: number, state: GraphState, region: boolean): void {
    if (state.kind === 'compound' || state.kind === 'parallel') this.cluster(depth, state, region);
    else this.atomic(depth, state);
  }

  root(depth: number): void {
    const root = this.model.graph.root;
    const lines = this.model.internal.get('') ?? [];
    if (lines.length || this.model.anyNodes.has('')) this.anyNode(depth, root, 'in every state', lines);
    if (root.kind === 'compound' || root.kind === 'parallel') this.children(depth, root);
    else this.atomic(depth, root);
  }

  private edge(depth: number, e: DiagramEdge): void {
    const { trigger, outcome, refusal } = transitionLabel(e.transition);
    const tail = e.fromAny
      ? anyStateId(e.source)
      : this.isComposite(e.source)
        ? this.anchor(e.source)
        : stateId(e.source);
    const ltail = !e.fromAny && this.isComposite(e.source) ? [`ltail=cluster_${stateId(e.source)}`] : [];
    const lhead =
      this.isComposite(e.target) && !isWithin(e.source, e.target)
        ? [`lhead=cluster_${stateId(e.target)}`]
        : [];
    const colour = e.profileOnly ? this.own.stroke : DIAGRAM_COLOURS.stroke;
    const outcomeColour = refusal
      ? DIAGRAM_COLOURS.errno
      : e.profileOnly
        ? this.own.stroke
        : DIAGRAM_COLOURS.text;
    const kernel = kernelLine(e);
    const lines = [
      html(trigger),
      ...(outcome ? [`<FONT COLOR="${outcomeColour}">${html(outcome)}</FONT>`] : []),
      ...(kernel
        ? [`<FONT POINT-SIZE="7" COLOR="${DIAGRAM_COLOURS.kernel}"><I>${html(kernel)}</I></FONT>`]
        : []),
    ];
    const label = `<${lines.join('<BR/>')}>`;
    const detail = transitionDetail(e.transition);
    const attrs = [
      `id=${quoted(`${this.prefix}e${e.index}_${stateId(e.target)}`)}`,
      `label=${label}`,
      `tooltip=${quoted(detail)}`,
      `labeltooltip=${quoted(detail)}`,
      `color=${quoted(colour)}`,
      `fontcolor=${quoted(e.profileOnly ? this.own.stroke : DIAGRAM_COLOURS.text)}`,
      ...(e.profileOnly ? ['penwidth=2'] : []),
      ...(refusal ? ['style=dashed'] : []),
      ...((this.order.get(e.target) ?? 0) < (this.order.get(e.source) ?? 0) ? ['constraint=false'] : []),
      ...ltail,
      ...lhead,
    ];
    this.emit(depth, `${tail} -> ${this.anchor(e.target)} [${attrs.join(', ')}];`);
  }

  edges(depth: number): void {
    for (const e of this.model.edges) this.edge(depth, e);
  }
}

/** Options of a DOT rendering: the profile highlight, and a prefix for every SVG element id. */
export interface DotOptions extends ProfileHighlight {
  /** Prepended to every `id` attribute (keeps ids unique when several SVGs share one HTML page). */
  readonly idPrefix: string;
  /** The graph's caption. */
  readonly title: string;
}

/**
 * Renders a machine as Graphviz DOT: compound states as clusters (with a `•` initial marker), parallel
 * states as clusters whose regions are dashed clusters, targetless transitions as lines inside their
 * state (UML internal transitions), transitions with targets as edges labelled `event [guard]` with the
 * outcome (`/ ERRNO` in red, `/ = value`) below, refusal edges dashed, and what only this profile has in
 * the profile's colour. Deterministic: the same machine and options give the same text.
 */
export function renderDot(graph: MachineGraph, options: DotOptions): string {
  const model = diagramModel(graph, options.only);
  const w = new DotWriter(model, options, options.idPrefix);
  const own = profileColours(options.profile);
  const sep = '&#160;&#160;·&#160;&#160;';
  const caption = `<<B>${html(options.title)}</B><BR/><FONT POINT-SIZE="9"><FONT COLOR="${own.stroke}">coloured: only in ${html(options.profile)}</FONT>${sep}<FONT COLOR="${DIAGRAM_COLOURS.errno}">/ ERRNO: refusal</FONT>${sep}/ = value: returned</FONT>>`;
  w.lines.push(`digraph ${quoted(`${graph.id} ${options.profile}`)} {`);
  w.emit(
    1,
    `graph [id=${quoted(`${options.idPrefix}graph`)}, compound=true, rankdir=TB, nodesep=0.4, ranksep=0.45, fontname=${quoted(FONT)}, fontsize=10, labelloc=t, labeljust=l, label=${caption}];`,
  );
  w.emit(
    1,
    `node [shape=box, style="rounded,filled", fillcolor=${quoted(DIAGRAM_COLOURS.fill)}, color=${quoted(DIAGRAM_COLOURS.stroke)}, fontname=${quoted(FONT)}, fontsize=10, margin="0.14,0.04"];`,
  );
  w.emit(
    1,
    `edge [fontname=${quoted(FONT)}, fontsize=8, color=${quoted(DIAGRAM_COLOURS.stroke)}, arrowsize=0.6];`,
  );
  w.root(1);
  w.edges(1);
  w.lines.push('}');
  return `${w.lines.join('\n')}\n`;
}
