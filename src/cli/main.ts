/**
 * @module The `aigate` command line. Every command works on the same data directory as a running
 * station, and what it changes applies to the station's next request.
 */
import { Command, CommanderError } from 'commander';
import { loadConfig } from '../config/config.js';
import { serve } from '../station/serve.js';
import { registerBannedWords } from './commands/banned-words.js';
import { registerChannels } from './commands/channels.js';
import { registerCredits } from './commands/credits.js';
import { registerKeys } from './commands/keys.js';
import { registerMigrate } from './commands/migrate.js';
import { registerUsage } from './commands/usage.js';
import { registerOperators } from './commands/operators.js';
import { CliError, type CliIo } from './context.js';

const defaultIo: CliIo = { env: process.env, write: (text) => process.stdout.write(text) };

export function cliProgram(io: CliIo): Command {
  const program = new Command('aigate')
    .description('aigate: a self-hosted station for AI image generation with a Stability-compatible API')
    .exitOverride()
    .configureOutput({ writeOut: (s) => io.write(s), writeErr: (s) => process.stderr.write(s) });
  program
    .command('serve')
    .description('start the station (PORT, AIGATE_DATA_DIR and the other variables in README.md apply)')
    .action(() => serve(loadConfig(io.env)));
  registerKeys(program, io);
  registerCredits(program, io);
  registerBannedWords(program, io);
  registerChannels(program, io);
  registerUsage(program, io);
  registerOperators(program, io);
  registerMigrate(program, io);
  return program;
}

/** Runs one command. @throws CliError for a user mistake, ConfigError for a bad environment. */
export async function runCli(argv: readonly string[], io: CliIo = defaultIo): Promise<void> {
  try {
    await cliProgram(io).parseAsync([...argv], { from: 'user' });
  } catch (error) {
    if (error instanceof CommanderError) {
      // Help and version exit 0; usage mistakes were already printed by commander.
      process.exitCode = error.exitCode;
      return;
    }
    throw error;
  }
}

export { CliError };
