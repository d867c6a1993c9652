import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { afterEach, describe, expect, it } from 'vitest';
import { registerDiagramCommand } from '../../src/cli/diagram_command.ts';
import { UsageError } from '../../src/cli/usage_error.ts';
import { MACHINE_REGISTRY } from '../../src/spec_tools/registry.ts';

/** Runs `mdevspec <args>` with only the diagram command registered; collects what it prints. */
async function mdevspec(...args: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const program = new Command('mdevspec').exitOverride();
  registerDiagramCommand(
    program,
    (s) => out.push(s),
    (s) => err.push(s),
  );
  await program.parseAsync(args, { from: 'user' });
  return { out, err };
}

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe('mdevspec diagram', () => {
  it('prints one Mermaid diagram per machine and profile (all machines, both profiles by default)', async () => {
    const { out } = await mdevspec('diagram');
    expect(out).toHaveLength(MACHINE_REGISTRY.length * 2);
    for (const o of out) expect(o.startsWith('stateDiagram-v2\n')).toBe(true);
  });

  it('renders chosen machines, formats and a profile', async () => {
    const { out } = await mdevspec(
      'diagram',
      'parent',
      'mdev_device',
      '--format',
      'dot',
      '--profile',
      'v4.10',
    );
    expect(out.map((o) => o.split('\n')[0])).toEqual([
      'digraph "parent v4.10" {',
      'digraph "mdevDevice v4.10" {',
    ]);
    const svg = await mdevspec('diagram', 'parent', '--format', 'svg', '--profile', 'v6.1');
    expect(svg.out).toHaveLength(1);
    expect(svg.out[0]).toContain('<svg');
    const html = await mdevspec('diagram', 'parent', '--format', 'html');
    expect(html.out).toHaveLength(1);
    expect(html.out[0]?.startsWith('<!DOCTYPE html>')).toBe(true);
  });

  it('writes one file per machine and profile with --out', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mdevspec-diagram-'));
    dirs.push(dir);
    const { out, err } = await mdevspec('diagram', 'parent', '--format', 'mermaid,dot,html', '--out', dir);
    expect(out).toEqual([]);
    expect(err).toEqual([`wrote 5 files to ${dir}`]);
    expect(readdirSync(dir).sort()).toEqual([
      'index.html',
      'parent.v4.10.dot',
      'parent.v4.10.mmd',
      'parent.v6.1.dot',
      'parent.v6.1.mmd',
    ]);
    expect(readFileSync(join(dir, 'parent.v6.1.mmd'), 'utf8').endsWith('\n')).toBe(true);
  });

  it('rejects unknown machines, formats and profiles with the known ones', async () => {
    await expect(mdevspec('diagram', 'nope')).rejects.toThrow(UsageError);
    await expect(mdevspec('diagram', 'nope')).rejects.toThrow(
      /unknown machine 'nope' \(known: parent, type_accounting_mtty/,
    );
    await expect(mdevspec('diagram', '--format', 'png')).rejects.toThrow(
      /unknown format 'png' \(known: mermaid, dot, svg, html\)/,
    );
    await expect(mdevspec('diagram', '--profile', 'v5.2')).rejects.toThrow(
      /unknown profile 'v5.2' \(known: v4.10, v6.1, both\)/,
    );
  });
});
