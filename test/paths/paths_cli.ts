import { Command, CommanderError } from 'commander';
import { registerPathsCommand } from '../../src/cli/paths_command.ts';
import { UsageError } from '../../src/cli/usage_error.ts';

/** Runs `mdevspec <args>` with the paths command registered as main.ts registers commands. */
export async function runPathsCli(
  args: readonly string[],
): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  let code = 0;
  const program = new Command('mdevspec').exitOverride().configureOutput({
    writeOut: (s) => out.push(s),
    writeErr: (s) => err.push(s),
  });
  registerPathsCommand(
    program,
    (s) => out.push(s),
    (s) => err.push(s),
    (c) => {
      code = c;
    },
  );
  try {
    await program.parseAsync(args, { from: 'user' });
  } catch (e) {
    if (e instanceof CommanderError) code = 2;
    else if (e instanceof UsageError) {
      err.push(e.message);
      code = 2;
    } else throw e;
  }
  return { code, out: out.join('\n'), err: err.join('\n') };
}
