/**
 * The README's settings table has one row per option of `timeline-server serve`, in the order
 * `--help` shows them, each with the flag, environment variable and default the command really has.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { it } from 'node:test';
import { Command } from 'commander';
import { registerServe } from '../../src/cli/commands/serve.js';
import { configOptions } from '../../src/config-options.js';

interface Row {
  flag: string;
  env: string;
  default: string;
}

function readmeRows(): Row[] {
  const cells = (line: string) =>
    line.split(' | ').map((cell) => cell.replace(/^\| /, '').replaceAll('`', ''));
  return readFileSync('README.md', 'utf8')
    .split('\n')
    .filter((line) => line.startsWith('| `--'))
    .map((line) => {
      const [flag = '', env = '', fallback = ''] = cells(line);
      return { flag, env, default: fallback };
    });
}

function serveOptions() {
  const program = new Command();
  registerServe(program);
  const serve = program.commands.find((command) => command.name() === 'serve');
  assert.ok(serve);
  return serve.options.filter((option) => option.long !== '--help');
}

it('lists every option of serve with its environment variable, in --help order', () => {
  assert.deepEqual(
    readmeRows().map((row) => `${row.flag} ${row.env}`),
    serveOptions().map((option) => `${option.long} ${option.envVar}`),
    'the README settings table and `timeline-server serve --help` disagree',
  );
});

it('states each fixed default as the server has it', () => {
  const rows = new Map(readmeRows().map((row) => [row.flag, row]));
  for (const option of configOptions) {
    if (option.default === undefined || option.boolean) continue;
    const flag = option.flag.split(' ')[0] ?? '';
    assert.equal(rows.get(flag)?.default, option.default, `the default of ${flag}`);
  }
});
