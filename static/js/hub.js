// The hub's own script: NHS.UK frontend components, htmx's CSRF header, focus after htmx swaps,
// and the idle sign-out warning.
// Served from the hub itself (no inline script, so the Content-Security-Policy can forbid it).
import { initAll } from "../nhsuk/nhsuk-frontend.min.js";
import { startIdleWarning } from "./idle.js";
import { enhancePickers } from "./autocomplete.js";
import { enhanceMultiPickers } from "./multi_picker.js";

document.body.classList.add("js-enabled", "nhsuk-frontend-supported");
initAll();
enhancePickers(document);
enhanceMultiPickers(document);

const ERROR_PREFIX = "Error: ";

document.body.addEventListener("htmx:configRequest", (event) => {
  event.detail.headers["X-CSRFToken"] = document.body.dataset.csrfToken;
});

// After an htmx swap the user must hear what happened where they are: move focus to the error
// summary if the swap brought one, else to the success banner, and keep "Error: " at the start of
// the page title exactly while there is an error on the page (as a full page load would).
document.body.addEventListener("htmx:afterSwap", (event) => {
  let scope = event.detail.target;
  if (!scope.isConnected && scope.id) {
    scope = document.getElementById(scope.id) || document.body;
  }
  // Components in the new content take focus themselves on init (error summary, success banner).
  initAll({ scope });
  enhancePickers(scope);
  enhanceMultiPickers(scope);
  const errorSummary = scope.querySelector(".nhsuk-error-summary");
  const banner = scope.querySelector(".nhsuk-notification-banner");
  const title = document.title.startsWith(ERROR_PREFIX)
    ? document.title.slice(ERROR_PREFIX.length)
    : document.title;
  document.title = errorSummary ? ERROR_PREFIX + title : title;
  const target = errorSummary || banner;
  if (target && document.activeElement !== target) {
    if (!target.hasAttribute("tabindex")) target.setAttribute("tabindex", "-1");
    target.focus();
  }
});

startIdleWarning();
