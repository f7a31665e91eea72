/**
 * The small artifact views: markdown (JupyterLab's own sanitizing markdown renderer), images (the
 * bytes fetched with the token, shown through a blob URL), binary (size and a hex dump of the first
 * bytes), errors (message, stack and causes) and, for types this version does not know, the
 * artifact's summary.
 */
import { MimeModel } from "@jupyterlab/rendermime";
import { Widget } from "@lumino/widgets";

import type { IArtifact } from "../step/api";
import { errorText, fetchBytes, type IArtifactViewContext } from "./context";
import { hexDump } from "./format";

/** Bytes of a binary artifact dumped as hex. */
const HEX_BYTES = 256;
/** Binary artifacts up to this size are fetched for the dump; larger ones show the summary's head. */
const HEX_FETCH_LIMIT = 1 << 20;

abstract class LoadingView extends Widget {
  constructor(
    protected readonly artifact: IArtifact,
    protected readonly context: IArtifactViewContext,
    className: string,
  ) {
    super();
    this.addClass(className);
    void this._start();
  }

  override dispose(): void {
    if (this.isDisposed) {
      return;
    }
    this.abort.abort();
    super.dispose();
  }

  protected abstract load(): Promise<void>;

  protected readonly abort = new AbortController();

  private async _start(): Promise<void> {
    // A microtask later: subclasses' fields are initialized by then.
    await Promise.resolve();
    try {
      await this.load();
      if (!this.isDisposed) {
        this.node.dataset.rendered = "true";
      }
    } catch (reason) {
      if (!this.isDisposed) {
        const error = document.createElement("div");
        error.className = "jp-TsematicArtifact-error";
        error.textContent = `The ${this.artifact.typeName} value could not be shown: ${errorText(reason)}`;
        this.node.replaceChildren(error);
      }
    }
  }
}

export class MarkdownView extends LoadingView {
  constructor(artifact: IArtifact, context: IArtifactViewContext) {
    super(artifact, context, "jp-TsematicMarkdown");
  }

  protected async load(): Promise<void> {
    const text = new TextDecoder().decode(
      await fetchBytes(this.context, this.artifact.id, this.abort.signal),
    );
    const rendermime = this.context.rendermime;
    if (!rendermime) {
      const pre = document.createElement("pre");
      pre.textContent = text;
      this.node.replaceChildren(pre);
      return;
    }
    // Untrusted: the renderer sanitizes the HTML the markdown produces.
    const model = new MimeModel({ data: { "text/markdown": text }, trusted: false });
    const renderer = rendermime.createRenderer("text/markdown");
    await renderer.renderModel(model);
    if (this.isDisposed) {
      renderer.dispose();
      return;
    }
    this._renderer = renderer;
    this.node.replaceChildren(renderer.node);
  }

  override dispose(): void {
    this._renderer?.dispose();
    super.dispose();
  }

  private _renderer: Widget | null = null;
}

export class ImageView extends LoadingView {
  constructor(artifact: IArtifact, context: IArtifactViewContext) {
    super(artifact, context, "jp-TsematicImage");
  }

  protected async load(): Promise<void> {
    const bytes = await fetchBytes(this.context, this.artifact.id, this.abort.signal);
    if (this.isDisposed) {
      return;
    }
    const type = String(this.artifact.summary.mimeType ?? this.artifact.mediaType);
    this._url = URL.createObjectURL(new Blob([bytes as BlobPart], { type }));
    const img = document.createElement("img");
    img.src = this._url;
    img.alt = `${this.artifact.typeName} artifact ${this.artifact.id.slice(0, 12)}`;
    this.node.replaceChildren(img);
  }

  override dispose(): void {
    if (this._url) {
      URL.revokeObjectURL(this._url);
    }
    super.dispose();
  }

  private _url = "";
}

export class BinaryView extends LoadingView {
  constructor(artifact: IArtifact, context: IArtifactViewContext) {
    super(artifact, context, "jp-TsematicBinary");
  }

  protected async load(): Promise<void> {
    const size = this.artifact.size;
    const line = document.createElement("div");
    line.textContent = `${size.toLocaleString()} bytes`;
    const pre = document.createElement("pre");
    pre.className = "jp-TsematicBinary-hex";
    this.node.replaceChildren(line, pre);
    if (size <= HEX_FETCH_LIMIT) {
      const bytes = await fetchBytes(this.context, this.artifact.id, this.abort.signal);
      pre.textContent =
        hexDump(bytes.subarray(0, HEX_BYTES)) + (bytes.length > HEX_BYTES ? "\n…" : "");
    } else {
      const head = String(this.artifact.summary.head ?? "");
      const bytes = new Uint8Array((head.match(/../g) ?? []).map((pair) => parseInt(pair, 16)));
      pre.textContent = hexDump(bytes) + "\n…";
    }
  }
}

/** An error artifact, from its summary: name and message, stack, causes. */
export class ErrorView extends Widget {
  constructor(artifact: IArtifact) {
    super();
    this.addClass("jp-TsematicErrorView");
    const s = artifact.summary;
    this.node.appendChild(
      errorBlock(
        String(s.name ?? "Error"),
        String(s.message ?? ""),
        typeof s.stack === "string" ? s.stack : null,
      ),
    );
    const causes = Array.isArray(s.causes) ? (s.causes as Array<Record<string, unknown>>) : [];
    for (const cause of causes) {
      const line = document.createElement("div");
      line.className = "jp-TsematicErrorView-cause";
      line.textContent = `caused by ${String(cause.name ?? "")}: ${String(cause.message ?? cause.text ?? "")}`;
      this.node.appendChild(line);
    }
  }
}

/** A message with its stack, as the step panel also shows a failed run's error. */
export function errorBlock(name: string, message: string, stack: string | null): HTMLElement {
  const node = document.createElement("div");
  node.className = "jp-TsematicArtifact-error";
  const title = document.createElement("div");
  title.className = "jp-TsematicArtifact-errorMessage";
  title.textContent = `${name}: ${message}`;
  node.appendChild(title);
  if (stack) {
    const pre = document.createElement("pre");
    pre.className = "jp-TsematicArtifact-stack";
    pre.textContent = stack;
    node.appendChild(pre);
  }
  return node;
}

/** A type this version has no view for: its summary as JSON. */
export class SummaryView extends Widget {
  constructor(artifact: IArtifact) {
    super();
    this.addClass("jp-TsematicSummary");
    const pre = document.createElement("pre");
    pre.textContent = JSON.stringify(artifact.summary, null, 2);
    this.node.appendChild(pre);
  }
}
