/**
 * @module The process entry: `aigate <command>`. Configuration errors are printed in full and the
 * process exits 1 before anything starts.
 */
import { ConfigError } from './config/config.js';
import { runCli } from './cli/main.js';

runCli(process.argv.slice(2)).catch((error: unknown) => {
  if (error instanceof ConfigError) process.stderr.write(`${error.message}\n`);
  else process.stderr.write(`aigate: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
