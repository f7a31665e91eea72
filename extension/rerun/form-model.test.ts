import assert from "node:assert/strict";
import { describe, it } from "node:test";

import type { IArtifact } from "../step/api";
import { RerunFormModel } from "./form-model";
import type { ITableArtifact } from "./table-file";

const artifact = (id: string, typeName: string, summary: IArtifact["summary"] = {}): IArtifact => ({
  id: id.padEnd(64, "0"),
  typeName,
  mediaType: typeName === "json" ? "application/json" : "application/vnd.apache.arrow.stream",
  size: 10,
  summary,
});

const inputs = [
  { name: "lr", artifact: artifact("a1", "json") },
  { name: "layers", artifact: artifact("a2", "json") },
  { name: "data", artifact: artifact("a3", "arrow.table", { numRows: 3 }) },
  { name: "model", artifact: artifact("a4", "my.model") },
];

function model(): RerunFormModel {
  return new RerunFormModel({
    rootId: "r00000001",
    stepName: "train",
    inputs,
    values: new Map<string, unknown>([
      ["lr", 0.1],
      ["layers", [16, 8]],
    ]),
    choices: new Map([
      [
        "data",
        [
          { artifactId: artifact("b1", "arrow.table").id, label: "load b1 · 5 rows" },
          { artifactId: artifact("a3", "arrow.table").id, label: "the old one again" },
        ],
      ],
    ]),
  });
}

describe("the Rerun with New Inputs form's model", () => {
  it("prefills each JSON input with its old value, indented, and keeps the other inputs", () => {
    const form = model();
    assert.deepEqual(
      form.fields.map((f) => [f.name, f.kind]),
      [
        ["lr", "json"],
        ["layers", "json"],
        ["data", "table"],
        ["model", "fixed"],
      ],
    );
    assert.equal(form.field("lr")?.text, "0.1");
    assert.equal(form.field("layers")?.text, "[\n  16,\n  8\n]");
    assert.equal(form.field("data")?.picked, inputs[2]!.artifact.id);
    // The old table is not offered as another one.
    assert.deepEqual(
      form.field("data")?.choices.map((c) => c.label),
      ["load b1 · 5 rows"],
    );
    assert.ok(form.fields.every((f) => f.error === ""));
  });

  it("sends only the inputs that changed (unchanged text, even reformatted, is not sent)", () => {
    const form = model();
    assert.deepEqual(form.request(), { inputs: {}, error: null });
    form.setText("layers", "[16,8]");
    form.setText("lr", " 0.01 ");
    assert.deepEqual(form.request(), { inputs: { lr: { value: 0.01 } }, error: null });
  });

  it("refuses a text that is not JSON under its input, and sends nothing", () => {
    const form = model();
    let emitted = 0;
    form.changed.connect(() => emitted++);
    form.setText("lr", "0.01,");
    form.setText("layers", "[32]");
    const { inputs: sent, error } = form.request();
    assert.deepEqual(sent, {});
    assert.match(error ?? "", /^lr: not JSON \(.*\): write a JSON value like the old one$/);
    assert.match(form.field("lr")?.error ?? "", /^not JSON/);
    assert.equal(form.field("layers")?.error, "");
    assert.ok(emitted >= 3);
    // Editing it again clears the error.
    form.setText("lr", "0.01");
    assert.equal(form.field("lr")?.error, "");
  });

  it("shows the server's refusal next to the parameter it names, else above the button", () => {
    const form = model();
    form.setText("lr", '"fast"');
    form.refuse({
      code: "bad_input",
      parameter: "lr",
      message: "inputs.lr: expected number, got string",
    });
    assert.equal(form.field("lr")?.error, "inputs.lr: expected number, got string");
    assert.equal(form.formError, "");
    form.refuse({ code: "bad_from", parameter: "", message: "r1 is not a run of this root" });
    assert.equal(form.formError, "r1 is not a run of this root");
  });

  it("replaces a table by another table artifact, or by the table read from a file", () => {
    const form = model();
    const other = artifact("b1", "arrow.table").id;
    form.pick("data", other);
    assert.deepEqual(form.request().inputs, { data: { artifactId: other } });
    assert.deepEqual(form.uploads(), []);

    const table = { id: "c".repeat(64), summary: { numRows: 2 } } as unknown as ITableArtifact;
    form.useFile("data", table);
    assert.deepEqual(form.request().inputs, { data: { artifactId: table.id } });
    assert.deepEqual(form.uploads(), [table]);

    form.fileFailed("data", "prices.csv, line 3: 1 cells where the header has 2");
    const { error } = form.request();
    assert.equal(error, "data: prices.csv, line 3: 1 cells where the header has 2");
  });

  it("asks for a JSON input whose old value could not be read", () => {
    const form = new RerunFormModel({ rootId: "r00000001", stepName: "train", inputs });
    assert.equal(form.field("lr")?.error, RerunFormModel.NO_VALUE);
    assert.match(form.request().error ?? "", /^lr: not JSON/);
  });
});
