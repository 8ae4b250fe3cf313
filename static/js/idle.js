// Warn two minutes before the idle sign-out (WCAG 2.2.1 Timing adjustable).
// The server ends a session after SESSION_COOKIE_AGE seconds without a request; every request
// renews it. The body carries the figures; "Stay signed in" makes a request, which renews it.

function clockTime(date) {
  // "9:50am", as the NHS content style guide writes times.
  const hours = date.getHours();
  const minutes = String(date.getMinutes()).padStart(2, "0");
  const suffix = hours < 12 ? "am" : "pm";
  return `${hours % 12 || 12}:${minutes}${suffix}`;
}

export function startIdleWarning() {
  const body = document.body;
  const dialog = document.getElementById("idle-warning");
  const idleSeconds = Number(body.dataset.sessionIdleSeconds);
  if (!dialog || !idleSeconds) return;
  const warnSeconds = Math.min(Number(body.dataset.sessionWarnSeconds || 120), idleSeconds);
  const keepAliveUrl = body.dataset.keepAliveUrl;
  const signedOutUrl = body.dataset.signedOutUrl;
  const stay = dialog.querySelector("[data-idle-stay]");
  const when = dialog.querySelector("[data-idle-when]");
  let warnTimer;
  let endTimer;
  let returnFocusTo = null;

  function schedule() {
    clearTimeout(warnTimer);
    clearTimeout(endTimer);
    const signOutAt = new Date(Date.now() + idleSeconds * 1000);
    warnTimer = setTimeout(() => {
      when.textContent = clockTime(signOutAt);
      returnFocusTo = document.activeElement;
      // Named only while open, so the hidden dialog is never found by its words.
      dialog.setAttribute("aria-labelledby", dialog.dataset.labelledby);
      dialog.setAttribute("aria-describedby", dialog.dataset.describedby);
      dialog.showModal();
      stay.focus();
    }, (idleSeconds - warnSeconds) * 1000);
    endTimer = setTimeout(() => {
      window.location.assign(signedOutUrl);
    }, idleSeconds * 1000);
  }

  stay.addEventListener("click", async (event) => {
    event.preventDefault();
    const response = await fetch(keepAliveUrl, { credentials: "same-origin", cache: "no-store" });
    if (!response.ok || response.redirected) {
      window.location.assign(signedOutUrl);
      return;
    }
    dialog.close();
    dialog.removeAttribute("aria-labelledby");
    dialog.removeAttribute("aria-describedby");
    schedule();
    if (returnFocusTo && returnFocusTo.isConnected) returnFocusTo.focus();
  });
  // Escape closes a modal dialog without a request: keep the warning until they choose.
  dialog.addEventListener("cancel", (event) => event.preventDefault());
  body.addEventListener("htmx:afterRequest", schedule);
  schedule();
}
