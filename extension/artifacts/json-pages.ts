/**
 * How much of a JSON branch the tree view shows at first: long lists collapse to their first few
 * items and a count, so an array of 100 rows does not push a step's outputs and logs far down.
 */

/** Children shown per branch (and per "more" click) otherwise. */
export const JSON_PAGE = 200;

/** Lists (arrays, sets, maps, typed arrays) longer than this start collapsed to their first items. */
export const LONG_LIST = 10;
/** The items a long list shows before its "N more items" line. */
export const LIST_HEAD = 5;

/**
 * How many children a branch shows when first opened: a long list (an array of 100 rows) shows
 * its first few items and a count of the rest, so it does not push the outputs and logs below it
 * far down; an object shows its keys (up to a page).
 *
 * @example
 * ```ts
 * firstPage("Array(100)", 100); // 5
 * firstPage("{12}", 12); // 12
 * ```
 */
export function firstPage(label: string, count: number): number {
  const list = /^\w*(Array|Set|Map)\(\d+\)$/.test(label);
  return list && count > LONG_LIST ? LIST_HEAD : Math.min(count, JSON_PAGE);
}
