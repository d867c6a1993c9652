import { describe, expect, it } from 'vitest';
import type { KconfigWarning } from '../../src/kconfig/warnings.ts';
import { evaluateText, kconfig, valuesOf } from './kconfig_text.ts';

const kinds = (warnings: readonly KconfigWarning[]) => warnings.map((warning) => warning.kind);

describe('tristate arithmetic', () => {
  const text = kconfig(
    'config A',
    '\ttristate "a"',
    'config B',
    '\ttristate "b"',
    'config AND',
    '\tdef_tristate A && B',
    'config OR',
    '\tdef_tristate A || B',
    'config NOT',
    '\tdef_tristate !A',
    'config EQUAL_M',
    '\tdef_bool A = m',
    'config UNEQUAL_Y',
    '\tdef_bool A != "y"',
    'config UNDEFINED_IS_N',
    '\tdef_bool !NOT_DEFINED_ANYWHERE && NOT_DEFINED_ANYWHERE = n',
    'config QUOTED_STRING',
    '\tdef_tristate "text"',
  );

  it.each([
    [
      { A: 'm', B: 'y' },
      { AND: 'm', OR: 'y', NOT: 'm', EQUAL_M: 'y', UNEQUAL_Y: 'y' },
    ],
    [
      { A: 'y', B: 'n' },
      { AND: 'n', OR: 'y', NOT: 'n', EQUAL_M: 'n', UNEQUAL_Y: 'n' },
    ],
    [
      { A: 'n', B: 'm' },
      { AND: 'n', OR: 'm', NOT: 'y', EQUAL_M: 'n', UNEQUAL_Y: 'y' },
    ],
  ] as const)(
    'with %o gives %o (&& = min, || = max, !x = 2 - x, comparisons y/n)',
    (assignments, expected) => {
      const result = evaluateText(text, assignments);
      expect(valuesOf(result, 'AND', 'OR', 'NOT', 'EQUAL_M', 'UNEQUAL_Y')).toEqual(expected);
      expect(valuesOf(result, 'UNDEFINED_IS_N', 'QUOTED_STRING')).toEqual({
        UNDEFINED_IS_N: 'y',
        QUOTED_STRING: 'n',
      });
      expect(result.warnings).toEqual([]);
    },
  );
});

describe('user assignments, visibility and defaults', () => {
  const text = kconfig(
    'config PARENT',
    '\ttristate "parent"',
    'config CHILD',
    '\ttristate "child"',
    '\tdepends on PARENT',
    'config HIDDEN',
    '\ttristate',
    '\tdefault PARENT',
    'config GATED',
    '\ttristate "gated" if PARENT = y',
    '\tdefault m',
    'config PICK',
    '\ttristate',
    '\tdefault m if SWITCH',
    '\tdefault y',
    'config BOUNDED_DEFAULT',
    '\ttristate',
    '\tdefault y if PARENT',
    'config SWITCH',
    '\tbool "switch"',
    'if PARENT',
    'config INSIDE_IF',
    '\ttristate "inside"',
    'endif',
  );

  it('bounds a user value from above by depends on and enclosing ifs (y under an m parent is m)', () => {
    const result = evaluateText(text, { PARENT: 'm', CHILD: 'y', INSIDE_IF: 'y' });
    expect(valuesOf(result, 'CHILD', 'INSIDE_IF')).toEqual({ CHILD: 'm', INSIDE_IF: 'm' });
    expect(
      valuesOf(evaluateText(text, { PARENT: 'n', CHILD: 'y', INSIDE_IF: 'm' }), 'CHILD', 'INSIDE_IF'),
    ).toEqual({
      CHILD: 'n',
      INSIDE_IF: 'n',
    });
    expect(valuesOf(evaluateText(text, { PARENT: 'y', CHILD: 'y' }), 'CHILD')).toEqual({ CHILD: 'y' });
  });

  it('ignores assignments to symbols without a visible prompt and uses their default', () => {
    expect(valuesOf(evaluateText(text, { PARENT: 'm', HIDDEN: 'y' }), 'HIDDEN')).toEqual({ HIDDEN: 'm' });
    expect(valuesOf(evaluateText(text, { PARENT: 'n', HIDDEN: 'y' }), 'HIDDEN')).toEqual({ HIDDEN: 'n' });
    expect(valuesOf(evaluateText(text, { PARENT: 'm', GATED: 'n' }), 'GATED')).toEqual({ GATED: 'm' });
    expect(valuesOf(evaluateText(text, { PARENT: 'y', GATED: 'n' }), 'GATED')).toEqual({ GATED: 'n' });
  });

  it('takes the first default whose condition is not n, bounded by that condition', () => {
    expect(valuesOf(evaluateText(text, { SWITCH: 'y' }), 'PICK')).toEqual({ PICK: 'm' });
    expect(valuesOf(evaluateText(text, { SWITCH: 'n' }), 'PICK')).toEqual({ PICK: 'y' });
    expect(valuesOf(evaluateText(text, { PARENT: 'm' }), 'BOUNDED_DEFAULT')).toEqual({
      BOUNDED_DEFAULT: 'm',
    });
  });

  it('warns about and ignores assignments to unknown symbols and m for a bool', () => {
    const result = evaluateText(text, { NO_SUCH_SYMBOL: 'y', SWITCH: 'm' });
    expect(result.warnings).toEqual([
      expect.objectContaining({ kind: 'unknown-symbol-assignment', symbol: 'NO_SUCH_SYMBOL' }),
      expect.objectContaining({ kind: 'invalid-assignment', symbol: 'SWITCH', value: 'm' }),
    ]);
    expect(result.symbols.has('NO_SUCH_SYMBOL')).toBe(false);
    expect(valuesOf(result, 'SWITCH', 'PICK')).toEqual({ SWITCH: 'n', PICK: 'y' });
  });
});

describe('select (reverse dependencies)', () => {
  const text = kconfig(
    'config USER',
    '\ttristate "user"',
    '\tselect TARGET',
    '\tselect CONDITIONAL if GATE',
    '\tselect FLAG',
    '\tselect CONSTRAINED',
    'config GATE',
    '\tbool "gate"',
    'config TARGET',
    '\ttristate',
    'config CONDITIONAL',
    '\ttristate',
    'config FLAG',
    '\tbool',
    'config CONSTRAINED',
    '\ttristate "constrained"',
    '\tdepends on NEEDED',
    'config NEEDED',
    '\tbool "needed"',
  );

  it('raises a selected symbol to the selector value, only while the select condition holds', () => {
    const result = evaluateText(text, { USER: 'm', GATE: 'y', NEEDED: 'y' });
    expect(valuesOf(result, 'TARGET', 'CONDITIONAL', 'CONSTRAINED')).toEqual({
      TARGET: 'm',
      CONDITIONAL: 'm',
      CONSTRAINED: 'm',
    });
    expect(valuesOf(evaluateText(text, { USER: 'm', GATE: 'n' }), 'CONDITIONAL')).toEqual({
      CONDITIONAL: 'n',
    });
    expect(result.warnings).toEqual([]);
  });

  it('makes a bool selected by an m symbol y', () => {
    expect(valuesOf(evaluateText(text, { USER: 'm', NEEDED: 'y' }), 'FLAG')).toEqual({ FLAG: 'y' });
    expect(valuesOf(evaluateText(text, { USER: 'n' }), 'FLAG')).toEqual({ FLAG: 'n' });
    const unmet = evaluateText(
      kconfig(
        'config MOD',
        '\ttristate "mod"',
        '\tselect GUARDED',
        'config GUARDED',
        '\tbool',
        '\tdepends on OFF',
      ),
      { MOD: 'm' },
    );
    expect(valuesOf(unmet, 'GUARDED')).toEqual({ GUARDED: 'y' });
    expect(unmet.warnings).toEqual([
      expect.objectContaining({ symbol: 'GUARDED', dependsOn: 'n', selectedAs: 'y', selectedBy: ['MOD'] }),
    ]);
  });

  it('wins over the user value from below', () => {
    expect(valuesOf(evaluateText(text, { USER: 'y', NEEDED: 'y', CONSTRAINED: 'n' }), 'CONSTRAINED')).toEqual(
      {
        CONSTRAINED: 'y',
      },
    );
  });

  it('wins over unmet dependencies, with a warning naming both symbols', () => {
    const result = evaluateText(text, { USER: 'y', NEEDED: 'n' });
    expect(valuesOf(result, 'CONSTRAINED')).toEqual({ CONSTRAINED: 'y' });
    expect(result.warnings).toEqual([
      {
        kind: 'unmet-direct-dependencies',
        symbol: 'CONSTRAINED',
        dependsOn: 'n',
        selectedAs: 'y',
        selectedBy: ['USER'],
        message:
          'WARNING: unmet direct dependencies detected for CONSTRAINED: depends on [n] NEEDED, selected by [y] USER',
      },
    ]);
  });

  it('does not warn when a bool whose dependency is m is selected as y (the dependency counts as y)', () => {
    const bools = kconfig(
      'config MODULE',
      '\ttristate "module"',
      'config FEATURE',
      '\tbool',
      '\tdepends on MODULE',
      'config BUILTIN',
      '\tbool "builtin"',
      '\tselect FEATURE',
    );
    const result = evaluateText(bools, { MODULE: 'm', BUILTIN: 'y' });
    expect(valuesOf(result, 'FEATURE')).toEqual({ FEATURE: 'y' });
    expect(result.warnings).toEqual([]);
    expect(kinds(evaluateText(bools, { MODULE: 'n', BUILTIN: 'y' }).warnings)).toEqual([
      'unmet-direct-dependencies',
    ]);
  });

  it("guards a select with the selector's own dependencies, so a force-selected symbol selects nothing", () => {
    const forced = kconfig(
      'config ROOT',
      '\tbool "root"',
      '\tselect MIDDLE',
      'config MIDDLE',
      '\tbool',
      '\tdepends on MISSING_DEPENDENCY',
      '\tselect LEAF',
      'config LEAF',
      '\tbool',
    );
    const result = evaluateText(forced, { ROOT: 'y' });
    expect(valuesOf(result, 'MIDDLE', 'LEAF')).toEqual({ MIDDLE: 'y', LEAF: 'n' });
    expect(
      result.warnings.map((warning) => warning.kind === 'unmet-direct-dependencies' && warning.symbol),
    ).toEqual(['MIDDLE']);
  });

  it('settles chains of selects written in any order', () => {
    const chain = kconfig(
      'config D',
      '\ttristate',
      'config C',
      '\ttristate',
      '\tselect D',
      'config B',
      '\ttristate',
      '\tselect C',
      'config A',
      '\ttristate "a"',
      '\tselect B',
    );
    expect(valuesOf(evaluateText(chain, { A: 'm' }), 'A', 'B', 'C', 'D')).toEqual({
      A: 'm',
      B: 'm',
      C: 'm',
      D: 'm',
    });
    expect(valuesOf(evaluateText(chain, { A: 'y' }), 'D')).toEqual({ D: 'y' });
  });
});

describe('bools depending on m symbols (scripts/kconfig/symbol.c behaviour)', () => {
  const text = kconfig(
    'config PARENT',
    '\ttristate "parent"',
    'config OPTION',
    '\tbool "option"',
    '\tdepends on PARENT',
  );

  it('lets a visible bool whose dependency is m be set to y', () => {
    expect(valuesOf(evaluateText(text, { PARENT: 'm', OPTION: 'y' }), 'OPTION')).toEqual({ OPTION: 'y' });
    expect(valuesOf(evaluateText(text, { PARENT: 'n', OPTION: 'y' }), 'OPTION')).toEqual({ OPTION: 'n' });
  });
});

describe('MODULES', () => {
  const body = [
    'config DRIVER',
    '\ttristate "driver"',
    'config SAMPLE',
    '\ttristate "sample"',
    '\tdepends on DRIVER && m',
    'config HIDDEN_M',
    '\ttristate',
    '\tdefault m',
  ];
  const withModules = kconfig('config MODULES', '\tbool "modules"', '\tdefault y', ...body);

  it('is assumed enabled when the tree does not define it', () => {
    const result = evaluateText(kconfig(...body), { DRIVER: 'm', SAMPLE: 'm' });
    expect(valuesOf(result, 'DRIVER', 'SAMPLE', 'HIDDEN_M')).toEqual({
      DRIVER: 'm',
      SAMPLE: 'm',
      HIDDEN_M: 'm',
    });
  });

  it('keeps m values while MODULES=y', () => {
    const result = evaluateText(withModules, { DRIVER: 'm', SAMPLE: 'm' });
    expect(valuesOf(result, 'MODULES', 'DRIVER', 'SAMPLE')).toEqual({
      MODULES: 'y',
      DRIVER: 'm',
      SAMPLE: 'm',
    });
  });

  it('turns every m into y when MODULES=n, and makes `&& m` dependencies n', () => {
    const result = evaluateText(withModules, { MODULES: 'n', DRIVER: 'm', SAMPLE: 'm' });
    expect(valuesOf(result, 'MODULES', 'DRIVER', 'SAMPLE', 'HIDDEN_M')).toEqual({
      MODULES: 'n',
      DRIVER: 'y',
      SAMPLE: 'n',
      HIDDEN_M: 'y',
    });
  });
});

describe('imply (weak reverse dependencies)', () => {
  const text = kconfig(
    'config SOURCE',
    '\ttristate "source"',
    '\timply WEAK',
    'config WEAK',
    '\ttristate "weak"',
    '\tdepends on LIMIT',
    'config LIMIT',
    '\ttristate "limit"',
  );

  it('raises the default up to the direct dependency, and yields to a user value', () => {
    expect(valuesOf(evaluateText(text, { SOURCE: 'y', LIMIT: 'y' }), 'WEAK')).toEqual({ WEAK: 'y' });
    expect(valuesOf(evaluateText(text, { SOURCE: 'y', LIMIT: 'm' }), 'WEAK')).toEqual({ WEAK: 'm' });
    expect(valuesOf(evaluateText(text, { SOURCE: 'y', LIMIT: 'n' }), 'WEAK')).toEqual({ WEAK: 'n' });
    const userSaysNo = evaluateText(text, { SOURCE: 'y', LIMIT: 'y', WEAK: 'n' });
    expect(valuesOf(userSaysNo, 'WEAK')).toEqual({ WEAK: 'n' });
    expect(userSaysNo.warnings).toEqual([]);
  });
});

describe('symbol definitions', () => {
  it('ORs the dependencies of several definitions and keeps the first type, warning about a redefinition', () => {
    const text = kconfig(
      'config MULTI',
      '\tbool',
      '\tdepends on FIRST',
      'config MULTI',
      '\ttristate',
      '\tdepends on SECOND',
      'config FIRST',
      '\tbool "first"',
      'config SECOND',
      '\tbool "second"',
      'config SELECTOR',
      '\tbool "selector"',
      '\tselect MULTI',
    );
    const metBySecond = evaluateText(text, { SECOND: 'y', SELECTOR: 'y' });
    expect(valuesOf(metBySecond, 'MULTI')).toEqual({ MULTI: 'y' });
    expect(kinds(metBySecond.warnings)).toEqual(['type-redefinition']);
    expect(metBySecond.warnings[0]?.message).toBe(
      "Kconfig:4: ignoring type redefinition of 'MULTI' from 'bool' to 'tristate'",
    );
    const unmet = evaluateText(text, { SELECTOR: 'y' });
    expect(unmet.warnings.at(-1)?.message).toBe(
      'WARNING: unmet direct dependencies detected for MULTI: depends on [n] FIRST || SECOND, selected by [y] SELECTOR',
    );
  });

  it('warns about untyped symbols (which stay n) and selects of undefined symbols', () => {
    const result = evaluateText(
      kconfig(
        'config UNTYPED',
        '\tdefault y',
        'config SELECTOR',
        '\tdef_bool y',
        '\tselect MISSING',
        '\timply ALSO_MISSING',
      ),
    );
    expect(valuesOf(result, 'UNTYPED', 'SELECTOR')).toEqual({ UNTYPED: 'n', SELECTOR: 'y' });
    expect(result.warnings.map((warning) => warning.message)).toEqual([
      'Kconfig:5: SELECTOR selects undefined symbol MISSING',
      'Kconfig:6: SELECTOR implies undefined symbol ALSO_MISSING',
      "Kconfig:1: config symbol 'UNTYPED' is defined without a type",
    ]);
  });

  it('reports values that never settle', () => {
    const result = evaluateText(kconfig('config LOOP', '\tbool "loop"', '\tdepends on !LOOP'), { LOOP: 'y' });
    expect(result.warnings).toEqual([expect.objectContaining({ kind: 'no-fixed-point', symbols: ['LOOP'] })]);
  });
});
