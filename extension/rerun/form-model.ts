/**
 * The model of the "Rerun with New Inputs…" form, built from a root run's input artifacts: a JSON
 * input is edited as text prefilled with its old value; a table input keeps its artifact, or takes
 * another table artifact (a recent output of the step that made it) or a table from a file; any
 * other input is kept as it is. What would be sent is {@link RerunFormModel.request}: the inputs
 * that changed, or the first mistake the form can see itself (text that is not JSON, a file still
 * unread). Whether a value has the old value's shape is the server's to say (`dryRun`): its
 * refusal is shown next to the parameter it names ({@link RerunFormModel.refuse}).
 *
 * @example
 * ```ts
 * const model = new RerunFormModel({ rootId, stepName: "train", inputs, values });
 * model.setText("lr", "0.01");
 * const { inputs, error } = model.request(); // { lr: { value: 0.01 } }, null
 * model.refuse({ code: "bad_input", parameter: "lr", message: "inputs.lr: expected number, got string" });
 * model.field("lr")?.error; // the server's message, shown under the lr editor
 * ```
 */
import { type ISignal, Signal } from "@lumino/signaling";

import type { IArtifact } from "../step/api";
import type { IRerunRefusal, RerunInput } from "./api";
import { TABLE_TYPE, type ITableArtifact } from "./table-file";

/** Type names edited as JSON text (kernel-lib's json type, tagged JSON included). */
const JSON_TYPES = new Set(["json"]);

/** A table artifact the user may pick instead of the old one. */
export interface ITableChoice {
  readonly artifactId: string;
  /** What the picker shows: the run that made it, its size. */
  readonly label: string;
}

/** One of the root's arguments in the form. */
export interface IRerunField {
  readonly name: string;
  /** `json`: edited as text; `table`: replaced by another table; `fixed`: kept as it is. */
  readonly kind: "json" | "table" | "fixed";
  /** The artifact the original root took. */
  readonly original: IArtifact;
  /** JSON inputs: the editor's text (prefilled with the old value, indented). */
  readonly text: string;
  /** Table inputs: the other tables offered. */
  readonly choices: readonly ITableChoice[];
  /**
   * Table inputs: the artifact id picked (the original's when unchanged), or `file` for
   * {@link IRerunField.file}.
   */
  readonly picked: string;
  /** Table inputs: the table read from the file the user chose, once read. */
  readonly file: ITableArtifact | null;
  /** What is wrong with this input (the form's own check or the server's), empty when nothing. */
  readonly error: string;
}

export class RerunFormModel {
  constructor(options: RerunFormModel.IOptions) {
    this.rootId = options.rootId;
    this.stepName = options.stepName;
    this._fields = options.inputs.map((port) => {
      const typeName = port.artifact.typeName;
      const kind = JSON_TYPES.has(typeName) ? "json" : typeName === TABLE_TYPE ? "table" : "fixed";
      const value = options.values?.get(port.name);
      return {
        name: port.name,
        kind,
        original: port.artifact,
        text: kind === "json" && value !== undefined ? JSON.stringify(value, null, 2) : "",
        choices: (options.choices?.get(port.name) ?? []).filter(
          (choice) => choice.artifactId !== port.artifact.id,
        ),
        picked: port.artifact.id,
        file: null,
        error: kind === "json" && value === undefined ? RerunFormModel.NO_VALUE : "",
      };
    });
    this._values = new Map(options.values ?? []);
  }

  /** Shown for a JSON input whose old value could not be read: its text must be written. */
  static readonly NO_VALUE = "the old value could not be read: write the new one";

  /** The root run to rerun. */
  readonly rootId: string;
  /** The root's step (the pipeline's) name, for the title. */
  readonly stepName: string;

  get fields(): readonly IRerunField[] {
    return this._fields;
  }

  /** A refusal that names no input of the form (shown above the button); empty when none. */
  get formError(): string {
    return this._formError;
  }

  /** Emitted after any field or the form's error changed. */
  get changed(): ISignal<this, void> {
    return this._changed;
  }

  field(name: string): IRerunField | undefined {
    return this._fields.find((field) => field.name === name);
  }

  /** The editor's text of a JSON input changed: an earlier error of it no longer applies. */
  setText(name: string, text: string): void {
    this._update(name, { text, error: "" });
  }

  /** Picks the table artifact `artifactId` (the original's: keep it) for a table input. */
  pick(name: string, artifactId: string): void {
    this._update(name, { picked: artifactId, error: "" });
  }

  /** The table read from a file the user chose for a table input; it is picked. */
  useFile(name: string, table: ITableArtifact): void {
    this._update(name, { file: table, picked: "file", error: "" });
  }

  /** The file chosen for a table input could not be read: why, under the input. */
  fileFailed(name: string, message: string): void {
    this._update(name, { file: null, picked: "file", error: message });
  }

  /**
   * What the form would send: the inputs that differ from the old ones. `error` (then `inputs` is
   * empty) names the first mistake the form sees itself, which is also shown under its input.
   */
  request(): { inputs: Record<string, RerunInput>; error: string | null } {
    const inputs: Record<string, RerunInput> = {};
    let first: string | null = null;
    for (const field of this._fields) {
      const problem = this._check(field, inputs);
      if (problem && first === null) {
        first = `${field.name}: ${problem}`;
      }
      if (problem) {
        this._update(field.name, { error: problem }, false);
      }
    }
    this._formError = "";
    this._changed.emit();
    return first === null ? { inputs, error: null } : { inputs: {}, error: first };
  }

  /** Tables read from files that the request names: they are uploaded before it is sent. */
  uploads(): ITableArtifact[] {
    return this._fields.flatMap((field) =>
      field.kind === "table" && field.picked === "file" && field.file ? [field.file] : [],
    );
  }

  /** Shows the server's refusal next to the input it names, else above the button. */
  refuse(refusal: IRerunRefusal): void {
    const field = refusal.parameter ? this.field(refusal.parameter) : undefined;
    if (field) {
      this._formError = "";
      this._update(field.name, { error: refusal.message });
    } else {
      this._formError = refusal.message;
      this._changed.emit();
    }
  }

  private _check(field: IRerunField, inputs: Record<string, RerunInput>): string {
    if (field.kind === "json") {
      let value: unknown;
      try {
        value = JSON.parse(field.text);
      } catch (error) {
        return `not JSON (${error instanceof Error ? error.message : String(error)}): write a JSON value like the old one`;
      }
      const old = this._values.get(field.name);
      if (old === undefined || JSON.stringify(old) !== JSON.stringify(value)) {
        inputs[field.name] = { value };
      }
      return "";
    }
    if (field.kind === "table") {
      if (field.picked === "file") {
        if (!field.file) {
          return field.error || "the file is still being read: wait for it";
        }
        inputs[field.name] = { artifactId: field.file.id };
      } else if (field.picked !== field.original.id) {
        inputs[field.name] = { artifactId: field.picked };
      }
    }
    return "";
  }

  private _update(name: string, change: Partial<IRerunField>, emit = true): void {
    const index = this._fields.findIndex((field) => field.name === name);
    if (index < 0) {
      return;
    }
    this._fields = this._fields.map((field, i) => (i === index ? { ...field, ...change } : field));
    if (emit) {
      this._changed.emit();
    }
  }

  private _fields: IRerunField[];
  private readonly _values: Map<string, unknown>;
  private _formError = "";
  private readonly _changed = new Signal<this, void>(this);
}

export namespace RerunFormModel {
  export interface IOptions {
    rootId: string;
    stepName: string;
    /** The root's input ports, in its parameters' order. */
    inputs: ReadonlyArray<{ readonly name: string; readonly artifact: IArtifact }>;
    /** The old values of JSON inputs, by parameter name (absent: could not be read). */
    values?: ReadonlyMap<string, unknown>;
    /** Other tables offered for each table input, by parameter name. */
    choices?: ReadonlyMap<string, readonly ITableChoice[]>;
  }
}
