import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * The layout the project promises: the executable kernel (src/ except its tools) is independent of the spec
 * (machines/) and of the checks (properties/), so the tests can hold one against the other; the spec is pure
 * (no I/O, nothing from src/).
 */
const KERNEL_DIRS = [
  'api',
  'base',
  'fs',
  'iommu',
  'kconfig',
  'kernel',
  'lib',
  'mdev',
  'module',
  'profile',
  'samples',
  'scenario',
  'vfio',
];
const TOOL_DIRS = ['check', 'cli', 'diagram', 'driver', 'paths', 'sched', 'spec_tools'];

function files(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? files(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : [],
  );
}

/** The module specifiers a file imports (static and dynamic). */
function imports(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  return [
    ...text.matchAll(
      /(?:^|\n)\s*(?:import|export)[^'"]*?from\s+['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g,
    ),
  ].map((m) => m[1] ?? m[2]!);
}

describe('architecture', () => {
  it('src/ holds only the kernel directories and the tool directories', () => {
    for (const dir of readdirSync('src')) expect([...KERNEL_DIRS, ...TOOL_DIRS], `src/${dir}`).toContain(dir);
  });

  it.each(KERNEL_DIRS)(
    'src/%s (the executable kernel) imports nothing from machines/, properties/ or the tools',
    (dir) => {
      for (const file of files(join('src', dir))) {
        for (const spec of imports(file)) {
          expect(spec, `${file} imports ${spec}`).not.toMatch(
            /machines\/|properties\/|\/(check|cli|diagram|driver|paths|sched|spec_tools)\//,
          );
        }
      }
    },
  );

  it('machines/ (the spec) imports nothing from src/ or properties/, and does no I/O', () => {
    for (const file of files('machines')) {
      for (const spec of imports(file)) {
        expect(spec, `${file} imports ${spec}`).not.toMatch(/src\/|properties\/|^node:/);
      }
    }
  });
});
