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
