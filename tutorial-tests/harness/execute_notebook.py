"""Execute one notebook headlessly with the tslab kernel and report what failed.

Run with /usr/bin/python3 (only it sees Debian's nbclient):

    /usr/bin/python3 tutorial-tests/harness/execute_notebook.py tutorials/01-first-pipeline.ipynb

Why this exists rather than `jupyter nbconvert --execute`:
- tslab reports a cell's error only as stderr text (nbclient 0.7.2's exception message is then empty), so
  this prints each failing cell's index, source and stderr itself;
- unhandled rejections and uncaught exceptions do not fail a tslab cell and are easily lost, so a first
  cell records them and a last cell fails if any were recorded (both marked `tsematic_harness` in the
  saved notebook);
- every cell gets a timeout, and the kernel is shut down whatever happens.

The executed notebook (with outputs and the harness cells) is saved for inspection, by default under
tutorials/.executed/. With --json, a machine-readable report is the only thing written to stdout; the
human-readable report goes to stderr. Exit status: 0 passed, 1 a cell failed, 2 could not run at all.
"""

import argparse
import json
import logging
import os
import signal
import sys
import tempfile
import time
import traceback

HARNESS_KEY = "tsematic.notebookHarness"

# Top-level names starting with `__` break tslab cells, and cells share one global scope: the recorder
# lives on globalThis under a registered symbol, and the cell declares nothing at top level.
GUARD_SOURCE = """\
// Injected by the notebook harness: records errors that would not fail a cell.
((g: { [key: symbol]: unknown }) => {
  const key = Symbol.for("%(key)s");
  if (g[key]) return;
  const recorded: { at: number; text: string }[] = [];
  g[key] = recorded;
  const describe = (e: unknown) => (e instanceof Error && e.stack ? e.stack : String(e));
  process.on("unhandledRejection", (reason) =>
    recorded.push({ at: Date.now(), text: "unhandled rejection: " + describe(reason) }),
  );
  process.on("uncaughtException", (error) =>
    recorded.push({ at: Date.now(), text: "uncaught exception: " + describe(error) }),
  );
})(globalThis as unknown as { [key: symbol]: unknown });
""" % {"key": HARNESS_KEY}

# A short pause first, so a rejection left by the last user cell is noticed (Node reports unhandled
# rejections after the microtask queue drains). The recorded errors are also printed as one marked
# JSON line, so the executor can attribute each to the cell that was running when it happened.
CHECK_SOURCE = """\
// Injected by the notebook harness: fails if any unhandled rejection or uncaught exception was recorded.
await new Promise((resolve) => setTimeout(resolve, %(settle_ms)d));
((recorded: { at: number; text: string }[]) => {
  if (recorded.length > 0) {
    console.log("%(marker)s" + JSON.stringify(recorded));
    throw new Error(
      `${recorded.length} unhandled error(s) while the notebook ran:\\n` +
        recorded.map((r) => r.text).join("\\n"),
    );
  }
})((globalThis as unknown as { [key: symbol]: [] })[Symbol.for("%(key)s")] ?? []);
"""
RECORDED_MARKER = "tsematic-harness-recorded "


class Terminated(Exception):
    """Raised by the SIGTERM handler, so the kernel is shut down and the report still written."""


def repo_root():
    return os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def stream_text(cell, name):
    return "".join(
        o.get("text", "")
        for o in cell.get("outputs", [])
        if o.get("output_type") == "stream" and o.get("name") == name
    )


def error_text(cell):
    parts = []
    for o in cell.get("outputs", []):
        if o.get("output_type") == "error":
            tb = "\n".join(o.get("traceback", []))
            parts.append(tb or "%s: %s" % (o.get("ename", ""), o.get("evalue", "")))
    return "\n".join(parts)


def kernel_busy_ms(cell):
    """When the kernel started the cell, by the kernel's clock (nbclient's record_timing)."""
    from datetime import datetime, timezone

    stamp = cell.metadata.get("execution", {}).get("iopub.status.busy")
    if not stamp:
        return float("inf")
    parsed = datetime.strptime(stamp.rstrip("Z"), "%Y-%m-%dT%H:%M:%S.%f")
    return parsed.replace(tzinfo=timezone.utc).timestamp() * 1000


def attribute_recorded_errors(check_cell, timings, report):
    """Adds a failure for each recorded unhandled error, on the user cell it most likely came from.

    Both clocks are the kernel's: Date.now() in the recorder, and the busy status the kernel publishes
    when it takes a cell. Node notices an unhandled rejection after the task that made it, which may be
    after the cell's reply but always before the kernel takes the next request: so an error belongs to
    the last cell the kernel took strictly before it. Errors from async work a cell left running land
    on whichever cell was running when they surfaced.
    """
    recorded = []
    for line in stream_text(check_cell, "stdout").splitlines():
        if line.startswith(RECORDED_MARKER):
            recorded = json.loads(line[len(RECORDED_MARKER):])
    for item in recorded:
        owner = None
        for busy, entry in timings:
            if busy < item["at"]:
                owner = entry
        kind = "uncaught-exception" if item["text"].startswith("uncaught") else "unhandled-rejection"
        failure = {
            "index": owner["index"] if owner else None,
            "harness": None if owner else "guard",
            "status": kind,
            "durationMs": 0,
            "source": owner["source"] if owner else "",
            "stderr": item["text"],
            "error": "",
        }
        report["ok"] = False
        # Before the check cell's own failure, which only summarizes them.
        report["failures"].insert(max(len(report["failures"]) - 1, 0), failure)


def harness_cell(nbformat, source, role):
    cell = nbformat.v4.new_code_cell(source)
    cell.metadata["tsematic_harness"] = role
    return cell


def execute(args):
    import nbformat
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError, CellTimeoutError, DeadKernelError

    notebook_path = os.path.abspath(args.notebook)
    nb = nbformat.read(notebook_path, as_version=4)
    user_cells = list(nb.cells)
    nb.cells = (
        [harness_cell(nbformat, GUARD_SOURCE, "guard")]
        + user_cells
        + [harness_cell(nbformat, CHECK_SOURCE % {
            "settle_ms": args.settle_ms, "key": HARNESS_KEY, "marker": RECORDED_MARKER}, "check")]
    )

    client = NotebookClient(
        nb,
        kernel_name=args.kernel,
        timeout=args.timeout,
        startup_timeout=args.startup_timeout,
        shutdown_kernel="immediate",
        record_timing=True,
        # The kernel's working directory is the notebook's: tslab's rootDir, and `require` resolves from it.
        resources={"metadata": {"path": os.path.dirname(notebook_path)}},
    )

    report = {
        "notebook": notebook_path,
        "executed": None,
        "ok": True,
        "durationMs": 0,
        "kernelStartupMs": None,
        "cells": [],
        "failures": [],
    }
    started = time.monotonic()

    timings = []  # (kernel's busy time in epoch ms, report entry) of each executed user cell

    def record(position, cell, status, t0, message=""):
        role = cell.metadata.get("tsematic_harness")
        entry = {
            # Index among all cells of the notebook as the user wrote it (harness cells have none).
            "index": None if role else position - 1,
            "harness": role,
            "status": status,
            "durationMs": round((time.monotonic() - t0) * 1000) if t0 else 0,
            "source": cell.source,
            "stderr": stream_text(cell, "stderr"),
            "error": error_text(cell) or message,
        }
        report["cells"].append(entry)
        if status not in ("ok", "skipped"):
            report["ok"] = False
            report["failures"].append(entry)
        return entry

    try:
        with client.setup_kernel():
            report["kernelStartupMs"] = round((time.monotonic() - started) * 1000)
            info = client.wait_for_reply(client.kc.kernel_info())
            if info and "language_info" in info["content"]:
                nb.metadata["language_info"] = info["content"]["language_info"]
            failed = False
            for position, cell in enumerate(nb.cells):
                if cell.cell_type != "code":
                    continue
                role = cell.metadata.get("tsematic_harness")
                # After a failure only the check cell runs: later cells would fail for the same reason,
                # but errors recorded so far are still worth reporting.
                if failed and role != "check":
                    record(position, cell, "skipped", None)
                    continue
                t0 = time.monotonic()
                try:
                    client.execute_cell(cell, position)
                    entry = record(position, cell, "ok", t0)
                except CellTimeoutError:
                    record(position, cell, "timeout", t0,
                           "cell did not finish within %ss (--timeout)" % args.timeout)
                    break  # the kernel is busy: nothing more can run
                except Terminated:
                    record(position, cell, "terminated", t0,
                           "the executor was stopped (SIGTERM) while this cell ran")
                    break
                except DeadKernelError as e:
                    record(position, cell, "kernel-died", t0, str(e))
                    break
                except CellExecutionError as e:
                    entry = record(position, cell, "error", t0, str(e).strip())
                    failed = True
                if not role:
                    timings.append((kernel_busy_ms(cell), entry))
                if role == "check":
                    attribute_recorded_errors(cell, timings, report)
    except BaseException:
        # Stopped while the kernel was starting (outside setup_kernel's own cleanup): shut it down here.
        if client.km is not None:
            try:
                client._cleanup_kernel()
            except Exception:
                pass
        raise
    finally:
        report["durationMs"] = round((time.monotonic() - started) * 1000)
        out_dir = os.path.abspath(args.out_dir)
        os.makedirs(out_dir, exist_ok=True)
        executed = os.path.join(out_dir, os.path.basename(notebook_path))
        tmp = executed + ".tmp"
        with open(tmp, "w", encoding="utf-8") as f:
            nbformat.write(nb, f)
        os.replace(tmp, executed)
        report["executed"] = executed
    return report


def indent(text, prefix="    | "):
    return "\n".join(prefix + line for line in text.rstrip("\n").splitlines()) or prefix + "(empty)"


def human_report(report):
    name = os.path.relpath(report["notebook"])
    seconds = report["durationMs"] / 1000
    if report["ok"]:
        return "PASS %s (%.1f s)" % (name, seconds)
    lines = ["FAIL %s (%.1f s); executed notebook: %s" % (
        name, seconds, os.path.relpath(report["executed"] or "-"))]
    for f in report["failures"]:
        if f["harness"] == "check" and len(report["failures"]) > 1:
            continue  # a summary of the unhandled errors already listed with their cells
        where = "harness %s cell" % f["harness"] if f["harness"] else "cell [%d]" % f["index"]
        lines.append("  %s: %s" % (where, f["status"]))
        if not f["harness"]:
            lines.append("  source:")
            lines.append(indent(f["source"]))
        if f["stderr"]:
            lines.append("  stderr:")
            lines.append(indent(f["stderr"]))
        # For an ordinary error nbclient's message only repeats the source: show it when it says more.
        if f["error"] and (f["status"] != "error" or not f["stderr"]):
            lines.append("  error:")
            lines.append(indent(f["error"]))
    return "\n".join(lines)


def main(argv):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("notebook")
    parser.add_argument("--out-dir", default=os.path.join(repo_root(), "tutorials", ".executed"))
    parser.add_argument("--kernel", default="tslab")
    parser.add_argument("--timeout", type=int, default=120, help="seconds per cell")
    parser.add_argument("--startup-timeout", type=int, default=60, help="seconds for the kernel to start")
    parser.add_argument("--settle-ms", type=int, default=100,
                        help="pause before the final check, for late unhandled rejections")
    parser.add_argument("--json", action="store_true", help="write a JSON report to stdout")
    args = parser.parse_args(argv)

    # After a cell timeout nbclient abandons its output poller; asyncio's "Task was destroyed but it
    # is pending" about it is noise next to the report.
    logging.getLogger("asyncio").setLevel(logging.CRITICAL)

    # A SIGTERM (e.g. a test runner's timeout) must still shut the kernel down: the kernel runs in its
    # own session, so it would outlive us. The exception unwinds through setup_kernel's cleanup.
    def on_sigterm(signum, frame):
        signal.signal(signal.SIGTERM, signal.SIG_IGN)  # a second one must not interrupt the cleanup
        raise Terminated("the executor was stopped (SIGTERM)")

    signal.signal(signal.SIGTERM, on_sigterm)

    # The project-local kernelspec written by scripts/setup-notebooks.sh comes first.
    local = os.path.join(repo_root(), ".jupyter-test", "share")
    os.environ["JUPYTER_PATH"] = os.pathsep.join(p for p in [local, os.environ.get("JUPYTER_PATH")] if p)
    # Connection files in a private temporary directory, removed afterwards.
    runtime_dir = tempfile.TemporaryDirectory(prefix="tsematic-jupyter-runtime-")
    os.environ["JUPYTER_RUNTIME_DIR"] = runtime_dir.name

    try:
        report = execute(args)
    except Exception as e:  # could not start or read, or stopped while starting: not a cell failure
        report = {"notebook": os.path.abspath(args.notebook), "ok": False, "setupError": "%s: %s" % (
            type(e).__name__, e), "traceback": traceback.format_exc(), "cells": [], "failures": []}
        sys.stderr.write("ERROR %s: %s\n%s" % (args.notebook, report["setupError"], report["traceback"]))
        if args.json:
            sys.stdout.write(json.dumps(report) + "\n")
        return 2
    finally:
        runtime_dir.cleanup()

    sys.stderr.write(human_report(report) + "\n")
    if args.json:
        sys.stdout.write(json.dumps(report) + "\n")
    return 0 if report["ok"] else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
