import { Graphviz } from '@hpcc-js/wasm-graphviz';

let graphviz: Promise<Graphviz> | null = null;

/**
 * Lays out a DOT graph and returns the SVG, with Graphviz compiled to WebAssembly
 * (`@hpcc-js/wasm-graphviz`: no native graphviz needed). The WebAssembly module is loaded once.
 */
export async function renderSvg(dot: string): Promise<string> {
  graphviz ??= Graphviz.load();
  return (await graphviz).dot(dot, 'svg');
}

/** The SVG element of a rendered SVG document, without its XML prolog, doctype and comments (for inlining). */
export function inlineSvg(svg: string): string {
  const start = svg.indexOf('<svg');
  if (start < 0) throw new Error('not an SVG document');
  return svg.slice(start).replace(/<!--[\s\S]*?-->\n?/g, '');
}
