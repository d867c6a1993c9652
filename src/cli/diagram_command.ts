import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Command } from 'commander';
import { KERNEL_PROFILES, type KernelProfile } from '../../machines/profile.ts';
import { DIAGRAM_FORMATS, type DiagramFormat, renderDiagrams } from '../diagram/diagram_set.ts';
import { MACHINE_REGISTRY, type MachineEntry } from '../spec_tools/registry.ts';
import { UsageError } from './usage_error.ts';

/** `--profile`: one profile or `both`. */
function parseProfiles(value: string): KernelProfile[] {
  if (value === 'both') return [...KERNEL_PROFILES];
  const profile = KERNEL_PROFILES.find((p) => p === value);
  if (!profile)
    throw new UsageError(`unknown profile '${value}' (known: ${[...KERNEL_PROFILES, 'both'].join(', ')})`);
  return [profile];
}

/** `--format`: one format or a comma-separated list. */
function parseFormats(value: string): DiagramFormat[] {
  return value.split(',').map((name) => {
    const format = DIAGRAM_FORMATS.find((f) => f === name.trim());
    if (!format) throw new UsageError(`unknown format '${name}' (known: ${DIAGRAM_FORMATS.join(', ')})`);
    return format;
  });
}

/** The machines named on the command line (all of them when none is). */
function parseMachines(ids: readonly string[]): MachineEntry[] {
  if (ids.length === 0) return [...MACHINE_REGISTRY];
  return ids.map((id) => {
    const entry = MACHINE_REGISTRY.find((m) => m.id === id);
    if (!entry) {
      throw new UsageError(
        `unknown machine '${id}' (known: ${MACHINE_REGISTRY.map((m) => m.id).join(', ')})`,
      );
    }
    return entry;
  });
}

/**
 * Adds `mdevspec diagram [machine…] --format mermaid|dot|svg|html [--profile v4.10|v6.1|both] [--out DIR]`
 * to `program`: renders the spec machines of `machines/registry.ts`. Without `--out` every output goes to
 * `out` (one machine and profile per output; `html` is one page); with `--out DIR` one file per machine
 * and profile (`<id>.<profile>.mmd` / `.dot` / `.svg`, and `index.html`), reported on `err`. `--format`
 * takes a comma-separated list. Unknown machines, formats and profiles throw a {@link UsageError}.
 */
export function registerDiagramCommand(
  program: Command,
  out: (s: string) => void,
  err: (s: string) => void,
): void {
  program
    .command('diagram')
    .description('render the spec state machines as Mermaid, Graphviz DOT, SVG, or one HTML review page')
    .argument(
      '[machine...]',
      `machines to render (default: all; known: ${MACHINE_REGISTRY.map((m) => m.id).join(', ')})`,
    )
    .option('--format <formats>', `${DIAGRAM_FORMATS.join(' | ')}, or a comma-separated list`, 'mermaid')
    .option('--profile <profile>', `${KERNEL_PROFILES.join(' | ')} | both`, 'both')
    .option('--out <dir>', 'write one file per machine and profile into DIR instead of printing')
    .action(async (ids: string[], options: { format: string; profile: string; out?: string }) => {
      const outputs = await renderDiagrams({
        machines: parseMachines(ids),
        profiles: parseProfiles(options.profile),
        formats: parseFormats(options.format),
      });
      if (options.out === undefined) {
        for (const o of outputs) out(o.content.replace(/\n$/, ''));
        return;
      }
      await mkdir(options.out, { recursive: true });
      for (const o of outputs) await writeFile(join(options.out, o.file), o.content);
      err(`wrote ${outputs.length} files to ${options.out}`);
    });
}
