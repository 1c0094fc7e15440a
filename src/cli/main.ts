#!/usr/bin/env node
/**
 * The `timeline-server` command: `serve` starts the server (every setting a flag and an environment
 * variable too); `seed`, `events` and `templates` are clients of a running server (or of HubSpot).
 */
import { Command } from 'commander';
import { packageVersion } from '../package-version.js';
import { CliError, EXIT_USAGE } from './cli-error.js';
import { registerEvents } from './commands/events.js';
import { registerSeed } from './commands/seed.js';
import { registerServe } from './commands/serve.js';
import { registerTemplates } from './commands/templates.js';

const program = new Command('timeline-server')
  .description("A self-hostable server that speaks HubSpot's timeline APIs (v3, app events, OAuth)")
  .version(packageVersion(), '-V, --version', 'print the version and exit')
  .showHelpAfterError('(run the command with --help to see every option)')
  .addHelpText(
    'after',
    '\nExit codes: 0 success; 1 a runtime failure (a server, file or network problem); 2 a usage error (a flag, value or setting that cannot work); 130 a stop forced by a second Ctrl-C or SIGTERM.',
  );
// Commander's own usage errors (unknown flag, bad value, missing argument) exit 2, help exits 0.
program.exitOverride((error) => {
  const hint = usageHint(error.code, process.argv.slice(2));
  if (hint) console.error(hint);
  process.exit(error.exitCode === 0 ? 0 : EXIT_USAGE);
});

/**
 * The two slips of a first start that commander's message does not explain: the server's settings
 * given without `serve` before them, and a port given as a bare argument.
 */
function usageHint(code: string, args: string[]): string | undefined {
  const [first, second] = args;
  const serveFlags = program.commands.find((command) => command.name() === 'serve')?.options ?? [];
  const flag = first?.split('=')[0];
  if (
    code === 'commander.unknownOption' &&
    serveFlags.some((option) => option.long === flag || option.short === flag)
  ) {
    return `(settings of the server follow its command: timeline-server serve ${args.join(' ')})`;
  }
  if (code === 'commander.excessArguments' && first === 'serve' && second && /^\d+$/.test(second)) {
    return `(a port is given as a flag: timeline-server serve --port ${second})`;
  }
  return undefined;
}

registerServe(program);
registerEvents(program);
registerTemplates(program);
registerSeed(program);

program.parseAsync(process.argv).catch((error: unknown) => {
  if (error instanceof CliError) {
    console.error(`timeline-server: ${error.describe()}`);
    process.exit(error.exitCode);
  }
  console.error(`timeline-server: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
