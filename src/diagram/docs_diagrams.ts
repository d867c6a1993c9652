import { KERNEL_PROFILES } from '../../machines/profile.ts';
import { MACHINE_REGISTRY } from '../spec_tools/registry.ts';
import { DIAGRAM_FORMATS, type DiagramOutput, renderDiagrams } from './diagram_set.ts';

/**
 * The committed diagrams: every registry machine, both profiles, every format, in `docs/diagrams/`
 * (relative to the repository root), and the command that regenerates them.
 */
export const DOCS_DIAGRAMS = {
  dir: 'docs/diagrams',
  formats: DIAGRAM_FORMATS,
  regenerate: 'npm run diagrams',
} as const;

/** What `docs/diagrams/` must hold: a fresh rendering of every file, in memory. */
export function renderDocsDiagrams(): Promise<DiagramOutput[]> {
  return renderDiagrams({
    machines: MACHINE_REGISTRY,
    profiles: KERNEL_PROFILES,
    formats: DOCS_DIAGRAMS.formats,
  });
}
