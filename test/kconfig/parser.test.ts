import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { V4_10_KCONFIG_FILES } from '../../src/kconfig/data/v4_10_tree.ts';
import { V4_10_VFIO_KCONFIG } from '../../src/kconfig/data/v4_10_vfio_kconfig.ts';
import { V6_1_KCONFIG_FILES } from '../../src/kconfig/data/v6_1_tree.ts';
import type { ConfigEntry, KconfigTree } from '../../src/kconfig/entries.ts';
import { formatExpression } from '../../src/kconfig/expression.ts';
import { formatParseError } from '../../src/kconfig/parse_error.ts';
import { parseKconfig } from '../../src/kconfig/parser.ts';
import { kconfig, parseText } from './kconfig_text.ts';

function configEntry(tree: KconfigTree, name: string): ConfigEntry {
  const entry = tree.entries.find(
    (candidate): candidate is ConfigEntry =>
      candidate.kind !== 'menu' && candidate.kind !== 'comment' && candidate.name === name,
  );
  if (entry === undefined) throw new Error(`no config entry ${name}`);
  return entry;
}

function dependencies(entry: {
  readonly enclosingConditions: readonly unknown[];
  readonly dependsOn: readonly unknown[];
}) {
  return {
    enclosing: (entry.enclosingConditions as Parameters<typeof formatExpression>[0][]).map(formatExpression),
    dependsOn: (entry.dependsOn as Parameters<typeof formatExpression>[0][]).map(formatExpression),
  };
}

describe('the v4.10 seed Kconfig', () => {
  const parsed = parseKconfig(V4_10_KCONFIG_FILES, 'drivers/vfio/Kconfig');
  if (!parsed.ok) throw new Error(formatParseError(parsed.error));
  const tree = parsed.tree;

  it('is shipped byte for byte', () => {
    expect(V4_10_VFIO_KCONFIG.startsWith('config VFIO_IOMMU_TYPE1\n\ttristate\n\tdepends on VFIO\n')).toBe(
      true,
    );
    expect(createHash('sha256').update(V4_10_VFIO_KCONFIG).digest('hex')).toBe(
      'db72cad81d1b242210ebef72383ded199b688be09eb9167ed341f076f269c665',
    );
  });

  it('parses, following every source line, with the entries in the seed order', () => {
    expect(tree.files).toEqual([
      'drivers/vfio/Kconfig',
      'drivers/vfio/pci/Kconfig',
      'drivers/vfio/platform/Kconfig',
      'drivers/vfio/mdev/Kconfig',
      'virt/lib/Kconfig',
    ]);
    expect(
      tree.entries.map((entry) => (entry.kind === 'config' || entry.kind === 'menuconfig' ? entry.name : '')),
    ).toEqual([
      'VFIO_IOMMU_TYPE1',
      'VFIO_IOMMU_SPAPR_TCE',
      'VFIO_SPAPR_EEH',
      'VFIO_VIRQFD',
      'VFIO',
      'VFIO_NOIOMMU',
      'VFIO_MDEV',
      'VFIO_MDEV_DEVICE',
      'IRQ_BYPASS_MANAGER',
    ]);
  });

  it('keeps the VFIO help text, starting with the seed sentence', () => {
    const vfio = configEntry(tree, 'VFIO');
    expect(vfio.help?.startsWith('VFIO provides a framework for secure userspace device drivers.')).toBe(
      true,
    );
    expect(vfio.help).toBe(
      [
        'VFIO provides a framework for secure userspace device drivers.',
        'See Documentation/vfio.txt for more details.',
        '',
        "If you don't know what to do here, say N.",
      ].join('\n'),
    );
    const noiommu = configEntry(tree, 'VFIO_NOIOMMU');
    expect(noiommu.help?.split('\n')).toHaveLength(10);
    expect(noiommu.help?.endsWith("DMA translation.\n\nIf you don't know what to do here, say N.")).toBe(
      true,
    );
  });

  it('records the VFIO menuconfig: type, prompt, dependency and conditional selects', () => {
    const vfio = configEntry(tree, 'VFIO');
    expect(vfio.kind).toBe('menuconfig');
    expect(vfio.type).toBe('tristate');
    expect(vfio.location).toEqual({ file: 'drivers/vfio/Kconfig', line: 21 });
    expect(vfio.prompts.map((prompt) => prompt.text)).toEqual([
      'VFIO Non-Privileged userspace driver framework',
    ]);
    expect(dependencies(vfio)).toEqual({ enclosing: [], dependsOn: ['IOMMU_API'] });
    expect(
      vfio.selects.map((select) => [select.symbol, select.condition && formatExpression(select.condition)]),
    ).toEqual([
      ['VFIO_IOMMU_TYPE1', 'X86 || S390 || ARM_SMMU || ARM_SMMU_V3'],
      ['VFIO_IOMMU_SPAPR_TCE', 'PPC_POWERNV || PPC_PSERIES'],
      ['VFIO_SPAPR_EEH', 'PPC_POWERNV || PPC_PSERIES'],
      ['ANON_INODES', undefined],
    ]);
  });

  it('records VFIO_IOMMU_TYPE1 as a prompt-less tristate depending on VFIO with default n', () => {
    const type1 = configEntry(tree, 'VFIO_IOMMU_TYPE1');
    expect(type1.type).toBe('tristate');
    expect(type1.prompts).toEqual([]);
    expect(dependencies(type1)).toEqual({ enclosing: [], dependsOn: ['VFIO'] });
    expect(type1.defaults.map((property) => formatExpression(property.value))).toEqual(['n']);
    expect(configEntry(tree, 'VFIO_IOMMU_SPAPR_TCE').dependsOn.map(formatExpression)).toEqual([
      'VFIO && SPAPR_TCE_IOMMU',
    ]);
  });
});

describe('the v6.1 Kconfig', () => {
  const parsed = parseKconfig(V6_1_KCONFIG_FILES, 'drivers/vfio/Kconfig');
  if (!parsed.ok) throw new Error(formatParseError(parsed.error));
  const tree = parsed.tree;

  it('puts the `if VFIO` condition on entries of the sourced mdev file, and not after endif', () => {
    expect(dependencies(configEntry(tree, 'VFIO_MDEV'))).toEqual({ enclosing: ['VFIO'], dependsOn: [] });
    expect(dependencies(configEntry(tree, 'VFIO_IOMMU_SPAPR_TCE'))).toEqual({
      enclosing: ['VFIO'],
      dependsOn: ['SPAPR_TCE_IOMMU'],
    });
    expect(dependencies(configEntry(tree, 'IRQ_BYPASS_MANAGER'))).toEqual({ enclosing: [], dependsOn: [] });
    expect(
      configEntry(tree, 'VFIO').selects.map(
        (select) => select.condition && formatExpression(select.condition),
      ),
    ).toEqual([undefined, 'MMU && (X86 || S390 || ARM || ARM64)', undefined]);
  });

  it('has no VFIO_MDEV_DEVICE', () => {
    expect(tree.entries.some((entry) => entry.kind === 'config' && entry.name === 'VFIO_MDEV_DEVICE')).toBe(
      false,
    );
  });
});

describe('parsing attributes and blocks', () => {
  it('parses def_bool with a condition, prompts with conditions, imply, ---help--- and comments', () => {
    const tree = parseText(
      kconfig(
        '# a comment line',
        'comment "Shown in the menu"',
        '\tdepends on S390',
        'config S390_IOMMU',
        '\tdef_bool y if S390 && PCI   # trailing comment',
        '\tprompt "Say yes" if EXPERT',
        '\timply OTHER if !S390',
        "\tselect QUOTED if A = 'm'",
        '\t---help---',
        '\t  Old-style help.',
      ),
    );
    const comment = tree.entries[0];
    expect(comment?.kind === 'comment' && comment.text).toBe('Shown in the menu');
    expect(comment?.dependsOn.map(formatExpression)).toEqual(['S390']);
    const entry = configEntry(tree, 'S390_IOMMU');
    expect(entry.type).toBe('bool');
    expect(
      entry.defaults.map((property) => [
        formatExpression(property.value),
        property.condition && formatExpression(property.condition),
      ]),
    ).toEqual([['y', 'S390 && PCI']]);
    expect(
      entry.prompts.map((prompt) => [prompt.text, prompt.condition && formatExpression(prompt.condition)]),
    ).toEqual([['Say yes', 'EXPERT']]);
    expect(
      entry.implies.map((imply) => [imply.symbol, imply.condition && formatExpression(imply.condition)]),
    ).toEqual([['OTHER', '!S390']]);
    expect(
      entry.selects.map((select) => [select.symbol, select.condition && formatExpression(select.condition)]),
    ).toEqual([['QUOTED', 'A = m']]);
    expect(entry.help).toBe('Old-style help.');
  });

  it('adds enclosing if and menu dependencies to every entry inside, outermost first', () => {
    const tree = parseText(
      kconfig(
        'if A',
        'menu "Options"',
        '\tdepends on B',
        'config C',
        '\tbool "c"',
        'endmenu',
        'config D',
        '\tbool',
        'endif',
        'config E',
        '\tbool',
      ),
    );
    expect(dependencies(configEntry(tree, 'C')).enclosing).toEqual(['A', 'B']);
    expect(dependencies(configEntry(tree, 'D')).enclosing).toEqual(['A']);
    expect(dependencies(configEntry(tree, 'E')).enclosing).toEqual([]);
  });

  it('ends a help block at the first line indented less, keeping inner blank lines and relative indentation', () => {
    const tree = parseText(
      kconfig(
        'config A',
        '\ttristate "a"',
        '\thelp',
        '',
        '\t  First line.',
        '\t    Indented more.',
        '',
        '    \t  Tab after spaces counts to column 10.',
        '',
        '\tdefault m',
        'config B',
        '\tbool',
        '\thelp',
        'config C',
        '\tbool',
      ),
    );
    const a = configEntry(tree, 'A');
    expect(a.help).toBe('First line.\n  Indented more.\n\nTab after spaces counts to column 10.');
    expect(a.defaults.map((property) => formatExpression(property.value))).toEqual(['m']);
    expect(configEntry(tree, 'B').help).toBe('');
    expect(configEntry(tree, 'C').type).toBe('bool');
  });

  it('parses expressions with || looser than &&, looser than !, and comparisons of operands', () => {
    const tree = parseText(
      kconfig('config A', '\tbool', '\tdepends on !B && C || D && (E || F) && G != "x y"'),
    );
    const [dependency] = configEntry(tree, 'A').dependsOn;
    expect(dependency?.kind).toBe('or');
    expect(dependency && formatExpression(dependency)).toBe('!B && C || D && (E || F) && G != "x y"');
    const nested = parseText(kconfig('config A', '\tbool', '\tdepends on !(B = y) && !(C || D)'));
    expect(configEntry(nested, 'A').dependsOn.map(formatExpression)).toEqual(['!(B = y) && !(C || D)']);
  });

  it('accepts CRLF line endings', () => {
    const tree = parseText('config A\r\n\ttristate "a"\r\n\tdepends on B\r\n\thelp\r\n\t  Text.\r\n');
    const entry = configEntry(tree, 'A');
    expect([entry.type, entry.prompts[0]?.text, entry.dependsOn.map(formatExpression), entry.help]).toEqual([
      'tristate',
      'a',
      ['B'],
      'Text.',
    ]);
  });
});

describe('parse errors name the file and line', () => {
  const cases: readonly {
    readonly name: string;
    readonly files: Readonly<Record<string, string>>;
    readonly file: string;
    readonly line: number;
    readonly message: RegExp;
  }[] = [
    {
      name: 'an unterminated if (at the if line)',
      files: { Kconfig: kconfig('config A', '\tbool', 'if A', 'config B', '\tbool') },
      file: 'Kconfig',
      line: 3,
      message: /'if' is not closed by 'endif'/,
    },
    {
      name: 'an if left open at the end of a sourced file',
      files: {
        Kconfig: kconfig('if A', 'source "sub/Kconfig"', 'endif'),
        'sub/Kconfig': kconfig('', 'if B'),
      },
      file: 'sub/Kconfig',
      line: 2,
      message: /'if' is not closed/,
    },
    {
      name: 'a sourced file closing its includer’s if',
      files: { Kconfig: kconfig('if A', 'source "sub/Kconfig"', 'endif'), 'sub/Kconfig': kconfig('endif') },
      file: 'sub/Kconfig',
      line: 1,
      message: /'endif' without a matching 'if'/,
    },
    {
      name: 'an unterminated menu',
      files: { Kconfig: kconfig('menu "M"', 'config A', '\tbool') },
      file: 'Kconfig',
      line: 1,
      message: /'menu' is not closed by 'endmenu'/,
    },
    {
      name: 'endmenu closing an if',
      files: { Kconfig: kconfig('if A', 'endmenu') },
      file: 'Kconfig',
      line: 2,
      message: /'endmenu' cannot close the 'if' opened at Kconfig:1/,
    },
    {
      name: 'an unknown keyword',
      files: { Kconfig: kconfig('config A', '\tbool', '\tfrobnicate y') },
      file: 'Kconfig',
      line: 3,
      message: /unknown keyword 'frobnicate'/,
    },
    {
      name: 'a missing source file (at the source line of the includer)',
      files: { 'drivers/vfio/Kconfig': V4_10_VFIO_KCONFIG },
      file: 'drivers/vfio/Kconfig',
      line: 49,
      message: /source file not found: "drivers\/vfio\/pci\/Kconfig"/,
    },
    {
      name: 'a recursive source',
      files: { Kconfig: kconfig('source "sub/Kconfig"'), 'sub/Kconfig': kconfig('', 'source "Kconfig"') },
      file: 'sub/Kconfig',
      line: 2,
      message: /recursive source of "Kconfig"/,
    },
    {
      name: 'a bad token',
      files: { Kconfig: kconfig('config A', '\tbool', '\tdepends on B < C') },
      file: 'Kconfig',
      line: 3,
      message: /unexpected character '<' at column 15/,
    },
    {
      name: 'an unterminated string',
      files: { Kconfig: kconfig('config A', '\tbool "unterminated') },
      file: 'Kconfig',
      line: 2,
      message: /unterminated string/,
    },
    {
      name: 'an attribute before any entry',
      files: { Kconfig: kconfig('', '\tdepends on A') },
      file: 'Kconfig',
      line: 2,
      message: /'depends' outside a config, menu or comment entry/,
    },
    {
      name: 'an attribute after endif',
      files: { Kconfig: kconfig('config A', 'if B', 'endif', '\tdefault y') },
      file: 'Kconfig',
      line: 4,
      message: /'default' outside/,
    },
    {
      name: 'help outside a config entry',
      files: { Kconfig: kconfig('comment "c"', '\thelp', '\t  text') },
      file: 'Kconfig',
      line: 2,
      message: /'help' outside a config entry/,
    },
    {
      name: 'a type attribute on a menu',
      files: { Kconfig: kconfig('menu "M"', '\tbool', 'endmenu') },
      file: 'Kconfig',
      line: 2,
      message: /'bool' is not allowed in a menu/,
    },
    {
      name: 'two types in one entry',
      files: { Kconfig: kconfig('config A', '\tbool', '\ttristate') },
      file: 'Kconfig',
      line: 3,
      message: /type of A is already 'bool', cannot also be 'tristate'/,
    },
    {
      name: 'depends without on',
      files: { Kconfig: kconfig('config A', '\tbool', '\tdepends B') },
      file: 'Kconfig',
      line: 3,
      message: /expected 'on' after 'depends', found 'B'/,
    },
    {
      name: 'a missing closing parenthesis',
      files: { Kconfig: kconfig('config A', '\tbool', '\tdepends on (B || C') },
      file: 'Kconfig',
      line: 3,
      message: /expected '\)', found end of line/,
    },
    {
      name: 'a missing expression',
      files: { Kconfig: kconfig('config A', '\tbool', '\tdefault if B') },
      file: 'Kconfig',
      line: 3,
      message: /expected an expression, found 'if'/,
    },
    {
      name: 'select without a symbol',
      files: { Kconfig: kconfig('config A', '\tbool', '\tselect "B"') },
      file: 'Kconfig',
      line: 3,
      message: /expected a symbol after 'select', found "B"/,
    },
    {
      name: 'extra tokens after an entry name',
      files: { Kconfig: kconfig('config A B') },
      file: 'Kconfig',
      line: 1,
      message: /unexpected 'B'/,
    },
    {
      name: 'a config without a name',
      files: { Kconfig: kconfig('menuconfig "A"') },
      file: 'Kconfig',
      line: 1,
      message: /expected a symbol name after 'menuconfig', found "A"/,
    },
    {
      name: 'source without a quoted path',
      files: { Kconfig: kconfig('source drivers') },
      file: 'Kconfig',
      line: 1,
      message: /expected a quoted string after 'source', found 'drivers'/,
    },
    {
      name: 'a line starting with an operator',
      files: { Kconfig: kconfig('config A', '\tbool', '&& B') },
      file: 'Kconfig',
      line: 3,
      message: /unexpected '&&'/,
    },
  ];

  it.each(cases)('$name', ({ files, file, line, message }) => {
    const root = Object.keys(files)[0] ?? '';
    const parsed = parseKconfig(files, root);
    expect(parsed.ok).toBe(false);
    if (parsed.ok) return;
    expect({ file: parsed.error.file, line: parsed.error.line }).toEqual({ file, line });
    expect(parsed.error.message).toMatch(message);
  });

  it('reports a missing root file at line 0, and formats errors as file:line: message', () => {
    const parsed = parseKconfig({}, 'Kconfig');
    expect(parsed).toEqual({
      ok: false,
      error: { file: 'Kconfig', line: 0, message: 'source file not found: "Kconfig"' },
    });
    expect(formatParseError({ file: 'drivers/vfio/Kconfig', line: 12, message: 'oops' })).toBe(
      'drivers/vfio/Kconfig:12: oops',
    );
  });

  it('does not take object prototype keys for files', () => {
    const parsed = parseKconfig({ Kconfig: kconfig('source "toString"') }, 'Kconfig');
    expect(parsed.ok || parsed.error).toEqual({
      file: 'Kconfig',
      line: 1,
      message: 'source file not found: "toString"',
    });
  });
});
