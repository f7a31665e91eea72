/**
 * Keeps the result of the newest of overlapping asynchronous renders and finalizes every other
 * one. A plot re-renders when the theme changes; if the theme changes while a render is still
 * drawing, two renders overlap and the older may finish last: without this, its vega view would
 * be kept (or dropped without `finalize()`, leaking its timers and listeners).
 *
 * @example
 * ```ts
 * const slot = new RenderSlot<Result>();
 * async function render() {
 *   const ticket = slot.begin();
 *   const result = await embed(target, spec);
 *   if (!slot.settle(ticket, result)) return; // superseded or disposed: already finalized
 *   // draw-time bookkeeping for the kept result
 * }
 * ```
 */
export class RenderSlot<R extends RenderSlot.IFinalizable> {
  /** The kept result, if any. */
  get current(): R | null {
    return this._current;
  }

  get isDisposed(): boolean {
    return this._isDisposed;
  }

  /** Starts a render; the ticket says, once it is done, whether it is still the newest. */
  begin(): number {
    return ++this._newest;
  }

  /** Whether the render of `ticket` is still the newest and the slot is not disposed. */
  isCurrent(ticket: number): boolean {
    return !this._isDisposed && ticket === this._newest;
  }

  /**
   * Hands over the result of the render of `ticket`: kept (the one kept before is finalized) when
   * that render is the newest, else finalized at once. Returns whether it was kept.
   */
  settle(ticket: number, result: R): boolean {
    if (!this.isCurrent(ticket)) {
      result.finalize();
      return false;
    }
    if (this._current !== result) {
      this._current?.finalize();
    }
    this._current = result;
    return true;
  }

  /** Finalizes the kept result; later results are finalized as they arrive. Safe to call twice. */
  dispose(): void {
    if (this._isDisposed) {
      return;
    }
    this._isDisposed = true;
    this._current?.finalize();
    this._current = null;
  }

  private _newest = 0;
  private _current: R | null = null;
  private _isDisposed = false;
}

export namespace RenderSlot {
  /** A render's result that holds resources until finalized (vega-embed's `Result`). */
  export interface IFinalizable {
    finalize(): void;
  }
}
