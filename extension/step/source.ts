/**
 * The step panel's "Source": the TypeScript the step was written as when it is known (a notebook
 * cell's text, labelled with the cell), with tslab's compiled JavaScript (what ran, and what the
 * cache key hashes) one click away; the compiled text alone where nothing else is known (scripts,
 * workers).
 *
 * @example
 * ```ts
 * sourceShown({ sourceText: "function f(a) {...}", sourceTypeScript: "function f(a: number) {...}", sourceCell: 7 }, false);
 * // { label: "TypeScript, cell [7]", text: "function f(a: number) {...}", toggle: "Show compiled JavaScript" }
 * const view = new SourceView();
 * view.sync(run); // view.node: the label, the toggle and the text
 * ```
 */

/** The source fields of `RunDetail` in the OpenAPI file. */
export interface IRunSource {
  readonly sourceText: string;
  readonly sourceTypeScript?: string;
  readonly sourceCell?: number;
}

/** What the panel shows: a label (null: none), the text, and the toggle's caption (null: none). */
export interface ISourceShown {
  readonly label: string | null;
  readonly text: string;
  readonly toggle: string | null;
}

/** The source to show, the TypeScript unless `compiled` asks for the compiled JavaScript. */
export function sourceShown(run: IRunSource, compiled: boolean): ISourceShown {
  const typed = run.sourceTypeScript;
  if (typed === undefined || typed === "") {
    return { label: null, text: run.sourceText, toggle: null };
  }
  if (compiled) {
    return {
      label: "Compiled JavaScript (what ran)",
      text: run.sourceText,
      toggle: "Show TypeScript",
    };
  }
  const cell = run.sourceCell !== undefined ? `, cell [${run.sourceCell}]` : "";
  return { label: `TypeScript${cell}`, text: typed, toggle: "Show compiled JavaScript" };
}

/** The source block of the step panel; the choice of text survives refreshes of the run. */
export class SourceView {
  constructor() {
    this.node = document.createElement("div");
    this._bar = document.createElement("div");
    this._bar.className = "jp-TsematicStep-sourceBar";
    this._label = document.createElement("span");
    this._label.className = "jp-TsematicStep-sourceLabel";
    this._toggle = document.createElement("button");
    this._toggle.className = "jp-Button jp-mod-styled jp-TsematicStep-sourceToggle";
    this._toggle.addEventListener("click", () => {
      this._compiled = !this._compiled;
      this._render();
    });
    this._bar.append(this._label, this._toggle);
    this._text = document.createElement("pre");
    this._text.className = "jp-TsematicStep-source";
    this.node.append(this._bar, this._text);
  }

  readonly node: HTMLDivElement;

  /** Shows the run's source (unchanged text is not rewritten, so a selection stays). */
  sync(run: IRunSource): void {
    this._run = run;
    this._render();
  }

  private _render(): void {
    if (!this._run) {
      return;
    }
    const shown = sourceShown(this._run, this._compiled);
    this._bar.hidden = shown.label === null && shown.toggle === null;
    this._label.textContent = shown.label ?? "";
    this._toggle.textContent = shown.toggle ?? "";
    this._toggle.hidden = shown.toggle === null;
    if (this._text.textContent !== shown.text) {
      this._text.textContent = shown.text;
    }
  }

  private readonly _bar: HTMLDivElement;
  private readonly _label: HTMLSpanElement;
  private readonly _toggle: HTMLButtonElement;
  private readonly _text: HTMLPreElement;
  private _run: IRunSource | null = null;
  private _compiled = false;
}
