/**
 * Parameter names of a step function, read from its source, so input edges carry the names the user
 * wrote (`data`, `lr`) rather than positions. Destructured parameters get positional names.
 */

/** Splits `text` at top-level commas, skipping brackets, strings, template literals and comments. */
function splitTopLevel(text: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '"' || c === "'" || c === "`") {
      const quote = c;
      for (i++; i < text.length && text[i] !== quote; i++) if (text[i] === "\\") i++;
    } else if (c === "/" && text[i + 1] === "*") {
      const end = text.indexOf("*/", i + 2);
      i = end < 0 ? text.length : end + 1;
    } else if (c === "/" && text[i + 1] === "/") {
      const end = text.indexOf("\n", i);
      i = end < 0 ? text.length : end;
    } else if (c === "(" || c === "[" || c === "{") {
      depth++;
    } else if (c === ")" || c === "]" || c === "}") {
      depth--;
    } else if (c === "," && depth === 0) {
      parts.push(text.slice(start, i));
      start = i + 1;
    }
  }
  parts.push(text.slice(start));
  return parts;
}

/** The text between the parentheses of the parameter list, or the bare arrow parameter. */
function parameterList(source: string): string {
  const open = source.indexOf("(");
  const arrow = source.indexOf("=>");
  // `x => ...` has no parentheses before its arrow.
  if (arrow >= 0 && (open < 0 || open > arrow)) {
    return source.slice(0, arrow).replace(/^\s*async\s+/, "");
  }
  if (open < 0) return "";
  let depth = 0;
  for (let i = open; i < source.length; i++) {
    const c = source[i];
    if (c === '"' || c === "'" || c === "`") {
      const quote = c;
      for (i++; i < source.length && source[i] !== quote; i++) if (source[i] === "\\") i++;
    } else if (c === "(") {
      depth++;
    } else if (c === ")" && --depth === 0) {
      return source.slice(open + 1, i);
    }
  }
  return "";
}

/**
 * Names of `fn`'s parameters, in order: `arg<i>` for destructured ones, `...rest` keeps `rest`.
 *
 * @example
 * ```ts
 * parameterNames(function train(data, lr = 0.1) {}); // ["data", "lr"]
 * ```
 */
export function parameterNames(fn: (...args: never[]) => unknown): string[] {
  const list = parameterList(Function.prototype.toString.call(fn));
  if (!list.trim()) return [];
  return splitTopLevel(list).map((raw, i) => {
    const text = raw
      .replace(/\/\*[\s\S]*?\*\//g, "")
      .replace(/\/\/.*$/gm, "")
      .trim();
    const match = /^(?:\.\.\.)?\s*([A-Za-z_$][\w$]*)/.exec(text);
    return match?.[1] ?? `arg${i}`;
  });
}
