import { LabIcon } from "@jupyterlab/ui-components";

/** A small run graph: the side panel's tab and the settings' icon. */
export const runsIcon = new LabIcon({
  name: "tsematic:runs",
  svgstr:
    '<svg xmlns="http://www.w3.org/2000/svg" width="16" height="16" viewBox="0 0 24 24">' +
    '<g class="jp-icon3" fill="#616161">' +
    '<circle cx="5" cy="12" r="3"/><circle cx="19" cy="5" r="3"/><circle cx="19" cy="19" r="3"/>' +
    '<path d="M7.6 10.6 16.4 6.4l.8 1.7-8.8 4.2zM7.6 13.4l8.8 4.2-.8 1.7-8.8-4.2z"/>' +
    "</g></svg>",
});

/**
 * Cancel a pipeline run (notebook toolbar, menus): the run graph struck through, so it is not taken
 * for JupyterLab's square "interrupt the kernel" beside it.
 */
export const cancelPipelineIcon = new LabIcon({
  name: "tsematic:cancel-pipeline",
  svgstr:
    '<svg xmlns="http://www.w3.org/2000/svg" width="16" height="16" viewBox="0 0 24 24">' +
    '<g class="jp-icon3" fill="#616161">' +
    '<circle cx="4.5" cy="12" r="2.5"/><circle cx="15" cy="5" r="2.5"/><circle cx="15" cy="19" r="2.5"/>' +
    '<path d="M6.4 10.8 13.1 6.3l.8 1.3-6.7 4.5zM6.4 13.2l6.7 4.5-.8 1.3-6.7-4.5z"/>' +
    "</g>" +
    '<g class="jp-icon-warn0" fill="none" stroke="#e65100" stroke-width="2.2" stroke-linecap="round">' +
    '<path d="M16.5 10.5l6 6M22.5 10.5l-6 6"/>' +
    "</g></svg>",
});

/**
 * Rerun a pipeline's cell (notebook toolbar, menus): the run graph with a turning arrow, so it is
 * not taken for JupyterLab's triangle "run this cell".
 */
export const rerunPipelineIcon = new LabIcon({
  name: "tsematic:rerun-pipeline",
  svgstr:
    '<svg xmlns="http://www.w3.org/2000/svg" width="16" height="16" viewBox="0 0 24 24">' +
    '<g class="jp-icon3" fill="#616161">' +
    '<circle cx="4.5" cy="12" r="2.5"/><circle cx="15" cy="5" r="2.5"/><circle cx="15" cy="19" r="2.5"/>' +
    '<path d="M6.4 10.8 13.1 6.3l.8 1.3-6.7 4.5zM6.4 13.2l6.7 4.5-.8 1.3-6.7-4.5z"/>' +
    '<path d="M23 9.5l-1 4.2-3.6-2.4z"/>' +
    "</g>" +
    '<g class="jp-icon3" fill="none" stroke="#616161" stroke-width="1.8" stroke-linecap="round">' +
    '<path d="M18.2 16.6a3.6 3.6 0 1 1 3.2-4.4"/>' +
    "</g></svg>",
});

/** A cloud with an up arrow: "Run Pipeline on Cluster…" (the notebook toolbar's button). */
export const promoteIcon = new LabIcon({
  name: "tsematic:promote",
  svgstr:
    '<svg xmlns="http://www.w3.org/2000/svg" width="16" height="16" viewBox="0 0 24 24">' +
    '<g class="jp-icon3" fill="#616161">' +
    '<path d="M19.35 10.04A7.49 7.49 0 0 0 12 4C9.11 4 6.6 5.64 5.35 8.04A5.994 5.994 0 0 0 0 14c0 ' +
    "3.31 2.69 6 6 6h13c2.76 0 5-2.24 5-5 0-2.64-2.05-4.78-4.65-4.96zM14 13v4h-4v-4H7l5-5 5 5h-3z" +
    '"/></g></svg>',
});
