/**
 * The "Rerun with New Inputs…" form ({@link RerunFormModel} is what it edits): one editor per JSON
 * input prefilled with its old value, a picker per table input (keep it, another table, or a CSV
 * or Arrow file read in the browser), and each input's error beneath it. The inputs are built
 * once: a model change updates errors and pickers in place, so typing never loses the caret.
 *
 * @example
 * ```ts
 * const form = new RerunForm({ model, submit: () => submitRerunForm(client, model) });
 * app.shell.add(new MainAreaWidget({ content: form }), "main");
 * ```
 */
import { Widget } from "@lumino/widgets";

import type { IRerunField, RerunFormModel } from "./form-model";
import { TableFileError, tableArtifactFromFile } from "./table-file";

/** The picker's value for "a table from a file". */
const FROM_FILE = "file";

export class RerunForm extends Widget {
  constructor(options: RerunForm.IOptions) {
    super();
    this.addClass("jp-TsematicRerunForm");
    this.model = options.model;
    this._submit = options.submit;
    this.title.label = `Rerun ${this.model.stepName}`;
    this.title.caption = `Rerun ${this.model.rootId} with new inputs`;
    this.title.closable = true;
    this._build();
    this.model.changed.connect(this._sync, this);
    this._sync();
  }

  readonly model: RerunFormModel;

  override dispose(): void {
    if (this.isDisposed) {
      return;
    }
    this.model.changed.disconnect(this._sync, this);
    super.dispose();
  }

  private _build(): void {
    const { model } = this;
    const heading = element("h2", "", `Rerun ${model.stepName} with new inputs`);
    const intro = element(
      "p",
      "jp-TsematicRerunForm-intro",
      `A new run of ${model.stepName} from run ${model.rootId}'s stored code package. ` +
        "Inputs left as they are keep their old values; the server checks the new ones " +
        "before anything runs.",
    );
    const fields = element("div", "jp-TsematicRerunForm-fields");
    for (const field of model.fields) {
      fields.append(this._fieldNode(field));
    }
    if (model.fields.length === 0) {
      fields.append(element("p", "", "This run took no inputs: the rerun runs it from scratch."));
    }
    this._formError.setAttribute("role", "alert");
    this._button.addEventListener("click", () => void this._onSubmit());
    const actions = element("div", "jp-TsematicRerunForm-actions");
    actions.append(this._button, this._status);
    this.node.append(heading, intro, fields, this._formError, actions);
  }

  private _fieldNode(field: IRerunField): HTMLElement {
    const box = element("div", "jp-TsematicRerunForm-field");
    box.dataset.parameter = field.name;
    const label = element("label", "jp-TsematicRerunForm-label", field.name);
    label.append(element("span", "jp-TsematicRerunForm-type", field.original.typeName));
    box.append(label);
    const id = `tsematic-rerun-${this.model.rootId}-${field.name}`.replace(/[^\w-]/g, "_");
    label.htmlFor = id;
    if (field.kind === "json") {
      const editor = document.createElement("textarea");
      editor.id = id;
      editor.className = "jp-TsematicRerunForm-json";
      editor.spellcheck = false;
      editor.value = field.text;
      editor.rows = Math.min(12, Math.max(2, field.text.split("\n").length));
      editor.addEventListener("input", () => this.model.setText(field.name, editor.value));
      box.append(editor);
    } else if (field.kind === "table") {
      box.append(...this._tablePicker(field, id));
    } else {
      box.append(
        element(
          "div",
          "jp-TsematicRerunForm-fixed",
          "Kept as it is (this type is not edited here).",
        ),
      );
    }
    const error = element("div", "jp-TsematicRerunForm-error");
    error.setAttribute("role", "alert");
    this._errors.set(field.name, error);
    box.append(error);
    return box;
  }

  private _tablePicker(field: IRerunField, id: string): HTMLElement[] {
    const select = document.createElement("select");
    select.id = id;
    select.className = "jp-TsematicRerunForm-table";
    const rows = field.original.summary.numRows;
    const keep = new Option(
      `The old table${typeof rows === "number" ? ` (${rows} rows)` : ""}`,
      field.original.id,
    );
    select.append(keep);
    for (const choice of field.choices) {
      select.append(new Option(choice.label, choice.artifactId));
    }
    select.append(new Option("A CSV or Arrow file…", FROM_FILE));
    const file = document.createElement("input");
    file.type = "file";
    file.accept = ".csv,.arrow,.arrows,.feather,.ipc,text/csv";
    file.className = "jp-TsematicRerunForm-file";
    file.hidden = true;
    select.addEventListener("change", () => {
      file.hidden = select.value !== FROM_FILE;
      if (select.value === FROM_FILE) {
        file.click();
      } else {
        this.model.pick(field.name, select.value);
      }
    });
    file.addEventListener("change", () => {
      const chosen = file.files?.[0];
      if (chosen) {
        void this._readFile(field.name, chosen);
      }
    });
    this._pickers.set(field.name, select);
    return [select, file];
  }

  private async _readFile(name: string, file: File): Promise<void> {
    try {
      const table = await tableArtifactFromFile(
        file.name,
        new Uint8Array(await file.arrayBuffer()),
      );
      this.model.useFile(name, table);
    } catch (error) {
      const message =
        error instanceof TableFileError
          ? error.message
          : `${file.name} could not be read: ${String(error)}`;
      this.model.fileFailed(name, message);
    }
  }

  private _sync(): void {
    for (const field of this.model.fields) {
      const error = this._errors.get(field.name);
      if (error) {
        error.textContent = field.error;
        error.hidden = field.error === "";
      }
      const picker = this._pickers.get(field.name);
      if (picker && picker.value !== field.picked) {
        picker.value = field.picked;
      }
      if (field.file) {
        const option = picker?.querySelector<HTMLOptionElement>(`option[value="${FROM_FILE}"]`);
        if (option) {
          option.textContent = `A file: ${field.file.summary.numRows} rows`;
        }
      }
    }
    this._formError.textContent = this.model.formError;
    this._formError.hidden = this.model.formError === "";
  }

  private async _onSubmit(): Promise<void> {
    this._button.disabled = true;
    this._status.textContent = "Checking the inputs with the lineage server…";
    try {
      await this._submit();
    } finally {
      if (!this.isDisposed) {
        this._button.disabled = false;
        this._status.textContent = "";
      }
    }
  }

  private readonly _submit: () => Promise<unknown>;
  private readonly _errors = new Map<string, HTMLElement>();
  private readonly _pickers = new Map<string, HTMLSelectElement>();
  private readonly _formError = element("div", "jp-TsematicRerunForm-formError");
  private readonly _button = element("button", "jp-Button jp-mod-styled jp-mod-accept", "Rerun");
  private readonly _status = element("span", "jp-TsematicRerunForm-status");
}

export namespace RerunForm {
  export interface IOptions {
    model: RerunFormModel;
    /** Sends the form (the model holds any refusal); the button is disabled meanwhile. */
    submit: () => Promise<unknown>;
  }
}

function element<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  className: string,
  text = "",
): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  if (className) {
    node.className = className;
  }
  if (text) {
    node.textContent = text;
  }
  return node;
}
