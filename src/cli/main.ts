import { Command, CommanderError, Option } from 'commander';
import { ARCH_PRESET_NAMES } from '../kconfig/index.ts';
import type { VfioBuild } from '../kernel/build_config.ts';
import { kconfigBuild, parseAssignments } from '../kernel/kconfig_build.ts';
import { findProfile, PROFILES, type Profile } from '../profile/profiles.ts';
import { registerCheckCommand } from './check_command.ts';
import { registerDiagramCommand } from './diagram_command.ts';
import { registerPathsCommand } from './paths_command.ts';
import { registerRacesCommand } from './races_command.ts';
import { registerReplayCommand } from './replay_command.ts';
import { runCommand } from './run_command.ts';
import { UsageError } from './usage_error.ts';

/** Parses `--profile`. */
function profileOption(name: string): Profile {
  const p = findProfile(name);
  if (!p) throw new UsageError(`unknown profile '${name}' (known: ${Object.keys(PROFILES).join(', ')})`);
  return p;
}

/** Parses `--arch`/`--config` into a build (none: Debian's x86-64 configuration). */
function buildOption(
  profile: Profile,
  arch: string | undefined,
  config: string[] | undefined,
): VfioBuild | undefined {
  if (!arch) {
    if (config?.length) throw new UsageError('--config needs --arch');
    return undefined;
  }
  const assignments = parseAssignments(config ?? []);
  if (typeof assignments === 'string') throw new UsageError(assignments);
  const build = kconfigBuild(profile.kernel, { arch, assignments });
  if (typeof build === 'string') throw new UsageError(build);
  return build;
}

/**
 * The `mdevspec` command line. Returns the exit code: 0 success, 1 a finding (difference, violation,
 * model failure), 2 a usage error (with a message on stderr).
 */
export async function main(
  argv: readonly string[],
  out: (s: string) => void = (s) => process.stdout.write(`${s}\n`),
  err: (s: string) => void = (s) => process.stderr.write(`${s}\n`),
): Promise<number> {
  let code = 0;
  const program = new Command('mdevspec')
    .description('An executable specification of the Linux VFIO mediated device (mdev) framework')
    .exitOverride()
    .configureOutput({ writeOut: (s) => out(s.trimEnd()), writeErr: (s) => err(s.trimEnd()) })
    .showHelpAfterError('(run `mdevspec --help` for usage)');

  program
    .command('run')
    .description('run a scenario (oracle step language) against the model; print one JSON line per step')
    .argument('<file.steps>', 'scenario file')
    .addOption(
      new Option('--profile <name>', 'kernel profile').choices(Object.keys(PROFILES)).default('v6.1'),
    )
    .option(
      '--compare <recording.jsonl>',
      'compare with a recording of the same scenario instead of printing it',
    )
    .option(
      '--arch <preset>',
      `build the kernel from the VFIO Kconfig for an arch (${ARCH_PRESET_NAMES.join(', ')})`,
    )
    .option('--config <SYMBOL=y|m|n...>', 'Kconfig overrides (with --arch), e.g. VFIO_NOIOMMU=y')
    .action(
      async (file: string, o: { profile: string; compare?: string; arch?: string; config?: string[] }) => {
        const profile = profileOption(o.profile);
        const build = buildOption(profile, o.arch, o.config);
        code = await runCommand(
          file,
          { profile, ...(build ? { build } : {}), ...(o.compare ? { compare: o.compare } : {}) },
          out,
        );
      },
    );

  registerCheckCommand(program, out, err, (c) => {
    code = c;
  });
  registerReplayCommand(program, out, (c) => {
    code = c;
  });
  registerRacesCommand(program, out, (c) => {
    code = c;
  });
  registerDiagramCommand(program, out, err);
  registerPathsCommand(program, out, err, (c) => {
    code = c;
  });

  try {
    await program.parseAsync(argv, { from: 'user' });
    return code;
  } catch (e) {
    if (e instanceof CommanderError) return e.exitCode === 0 ? 0 : 2;
    if (e instanceof UsageError) {
      err(`mdevspec: ${e.message}`);
      return 2;
    }
    throw e;
  }
}
