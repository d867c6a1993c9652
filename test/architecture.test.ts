import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, normalize } from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * The layout the project promises. Dependencies go one way: the spec (machines/) ← the properties
 * (properties/) ← the check engine (src/check and the tools it uses) ← the CLI (src/cli). The executable
 * kernel (src/ except its tools) sits below the checks and is independent of the spec and of the checks, so
 * the tests can hold one against the other; the spec is pure (no I/O, nothing from src/). The one file
 * both the spec and the kernel model import is the leaf machines/profile.ts, the names of the kernels.
 * No import cycles, static or type-only, except the struct-header cycles listed in HEADER_CYCLES.
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
/** The leaf that names the kernels, shared by the spec and the kernel model (see its JSDoc). */
const SHARED_LEAF = 'machines/profile.ts';
/** The folders whose TypeScript files take part in the import graph. */
const SOURCE_ROOTS = ['machines', 'properties', 'src', 'examples', 'bench'];

/**
 * Import cycles allowed because they mirror C structures that point at each other through a header (the
 * files are the structs' twins; C breaks the cycle with forward declarations, TypeScript needs none). Each
 * entry is one strongly connected component, exactly; any other cycle, or a component that grows, fails.
 */
const HEADER_CYCLES: ReadonlyArray<{ readonly header: string; readonly files: readonly string[] }> = [
  {
    // struct mdev_device → mdev_type → mdev_parent → mdev_driver / mdev_parent_ops, whose callbacks take
    // the device and the type.
    header: 'include/linux/mdev.h',
    files: [
      'src/mdev/mdev_device.ts',
      'src/mdev/mdev_driver_ops.ts',
      'src/mdev/mdev_parent.ts',
      'src/mdev/mdev_type.ts',
    ],
  },
  {
    // struct device ↔ bus_type ↔ device_driver (device.h includes device/bus.h and device/driver.h).
    header: 'include/linux/device.h',
    files: ['src/base/bus.ts', 'src/base/device.ts', 'src/base/driver.ts'],
  },
  {
    // struct task_struct → its process's fd table of struct file, whose file_operations run in a task.
    header: 'include/linux/sched.h, include/linux/fs.h',
    files: ['src/fs/file.ts', 'src/kernel/process.ts', 'src/kernel/task.ts'],
  },
  {
    // struct vfio_group ↔ vfio_device (group->device_list, device->group) and ↔ vfio_container
    // (group->container, container->group_list).
    header: 'drivers/vfio/vfio.h, include/linux/vfio.h',
    files: ['src/vfio/container.ts', 'src/vfio/group.ts', 'src/vfio/vfio_device.ts'],
  },
];

function files(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? files(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : [],
  );
}

/** The module specifiers a source text imports or re-exports: static, type-only, side-effect and dynamic. */
function specifiers(text: string): string[] {
  return [
    ...text.matchAll(
      /(?:^|\n)\s*(?:import|export)\s[^'";]*?from\s+['"]([^'"]+)['"]|(?:^|\n)\s*import\s+['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g,
    ),
  ].map((m) => m[1] ?? m[2] ?? m[3]!);
}

/** The module specifiers a file imports. */
function imports(file: string): string[] {
  return specifiers(readFileSync(file, 'utf8'));
}

/** The project files a file imports (relative specifiers resolved to repository paths). */
function localImports(file: string): string[] {
  return imports(file)
    .filter((spec) => spec.startsWith('.'))
    .map((spec) => normalize(join(dirname(file), spec)));
}

/** The strongly connected components of more than one file (or a file importing itself), Tarjan's way. */
function importCycles(graph: ReadonlyMap<string, readonly string[]>): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const cycles: string[][] = [];
  const visit = (v: string): void => {
    index.set(v, index.size);
    low.set(v, index.get(v)!);
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) {
        low.set(v, Math.min(low.get(v)!, index.get(w)!));
      }
    }
    if (low.get(v) !== index.get(v)) return;
    const component: string[] = [];
    let w: string;
    do {
      w = stack.pop()!;
      onStack.delete(w);
      component.push(w);
    } while (w !== v);
    if (component.length > 1 || graph.get(v)!.includes(v)) cycles.push(component.sort());
  };
  for (const v of graph.keys()) if (!index.has(v)) visit(v);
  return cycles;
}

const GRAPH = new Map(SOURCE_ROOTS.flatMap(files).map((f) => [f, localImports(f)] as const));

describe('architecture', () => {
  it('src/ holds only the kernel directories and the tool directories', () => {
    for (const dir of readdirSync('src')) expect([...KERNEL_DIRS, ...TOOL_DIRS], `src/${dir}`).toContain(dir);
  });

  it('every relative import names a file that exists', () => {
    for (const [file, targets] of GRAPH)
      for (const target of targets) expect(existsSync(target), `${file} imports ${target}`).toBe(true);
  });

  it.each(KERNEL_DIRS)(
    'src/%s (the executable kernel) imports nothing from machines/ (but the profile names), properties/ or the tools',
    (dir) => {
      for (const file of files(join('src', dir))) {
        for (const target of localImports(file)) {
          if (target === SHARED_LEAF) continue;
          expect(target, `${file} imports ${target}`).not.toMatch(
            /^(machines|properties)\/|^src\/(check|cli|diagram|driver|paths|sched|spec_tools)\//,
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

  it('the shared profile names are a leaf: machines/profile.ts imports nothing', () => {
    expect(imports(SHARED_LEAF)).toEqual([]);
  });

  it('properties/ imports nothing from the check engine, the CLI or the other tools', () => {
    for (const file of files('properties')) {
      for (const target of localImports(file)) {
        expect(target, `${file} imports ${target}`).not.toMatch(
          /^src\/(check|cli|diagram|driver|paths|sched|spec_tools)\//,
        );
      }
    }
  });

  it('nothing below the CLI imports the CLI', () => {
    for (const [file, targets] of GRAPH) {
      if (file.startsWith('src/cli/')) continue;
      for (const target of targets) expect(target, `${file} imports ${target}`).not.toMatch(/^src\/cli\//);
    }
  });

  it('the check engine (src/check) imports nothing from the diagrams', () => {
    for (const file of files('src/check'))
      for (const target of localImports(file))
        expect(target, `${file} imports ${target}`).not.toMatch(/^src\/diagram\//);
  });

  it('has no import cycle but the struct-header cycles it lists', () => {
    const allowed = new Set(HEADER_CYCLES.map((c) => [...c.files].sort().join(' ')));
    const unexpected = importCycles(GRAPH)
      .map((c) => c.join(' '))
      .filter((c) => !allowed.has(c));
    expect(unexpected).toEqual([]);
  });

  it('finds a cycle, type-only or not, when there is one (the detector itself)', () => {
    const graph = new Map([
      ['a.ts', ['b.ts']],
      ['b.ts', ['c.ts']],
      ['c.ts', ['a.ts']],
      ['d.ts', ['a.ts']],
      ['e.ts', ['e.ts']],
    ]);
    expect(importCycles(graph)).toEqual([['a.ts', 'b.ts', 'c.ts'], ['e.ts']]);
    const text =
      "import type { X } from './x.ts';\nexport type { Y } from './y.ts';\nimport './z.ts';\nawait import('./w.ts');";
    expect(specifiers(text)).toEqual(['./x.ts', './y.ts', './z.ts', './w.ts']);
  });

  it('every allowed header cycle still exists (the list stays short and true)', () => {
    const found = new Set(importCycles(GRAPH).map((c) => c.join(' ')));
    for (const c of HEADER_CYCLES) expect(found, c.header).toContain([...c.files].sort().join(' '));
  });
});
