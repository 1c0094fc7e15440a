/**
 * The dependency rule of docs/architecture.md: `http -> domain <- store`. The domain owns the Store port
 * and imports no adapter, route or renderer internals; the HTTP layer never reaches an adapter. This
 * reads the import statements of every source file, so a forbidden import fails `npm test`.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

// Compiled to dist/test/architecture; the sources are read from the repository's src/.
const root = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const src = join(root, 'src');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return name.endsWith('.ts') ? [path] : [];
  });
}

/**
 * Every relative import of a file, as a path under src/ (`store/sqlite/sqlite-store.ts`). TypeScript's
 * own scanner finds them all: `import ... from`, `export ... from`, side-effect `import '...'`,
 * `import type` and dynamic `import('...')`.
 */
export function importsOf(file: string, text = readFileSync(file, 'utf8')): string[] {
  const specifiers = ts.preProcessFile(text, true, true).importedFiles.map((f) => f.fileName);
  return specifiers
    .filter((s) => s.startsWith('.'))
    .map((s) => relative(src, resolve(dirname(file), s)).replace(/\.js$/, '.ts'));
}

interface Rule {
  /** Files under this folder of src/ ... */
  from: string;
  /** ... may not import files under any of these. */
  forbidden: string[];
  why: string;
}

export const RULES: Rule[] = [
  {
    from: 'domain/',
    forbidden: ['store/', 'http/', 'cli/', 'render/'],
    why: 'the domain owns the Store port; adapters, routes and renderer internals depend on it, not the reverse',
  },
  {
    from: 'http/',
    forbidden: ['store/sqlite/', 'store/postgres/', 'store/open-store.ts', 'store/rows.ts'],
    why: 'routes reach storage only through the domain (the Store port)',
  },
  {
    from: 'http/',
    forbidden: ['web/', 'cli/'],
    why: 'the API knows nothing of the web pages or the command line: server.ts mounts both doors',
  },
  {
    from: 'web/',
    forbidden: ['http/', 'store/', 'cli/', 'render/'],
    why: 'the web pages read through the domain (sessions, visibility, timelines), not through the API layer or storage',
  },
  {
    from: 'cli/',
    forbidden: ['http/', 'web/', 'store/', 'render/'],
    why: 'the command line is a client of the HTTP API (and starts the server through server.ts); it shares only the domain rules',
  },
  {
    from: 'store/sqlite/',
    forbidden: ['store/postgres/', 'http/', 'cli/'],
    why: 'an adapter implements the port and knows nothing of the other adapter or of the doors',
  },
  {
    from: 'store/postgres/',
    forbidden: ['store/sqlite/', 'http/', 'cli/'],
    why: 'an adapter implements the port and knows nothing of the other adapter or of the doors',
  },
  { from: 'render/', forbidden: ['store/', 'http/', 'cli/'], why: 'rendering is pure' },
];

/**
 * The renderer's two entry points are its public face, which the domain calls (architecture.md:
 * "domain ... calls it and render"): the renderer itself, and the template checker that refuses a
 * template at save time when it would not render. Its internals (Handlebars setup, Markdown,
 * sanitising) stay out of the domain.
 */
const ALLOWED: Record<string, string[]> = {
  'domain/': ['render/renderer.ts', 'render/template-check.ts'],
  // The web pages check a frame's URL with the renderer's own URL rule (one rule for links and frames).
  'web/': ['render/safe-urls.ts'],
};

export function violations(files: { path: string; imports: string[] }[]): string[] {
  const found: string[] = [];
  for (const { path, imports } of files) {
    for (const rule of RULES.filter((r) => path.startsWith(r.from))) {
      for (const target of imports) {
        if ((ALLOWED[rule.from] ?? []).includes(target)) continue;
        if (rule.forbidden.some((f) => target.startsWith(f))) {
          found.push(`${path} imports ${target}: ${rule.why}`);
        }
      }
    }
  }
  return found;
}

describe('import rules', () => {
  test('no source file breaks them', () => {
    const files = sourceFiles(src).map((file) => ({ path: relative(src, file), imports: importsOf(file) }));
    assert.ok(files.length > 50, `read only ${files.length} source files from ${src}`);
    assert.deepEqual(violations(files), []);
  });

  test('the check finds a forbidden import (it can fail)', () => {
    const domainFile = join(src, 'domain', 'example.ts');
    const imports = importsOf(domainFile, "import { SqliteStore } from '../store/sqlite/sqlite-store.js';\n");
    assert.deepEqual(imports, ['store/sqlite/sqlite-store.ts']);
    // Side-effect, type-only and dynamic imports count too.
    assert.deepEqual(
      importsOf(
        domainFile,
        "import '../store/rows.js';\nimport type { X } from '../http/app.js';\nconst m = await import('../cli/main.js');",
      ),
      ['store/rows.ts', 'http/app.ts', 'cli/main.ts'],
    );
    assert.equal(violations([{ path: 'domain/example.ts', imports }]).length, 1);
    const routeImports = importsOf(
      join(src, 'http', 'routes', 'x.ts'),
      "import type { Store } from '../../domain/store.js';\nimport { PostgresStore } from '../../store/postgres/postgres-store.js';",
    );
    assert.deepEqual(violations([{ path: 'http/routes/x.ts', imports: routeImports }]), [
      'http/routes/x.ts imports store/postgres/postgres-store.ts: routes reach storage only through the domain (the Store port)',
    ]);
    // The web pages and the command line: the layering the UI used to break (web -> http -> web).
    const webImports = importsOf(
      join(src, 'web', 'x.ts'),
      "import type { AppDeps } from '../http/deps.js';\nimport { isSafeFrameUrl } from '../render/safe-urls.js';",
    );
    assert.deepEqual(
      violations([{ path: 'web/x.ts', imports: webImports }]).map((v) => v.split(':')[0]),
      ['web/x.ts imports http/deps.ts'],
    );
    const cliImports = importsOf(
      join(src, 'cli', 'x.ts'),
      "import { sendError } from '../http/error-handler.js';",
    );
    assert.equal(violations([{ path: 'cli/x.ts', imports: cliImports }]).length, 1);
  });
});
