/**
 * The code blocks of README.md and docs/*.md, and how each is run: a pasted example must not rot, so
 * every fenced block is either run by test/docs/code-blocks.test.ts or says why it is not. The
 * block's info string (after the opening fence) is its language, then words that say how to run it:
 *
 * - `sh` or `bash`: run with bash (`set -euo pipefail`) in order with the document's other shell
 *   blocks, sharing their working folder and exported variables, and leaving no process behind.
 *   `sh server`: starts a server in the foreground; the test runs it in the background, and the blocks
 *   after it run against it until the next `server` block. `sh exit=N`: the block's last command is
 *   meant to exit N.
 * - `js` or `ts`: an ES module run with node (TypeScript compiled first), against the running server.
 * - `python`: run with python3 (skipped, saying why, where there is none), in the same folder.
 * - `js node:test`: run with `node --test`. `js vitest`, `js jest`: each `// <file name>` line starts
 *   a file of a project; the project is run with that runner.
 * - `json`: must parse; `jsonl`: each line must parse.
 * - `<language> no-run: <reason>`: not run, for the reason given (it needs HubSpot, a PostgreSQL
 *   cluster, a browser sign-in, minutes of benchmark...). The reason is required.
 *
 * Any other block (no language, another one, an indented block) fails the test: a new block must
 * choose. No backquote in the words: CommonMark does not take a fence whose info string has one.
 * Blocks run with port 8080 replaced by a free port (in their text, and as the server's and the
 * CLI's defaults: TIMELINE_PORT, HUBSPOT_BASE_URL).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import MarkdownIt from 'markdown-it';

export type BlockRun =
  | { kind: 'shell'; server: boolean; exitCode: number }
  | { kind: 'module'; typescript: boolean }
  | { kind: 'python' }
  | { kind: 'runner'; runner: 'node:test' | 'vitest' | 'jest' }
  | { kind: 'json'; lines: boolean }
  | { kind: 'no-run'; reason: string }
  | { kind: 'invalid'; problem: string };

export interface DocBlock {
  /** The document, relative to the repository (`README.md`, `docs/testing.md`). */
  doc: string;
  /** The line of the opening fence, from 1. */
  line: number;
  info: string;
  source: string;
  run: BlockRun;
}

const CONVENTION =
  'say how it runs (`sh`, `sh server`, `sh exit=N`, `js`, `ts`, `python`, `js node:test`, `js vitest`, `js jest`, `json`, `jsonl`) or why it does not (`<language> no-run: <reason>`): see test/docs/doc-blocks.ts';

/** How a block with this info string is run. */
export function blockRun(info: string): BlockRun {
  const noRun = /(?:^|\s)no-run:(.*)$/.exec(info);
  if (noRun) {
    const reason = noRun[1]?.trim() ?? '';
    return reason ? { kind: 'no-run', reason } : { kind: 'invalid', problem: '`no-run:` without a reason' };
  }
  const [language = '', ...words] = info.trim().split(/\s+/);
  const invalid = (problem: string): BlockRun => ({ kind: 'invalid', problem: `${problem}: ${CONVENTION}` });
  if (language === 'sh' || language === 'bash') {
    let server = false;
    let exitCode = 0;
    for (const word of words) {
      const exit = /^exit=(\d+)$/.exec(word);
      if (word === 'server') server = true;
      else if (exit) exitCode = Number(exit[1]);
      else return invalid(`unknown word \`${word}\` after \`${language}\``);
    }
    return { kind: 'shell', server, exitCode };
  }
  if ((language === 'js' || language === 'ts') && words.length === 0)
    return { kind: 'module', typescript: language === 'ts' };
  if (language === 'js' && words.length === 1) {
    const runner = words[0];
    if (runner === 'node:test' || runner === 'vitest' || runner === 'jest') return { kind: 'runner', runner };
  }
  if (language === 'python' && words.length === 0) return { kind: 'python' };
  if ((language === 'json' || language === 'jsonl') && words.length === 0)
    return { kind: 'json', lines: language === 'jsonl' };
  return invalid(language ? `\`${info.trim()}\` is not a way to run a block` : 'a block without a language');
}

/** The code blocks of one document, in order. */
export function docBlocks(root: string, doc: string): DocBlock[] {
  const tokens = new MarkdownIt().parse(readFileSync(join(root, doc), 'utf8'), {});
  const found: DocBlock[] = [];
  for (const token of tokens) {
    if (token.type !== 'fence' && token.type !== 'code_block') continue;
    const line = (token.map?.[0] ?? 0) + 1;
    const run: BlockRun =
      token.type === 'fence'
        ? blockRun(token.info)
        : {
            kind: 'invalid',
            problem: `an indented code block cannot say how it runs: fence it and ${CONVENTION}`,
          };
    found.push({ doc, line, info: token.info, source: token.content, run });
  }
  return found;
}

/** README.md and every document of docs/, relative to `root`. */
export function documents(root: string): string[] {
  const docs = readdirSync(join(root, 'docs'))
    .filter((name) => name.endsWith('.md'))
    .sort()
    .map((name) => relative(root, join(root, 'docs', name)));
  return ['README.md', ...docs];
}
