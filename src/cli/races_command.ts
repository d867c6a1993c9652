import type { Command } from 'commander';
import { CATALOGUE, NOT_CHECKED } from '../../properties/catalogue/index.ts';
import { type CatalogueSide, checkCatalogueEntry } from '../check/check_catalogue.ts';
import { UsageError } from './usage_error.ts';

/** A side of a catalogue check, as one table cell. */
function cell(s: CatalogueSide, expectShown: boolean): string {
  const e = s.exploration;
  const what = s.shown
    ? `shown after ${e.interleavings} interleaving(s)`
    : e.exhausted
      ? `absent: all ${e.interleavings} interleavings, ${e.states} states`
      : `not shown in ${e.interleavings} interleavings (bound reached)`;
  const mark = s.shown === expectShown && (s.shown || e.exhausted) ? 'ok' : 'UNEXPECTED';
  return `${mark}  ${s.profile}: ${what} (${Math.round(s.ms)} ms)`;
}

/**
 * Adds `mdevspec races [ID...]`: the historical race catalogue of kernel-semantics.md §5 (and the model's own
 * K findings), each entry's small program explored exhaustively on the kernel with the bug (it must show)
 * and on the kernel with the fix switched on (it must not, for every interleaving). Exit code 0 when every
 * entry behaves so, 1 otherwise, 2 for an unknown id.
 */
export function registerRacesCommand(
  program: Command,
  out: (s: string) => void,
  setCode: (code: number) => void,
): void {
  program
    .command('races')
    .description('check the historical race catalogue: each race found where it existed, gone where fixed')
    .argument('[id...]', `entries to check (default all: ${CATALOGUE.map((e) => e.id).join(', ')})`)
    .option('--bound <n>', 'most interleavings explored per program and kernel', '2000')
    .action(async (ids: string[], flags: { bound: string }) => {
      const bound = Number(flags.bound);
      if (!Number.isInteger(bound) || bound <= 0)
        throw new UsageError(`--bound must be a positive integer (got '${flags.bound}')`);
      const unknown = ids.find((id) => !CATALOGUE.some((e) => e.id === id));
      if (unknown) {
        const why = NOT_CHECKED[unknown];
        throw new UsageError(
          why
            ? `${unknown} is not checked: ${why}`
            : `unknown catalogue entry '${unknown}' (known: ${CATALOGUE.map((e) => e.id).join(', ')})`,
        );
      }
      let failed = 0;
      for (const entry of CATALOGUE.filter((e) => ids.length === 0 || ids.includes(e.id))) {
        const r = await checkCatalogueEntry(entry, bound);
        if (!r.ok) failed++;
        out(`${entry.id}  ${entry.title}`);
        out(`    source  ${entry.source}`);
        out(`    buggy   ${cell(r.buggy, true)}`);
        out(`    fixed   ${r.fixed ? cell(r.fixed, false) : 'not fixed upstream'}`);
      }
      if (ids.length === 0) {
        out('\nNot checked:');
        for (const [id, why] of Object.entries(NOT_CHECKED)) out(`  ${id}  ${why}`);
      }
      out(failed ? `\nFAIL: ${failed} entr${failed === 1 ? 'y' : 'ies'} not as expected` : '\nPASS');
      setCode(failed ? 1 : 0);
    });
}
