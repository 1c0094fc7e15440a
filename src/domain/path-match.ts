/**
 * How the admin API matches a request path (faults, journal filters): a pattern with `*`, `?`, `[`
 * or `{` is a glob (picomatch; `**` crosses `/`), anything else a plain prefix.
 */
import picomatch from 'picomatch';

const GLOB = /[*?[{]/;

export function pathMatcher(pattern: string): (path: string) => boolean {
  if (!GLOB.test(pattern)) return (path) => path.startsWith(pattern);
  const isMatch = picomatch(pattern, { dot: true });
  return (path) => isMatch(path);
}
