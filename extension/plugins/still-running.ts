/**
 * Provides {@link IStillRunningSteps}: the canceled steps whose code still runs in a notebook's
 * kernel, followed per open notebook (services/notebook-kernel.ts). The run view's renderer
 * reports its bundles to it, and the step panel reads it.
 */
import type { JupyterFrontEnd, JupyterFrontEndPlugin } from "@jupyterlab/application";
import { type ISessionContext, ISessionContextDialogs } from "@jupyterlab/apputils";
import { INotebookTracker, type NotebookPanel } from "@jupyterlab/notebook";

import { NotebookKernel } from "../services/notebook-kernel";
import { StillRunningSteps } from "../services/still-running";
import { IStillRunningSteps } from "../tokens";

export const stillRunningStepsPlugin: JupyterFrontEndPlugin<IStillRunningSteps> = {
  id: "tsematic-jupyterlab:still-running-steps",
  description:
    "The canceled steps whose code still runs in a notebook's kernel, and how to stop them.",
  autoStart: true,
  provides: IStillRunningSteps,
  optional: [INotebookTracker, ISessionContextDialogs],
  activate: (
    _app: JupyterFrontEnd,
    tracker: INotebookTracker | null,
    dialogs: ISessionContext.IDialogs | null,
  ): IStillRunningSteps => {
    const kernels = new WeakMap<NotebookPanel, NotebookKernel>();
    const steps = new StillRunningSteps({
      kernelOf: (node) => {
        const panel = tracker?.find((candidate) => candidate.content.node.contains(node));
        return (panel && kernels.get(panel)) ?? null;
      },
    });
    const follow = (panel: NotebookPanel): void => {
      if (kernels.has(panel)) {
        return;
      }
      const kernel = new NotebookKernel({ panel, steps, ...(dialogs ? { dialogs } : {}) });
      kernels.set(panel, kernel);
      panel.disposed.connect(() => kernel.dispose());
    };
    tracker?.forEach(follow);
    tracker?.widgetAdded.connect((_, panel) => follow(panel));
    return steps;
  },
};
