/**
 * Where a resumed import starts, from its checkpoint: the position, the counts of the earlier runs
 * (so the summary and the exit code cover the whole import), and the length of the rejects file
 * that holds their rejects (the file is cut back to it: the lines after it are of events the
 * resumed run reads again). And the command line that resumes an import, to print when one stops.
 */
import { statSync } from 'node:fs';
import { basename, delimiter, dirname, relative, resolve } from 'node:path';
import { usageError } from '../cli-error.js';
import { shellLine, shellWord } from '../shell-words.js';
import { type ImportCounts, readCheckpoint } from './checkpoint.js';
import { noCounts } from './import-ledger.js';

export interface ResumePoint {
  position: number;
  counts: ImportCounts;
  /** The bytes of the rejects file to keep; undefined: the file is started afresh. */
  keepRejects: number | undefined;
}

export const START: ResumePoint = { position: 0, counts: noCounts(), keepRejects: undefined };

const RERUN = 'run the import again without --resume: stable ids make a full re-run safe';

/** The resume point of the checkpoint at `checkpointPath` (START when there is none yet). */
export function resumePoint(
  checkpointPath: string,
  rejectsPath: string,
  idSource: string,
  log: (line: string) => void,
): ResumePoint {
  const saved = readCheckpoint(checkpointPath);
  if (saved === undefined) {
    log(`no checkpoint at ${checkpointPath}: starting from the beginning`);
    return START;
  }
  if (saved.idSource !== idSource) {
    throw usageError(
      `the checkpoint '${checkpointPath}' was written for id source '${saved.idSource}', this run's is '${idSource}'`,
      `pass --id-source '${saved.idSource}' so the same events get the same ids`,
    );
  }
  if (resolve(rejectsPath) !== saved.rejects.path) {
    throw usageError(
      `the checkpoint '${checkpointPath}' was written with the rejects file '${saved.rejects.path}', this run's is '${rejectsPath}'`,
      `pass --rejects '${saved.rejects.path}' so that every reject of the import is in one file`,
    );
  }
  const file = statSync(rejectsPath, { throwIfNoEntry: false });
  // Only a regular file has a length to check (not a FIFO or /dev/stderr).
  if (
    (file === undefined && saved.rejects.bytes > 0) ||
    (file?.isFile() && file.size < saved.rejects.bytes)
  ) {
    throw usageError(
      `the rejects file '${rejectsPath}' ${file ? `holds ${file.size} bytes` : 'is gone'}, but the interrupted run had written ${saved.rejects.bytes}: it was changed since, and the rejects before the checkpoint would be lost`,
      `put the file back as it was, or ${RERUN} (it writes the rejects file anew)`,
    );
  }
  log(`resuming after position ${saved.position} (line or element) of ${saved.input}`);
  return { position: saved.position, counts: saved.counts, keepRejects: saved.rejects.bytes };
}

/** Flags whose values are credentials: left out of a command printed where it may be kept (a log). */
const CREDENTIAL_FLAGS = ['--access-token', '--developer-api-key'];

/**
 * The command line that goes on with this import: the one that ran, with `--resume`. Values of
 * credential flags are replaced by a placeholder when `maskCredentials` (output that is not a
 * terminal may be kept in a log); `masked` then names those flags.
 */
export function resumeCommand(
  maskCredentials: boolean,
  argv: readonly string[] = process.argv,
  env: NodeJS.ProcessEnv = process.env,
  cwd: string = process.cwd(),
): { command: string; masked: string[] } {
  const args = argv.slice(2);
  const masked: string[] = [];
  if (maskCredentials) {
    for (const [i, arg] of args.entries()) {
      const flag = CREDENTIAL_FLAGS.find((name) => arg === name || arg.startsWith(`${name}=`));
      if (flag === undefined) continue;
      masked.push(flag);
      const placeholder = `<your ${flag.slice(2).replaceAll('-', ' ')}>`;
      if (arg === flag) args[i + 1] = placeholder;
      else args[i] = `${flag}=${placeholder}`;
    }
  }
  if (!args.includes('--resume')) args.push('--resume');
  return { command: `${program(argv[1] ?? 'timeline-server', env, cwd)} ${shellLine(args)}`, masked };
}

/** How this program was started, as a user would type it again. */
function program(script: string, env: NodeJS.ProcessEnv, cwd: string): string {
  const path = relative(cwd, script).startsWith('..') ? script : relative(cwd, script);
  if (basename(script) !== 'timeline-server') return `node ${shellWord(path)}`;
  // Through npx or an npm script, the bin is found in node_modules/.bin, which a shell's PATH lacks.
  if (env.npm_command !== undefined) return 'npx timeline-server';
  const onPath = (env.PATH ?? '')
    .split(delimiter)
    .some((dir) => dir !== '' && resolve(dir) === dirname(script));
  return onPath ? 'timeline-server' : shellWord(path);
}
