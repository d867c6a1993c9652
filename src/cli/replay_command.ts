import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { driverSystem, sampleSystem, unknownSample } from '../check/check_system.ts';
import { counterexampleSequence } from '../check/counterexample_sequence.ts';
import { formatCounterexample } from '../check/format_counterexample.ts';
import { replayTrace } from '../check/replay_trace.ts';
import { parseTrace } from '../check/trace_file.ts';
import { loadDriverFile } from '../driver/load_driver_file.ts';
import { findProfile } from '../profile/profiles.ts';
import { UsageError } from './usage_error.ts';

/**
 * Adds `mdevspec replay <trace.json>`: runs a counterexample trace again with exactly its recorded
 * interleaving (no fast-check, no seed) and says whether the same results and violations come back. Exit
 * code 0 when the recording is reproduced, 1 when the run now differs, 2 for an unusable file.
 */
export function registerReplayCommand(
  program: Command,
  out: (s: string) => void,
  setCode: (code: number) => void,
): void {
  program
    .command('replay')
    .description('re-run a counterexample trace written by `mdevspec check`, with exactly its interleaving')
    .argument('<trace.json>', 'trace file')
    .option(
      '--mermaid',
      'print the replayed interleaving as a Mermaid sequence diagram instead of a step list',
    )
    .action(async (file: string, flags: { mermaid?: boolean }) => {
      let text: string;
      try {
        text = await readFile(file, 'utf8');
      } catch (e) {
        throw new UsageError(`cannot read ${file}: ${(e as Error).message}`);
      }
      const trace = parseTrace(text);
      if (typeof trace === 'string') throw new UsageError(`${file}: ${trace}`);
      const profile = findProfile(trace.profile);
      if (!profile) throw new UsageError(`${file}: unknown profile '${trace.profile}'`);
      const unknown = trace.parents && unknownSample(trace.parents);
      if (unknown) throw new UsageError(`${file}: unknown sample parent '${unknown}'`);
      let system = sampleSystem(profile, trace.parents);
      if (trace.driver) {
        const loaded = await loadDriverFile(trace.driver);
        if (typeof loaded === 'string') throw new UsageError(loaded);
        system = driverSystem(loaded.driver, profile);
      }
      const replay = await replayTrace(trace, system);
      if ('diverged' in replay) {
        out(`NOT reproduced: ${replay.diverged}`);
        setCode(1);
        return;
      }
      const replayed = {
        commands: trace.commands,
        decisions: replay.outcome.decisions,
        ops: replay.outcome.ops,
        violations: replay.outcome.violations,
      };
      out(flags.mermaid ? counterexampleSequence(replayed) : formatCounterexample(replayed, system.setup));
      const verdict = replay.reproduced
        ? `Reproduced exactly: ${trace.decisions.length} decisions, the same results and violations.`
        : `NOT reproduced:\n  ${replay.differences.join('\n  ')}`;
      // After a diagram the verdict is a Mermaid comment, so the output stays one diagram.
      out(flags.mermaid ? verdict.replace(/^/gm, '%% ') : `\n${verdict}`);
      setCode(replay.reproduced ? 0 : 1);
    });
}
