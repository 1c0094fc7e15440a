/**
 * Command lines printed for a user to paste into a POSIX shell: a word of only safe characters as
 * it is, any other in single quotes (a quote inside as '\'' ), so spaces, `$`, `*` and quotes in
 * paths or flag values arrive as they were.
 */
const SAFE = /^[A-Za-z0-9_@%+=:,./-]+$/;

export function shellWord(word: string): string {
  if (SAFE.test(word)) return word;
  return `'${word.replaceAll("'", `'\\''`)}'`;
}

export function shellLine(words: readonly string[]): string {
  return words.map(shellWord).join(' ');
}
