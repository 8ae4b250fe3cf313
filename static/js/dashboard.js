// The dashboard's filters: htmx swaps the figures on change, so the "Apply filters" button is
// only needed without JavaScript. Kept visible for keyboard users who prefer it.
document.querySelectorAll("[data-hub-filters]").forEach((form) => {
  form.addEventListener("htmx:beforeRequest", () => form.setAttribute("aria-busy", "true"));
  form.addEventListener("htmx:afterRequest", () => form.removeAttribute("aria-busy"));
});
