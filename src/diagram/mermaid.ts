import type { GraphState, MachineGraph } from '../spec_tools/machine_graph.ts';
import { profileColours } from './colours.ts';
import { anyStateId, stateId } from './diagram_ids.ts';
import { type DiagramModel, diagramModel, type ProfileHighlight } from './diagram_model.ts';
import { labelText, transitionLabelText } from './transition_label.ts';

/** Mermaid class of the states only this profile has (`v6.1` → `only_v6_1`). */
function onlyClass(profile: string): string {
  return `only_${profile.replace(/[^A-Za-z0-9]/g, '_')}`;
}

/**
 * Makes text safe for a Mermaid state description or edge label: the grammar ends such text at `:`,
 * `;` and newlines, a leading `%%` starts a comment, and `"`, `<`, `>`, `&` would be read as quoting or
 * HTML.
 */
export function mermaidText(text: string): string {
  return text
    .replace(/:/g, '∶')
    .replace(/;/g, ',')
    .replace(/\n/g, ' ')
    .replace(/"/g, "'")
    .replace(/</g, '‹')
    .replace(/>/g, '›')
    .replace(/&/g, '+')
    .replace(/%%/g, '% %');
}

class MermaidWriter {
  readonly lines: string[] = [];
  constructor(
    private readonly model: DiagramModel,
    private readonly highlight: ProfileHighlight,
  ) {}

  private emit(depth: number, line: string): void {
    this.lines.push(`${'  '.repeat(depth)}${line}`);
  }

  private marker(profileOnly: boolean): string {
    return profileOnly ? ` (only in ${this.highlight.profile})` : '';
  }

  /** The "any substate" node of a composite: its internal transitions as description lines. */
  private anyNode(depth: number, state: GraphState, label: string): void {
    const lines = this.model.internal.get(state.path) ?? [];
    if (!lines.length && !this.model.anyNodes.has(state.path)) return;
    const id = anyStateId(state.path);
    this.emit(depth, `state "${mermaidText(label)}" as ${id}`);
    for (const l of lines)
      this.emit(depth, `${id} : ${mermaidText(labelText(l) + this.marker(l.profileOnly))}`);
  }

  private atomic(depth: number, state: GraphState): void {
    const id = stateId(state.path);
    this.emit(depth, `state "${mermaidText(state.key)}" as ${id}`);
    for (const l of this.model.internal.get(state.path) ?? []) {
      this.emit(depth, `${id} : ${mermaidText(labelText(l) + this.marker(l.profileOnly))}`);
    }
    if (state.kind === 'final') this.emit(depth, `${id} --> [*]`);
  }

  private composite(depth: number, state: GraphState): void {
    const id = stateId(state.path);
    this.emit(depth, `state "${mermaidText(state.key)}" as ${id}`);
    this.emit(depth, `state ${id} {`);
    this.body(depth + 1, state);
    this.emit(depth, '}');
    if (state.kind === 'parallel') this.anyNode(depth, state, `any state of ${state.key}`);
  }

  /** The inside of a composite (or of the root): its any-node, initial marker and children. */
  body(depth: number, state: GraphState): void {
    if (state.kind === 'parallel') {
      state.children.forEach((child, i) => {
        if (i > 0) this.emit(depth, '--');
        this.declare(depth, child);
      });
      return;
    }
    this.anyNode(depth, state, state.path === '' ? 'in every state' : `any substate of ${state.key}`);
    for (const child of state.children) this.declare(depth, child);
    if (state.initial !== null) this.emit(depth, `[*] --> ${stateId(state.initial)}`);
  }

  declare(depth: number, state: GraphState): void {
    if (state.kind === 'compound' || state.kind === 'parallel') this.composite(depth, state);
    else this.atomic(depth, state);
  }

  edges(depth: number): void {
    for (const e of this.model.edges) {
      const from = e.fromAny ? anyStateId(e.source) : stateId(e.source);
      const label = mermaidText(transitionLabelText(e.transition) + this.marker(e.profileOnly));
      this.emit(depth, `${from} --> ${stateId(e.target)} : ${label}`);
    }
  }

  classes(depth: number): void {
    const ids = [...this.model.profileOnlyStates].map(stateId);
    if (!ids.length) return;
    const name = onlyClass(this.highlight.profile);
    const { stroke, fill } = profileColours(this.highlight.profile);
    this.emit(depth, `classDef ${name} fill:${fill},stroke:${stroke},stroke-width:2px`);
    this.emit(depth, `class ${ids.join(',')} ${name}`);
  }
}

/**
 * Renders a machine as a Mermaid `stateDiagram-v2` that GitHub displays: every state declared as
 * `state "key" as <id>` with identifier-only ids, compound states as composites with their `[*]`
 * initial marker, parallel states as composites whose regions are separated by `--`, targetless
 * transitions as description lines inside their state (or its "any substate" node), and every
 * transition with a target as an edge labelled `event [guard] / ERRNO`. Edges are declared at the top
 * level so no state is re-parented. States and transitions only in `highlight.profile` are marked.
 */
export function renderMermaid(graph: MachineGraph, highlight: ProfileHighlight): string {
  const model = diagramModel(graph, highlight.only);
  const w = new MermaidWriter(model, highlight);
  w.lines.push('stateDiagram-v2');
  w.lines.push(
    `  %% ${graph.id} (${highlight.profile}), generated by mdevspec diagram from machines/. Do not edit.`,
  );
  if (graph.root.kind === 'parallel') {
    w.declare(1, graph.root);
  } else {
    w.body(1, graph.root);
  }
  w.edges(1);
  w.classes(1);
  return `${w.lines.join('\n')}\n`;
}
