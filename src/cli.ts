import { Command } from 'commander';
import { COMMANDS } from './cli/commands/index.js';

/** `npm run cli -- <command> --help` lists each command's options. */
const program = new Command()
  .name('groundswell')
  .description('Groundswell from the command line: import archives, collect, classify, rescore and export.')
  .showHelpAfterError()
  .exitOverride((err) => process.exit(err.exitCode));

for (const register of COMMANDS) register(program);

program.parseAsync(process.argv).catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
