/**
 * The artifact view registry ({@link IArtifactViewRegistry}): factories by type name, looked up
 * by exact name, then the longest `prefix.*` pattern, then `*`. The newest registration of a
 * pattern wins and disposing it brings back the previous one, so a package can replace a built-in
 * view for as long as it is loaded.
 *
 * @example
 * ```ts
 * const registry = new ArtifactViewRegistry();
 * registry.add("*", (artifact) => new SummaryView(artifact));
 * const png = registry.add("image.*", (artifact, context) => new ImageView(artifact, context));
 * registry.factoryFor("image.png"); // the image view's factory
 * png.dispose();
 * registry.factoryFor("image.png"); // the summary's
 * ```
 */
import type { IDisposable } from "@lumino/disposable";
import { type ISignal, Signal } from "@lumino/signaling";
import type { Widget } from "@lumino/widgets";

import type { IArtifactViewRegistry } from "../tokens";
import type { IArtifact } from "../step/api";
import type { IArtifactViewContext } from "./context";

export class ArtifactViewRegistry implements IArtifactViewRegistry {
  get changed(): ISignal<this, string> {
    return this._changed;
  }

  add(typeName: string, factory: IArtifactViewRegistry.Factory): IDisposable {
    Private.checkPattern(typeName);
    if (typeof factory !== "function") {
      throw new TypeError(
        `IArtifactViewRegistry.add("${typeName}"): the factory must be a function ` +
          "(artifact, context) => Widget.",
      );
    }
    const entry: Private.IEntry = { factory };
    const stack = this._byPattern.get(typeName) ?? [];
    stack.push(entry);
    this._byPattern.set(typeName, stack);
    this._changed.emit(typeName);
    let disposed = false;
    return {
      get isDisposed() {
        return disposed;
      },
      dispose: () => {
        if (disposed) {
          return;
        }
        disposed = true;
        const current = this._byPattern.get(typeName) ?? [];
        const index = current.indexOf(entry);
        if (index >= 0) {
          current.splice(index, 1);
        }
        if (current.length === 0) {
          this._byPattern.delete(typeName);
        }
        this._changed.emit(typeName);
      },
    };
  }

  factoryFor(typeName: string): IArtifactViewRegistry.Factory | null {
    for (const pattern of Private.patternsOf(typeName)) {
      const newest = this._byPattern.get(pattern)?.at(-1);
      if (newest) {
        return newest.factory;
      }
    }
    return null;
  }

  createView(artifact: IArtifact, context: IArtifactViewContext): Widget {
    const factory = this.factoryFor(artifact.typeName);
    if (factory === null) {
      throw new Error(
        `No view shows artifacts of type "${artifact.typeName}" and no "*" view is registered: ` +
          "is the tsematic-jupyterlab:artifact-views plugin disabled?",
      );
    }
    return factory(artifact, context);
  }

  private readonly _byPattern = new Map<string, Private.IEntry[]>();
  private readonly _changed = new Signal<this, string>(this);
}

namespace Private {
  /** One registration; its own object, so disposing removes exactly it. */
  export interface IEntry {
    readonly factory: IArtifactViewRegistry.Factory;
  }

  /** The patterns that can match `typeName`, most specific first. */
  export function patternsOf(typeName: string): string[] {
    const patterns = [typeName];
    const parts = typeName.split(".");
    for (let end = parts.length - 1; end > 0; end--) {
      patterns.push(`${parts.slice(0, end).join(".")}.*`);
    }
    patterns.push("*");
    return patterns;
  }

  export function checkPattern(pattern: string): void {
    const valid =
      typeof pattern === "string" &&
      pattern !== "" &&
      (pattern === "*" || /^[^*]+(\.\*)?$/.test(pattern)) &&
      !pattern.startsWith(".");
    if (!valid) {
      throw new TypeError(
        `IArtifactViewRegistry.add: "${String(pattern)}" is not a type name: give the name a type ` +
          'was registered with (e.g. "my.model"), a "prefix.*" pattern (e.g. "image.*"), or "*".',
      );
    }
  }
}
