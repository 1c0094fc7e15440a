/**
 * The benchmarks' command lines: `parseArgs` with `--help`, and a usage error that names the flag
 * and lists the ones there are (exit 2) instead of Node's stack trace.
 */
import { basename } from 'node:path';
import { type ParseArgsConfig, parseArgs } from 'node:util';

type Options = NonNullable<ParseArgsConfig['options']>;

function usage(script: string, summary: string, options: Options): string {
  const lines = Object.entries(options).map(([name, option]) => {
    const flag = option.type === 'string' ? `--${name} <value>` : `--${name}`;
    const fallback =
      option.default === undefined || option.default === false ? '' : ` (default ${String(option.default)})`;
    return `  ${flag}${fallback}`;
  });
  return [
    `usage: node dist/bench/${script} [options]`,
    summary,
    '',
    'options:',
    ...lines,
    '  --help',
    '',
    'What each figure means: bench/README.md; the published figures and their commands: bench/HISTORY.md',
  ].join('\n');
}

/** `import.meta.url` of the script, a one-line summary, and its options as for `parseArgs`. */
export function benchArgs<const O extends Options>(scriptUrl: string, summary: string, options: O) {
  const script = basename(new URL(scriptUrl).pathname);
  const text = usage(script, summary, options);
  if (process.argv.includes('--help') || process.argv.includes('-h')) {
    console.log(text);
    process.exit(0);
  }
  try {
    return parseArgs({ options }).values;
  } catch (error) {
    console.error(`${script}: ${(error as Error).message}\n\n${text}`);
    process.exit(2);
  }
}
