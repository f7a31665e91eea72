// A plugin of another package, as a user would write one (plain JavaScript, so it builds without a
// compiler): it requires tsematic-jupyterlab's artifact view registry and adds the view of the
// "test.point" type that the ui-test's pipeline registers with kernel-lib's registerType().
// tsematic-jupyterlab is shared, not bundled (package.json: sharedPackages), so the token is the
// very object the Tsematic extension provides.
import { Widget } from "@lumino/widgets";
import { IArtifactViewRegistry } from "tsematic-jupyterlab";

class PointView extends Widget {
  constructor(artifact, context) {
    super();
    this.addClass("jp-TsematicTestPoint");
    const { x, y } = artifact.summary;
    this.node.textContent = `Point summary (${x}, ${y})`;
    // The bytes the type's serialize() wrote, fetched with the configured server and token.
    void context.api.artifactValue(artifact.id).then(async (response) => {
      const value = JSON.parse(await response.text());
      if (this.isDisposed) return;
      const line = document.createElement("div");
      line.className = "jp-TsematicTestPoint-value";
      line.textContent = `Point value (${value.x}, ${value.y}), length ${Math.hypot(value.x, value.y)}`;
      this.node.appendChild(line);
      this.node.dataset.rendered = "true";
    });
  }
}

export default {
  id: "tsematic-ui-test-user-type-view:plugin",
  description: "Test-only: the view of the test.point artifact type.",
  autoStart: true,
  requires: [IArtifactViewRegistry],
  activate: (_app, views) => {
    views.add("test.point", (artifact, context) => new PointView(artifact, context));
  },
};
