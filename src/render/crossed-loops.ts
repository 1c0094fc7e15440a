/**
 * The one template shape whose work grows faster than the event's size, recognised when the
 * template is saved: `#each` blocks nested inside one another over lists that are not part of the
 * enclosing item. `{{#each rows}}{{#each ../columns}}` runs |rows| x |columns| times; a third such
 * list multiplies again (250 numbers crossed three times are 15.6 million iterations, from 901
 * bytes of `extraData`). A loop over a part of the current item (`{{#each orders}}{{#each lines}}`)
 * walks the event's own data, whose size bounds it, and may nest as deep as the data does.
 *
 * A list is *crossed* when an `#each` inside another one names it through `../` or an `@` data
 * path (`@root.extraData.list`), or inside a `#with` that did so (the context is then no longer
 * the current item). The count is per chain of nested blocks; the render's own bounds
 * (render-budget.ts) still stop whatever this lets through.
 */
import { Limits } from '../limits.js';

interface Scope {
  /** Lists multiplied so far on this chain (0 outside any `#each`). */
  crossed: number;
  /** The context is no longer (a part of) the innermost `#each` item. */
  detached: boolean;
}

export interface CrossedLoop {
  node: hbs.AST.BlockStatement;
  message: string;
}

function helperName(block: hbs.AST.BlockStatement): string | undefined {
  return block.path.type === 'PathExpression' ? (block.path as hbs.AST.PathExpression).original : undefined;
}

/** `../list` or `@root.list`: a path that reaches outside the current context. */
function reachesOut(expression: hbs.AST.Expression | undefined): boolean {
  if (expression?.type !== 'PathExpression') return false;
  const path = expression as hbs.AST.PathExpression;
  return path.depth > 0 || path.data;
}

function visit(program: hbs.AST.Program | undefined, scope: Scope): CrossedLoop | undefined {
  for (const statement of program?.body ?? []) {
    if (statement.type !== 'BlockStatement') continue;
    const block = statement as hbs.AST.BlockStatement;
    const name = helperName(block);
    const list = block.params[0];
    let inner = scope;
    if (name === 'each') {
      const crossing = scope.crossed === 0 || scope.detached || reachesOut(list);
      const crossed = crossing ? scope.crossed + 1 : scope.crossed;
      if (crossed > Limits.MAX_CROSSED_LOOPS) {
        const label = list?.type === 'PathExpression' ? (list as hbs.AST.PathExpression).original : 'this';
        return {
          node: block,
          message:
            `"#each ${label}" would run once for every item of the ${Limits.MAX_CROSSED_LOOPS} lists around it ` +
            `(a list that is not part of the enclosing item multiplies the loops): at most ` +
            `${Limits.MAX_CROSSED_LOOPS} such lists may be nested`,
        };
      }
      inner = { crossed, detached: false };
    } else if (name === 'with' && scope.crossed > 0 && reachesOut(list)) {
      inner = { crossed: scope.crossed, detached: true };
    }
    const found = visit(block.program, inner) ?? visit(block.inverse, scope);
    if (found !== undefined) return found;
  }
  return undefined;
}

/** The first `#each` that crosses more lists than Limits.MAX_CROSSED_LOOPS, if any. */
export function crossedLoop(program: hbs.AST.Program): CrossedLoop | undefined {
  return visit(program, { crossed: 0, detached: false });
}
