// Warn two minutes before the idle sign-out (WCAG 2.2.1 Timing adjustable).
// The server ends a session SESSION_COOKIE_AGE seconds after it was last renewed; a request renews
// it at most once a minute (accounts/session_renewal.py), so the server says how long is left: the
// body on a page load, the Hub-Session-Seconds-Left header on an htmx request and on "Stay signed
// in" (which always renews).

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
  const warnSeconds = Number(body.dataset.sessionWarnSeconds || 120);
  const keepAliveUrl = body.dataset.keepAliveUrl;
  const signedOutUrl = body.dataset.signedOutUrl;
  const stay = dialog.querySelector("[data-idle-stay]");
  const when = dialog.querySelector("[data-idle-when]");
  let warnTimer;
  let endTimer;
  let returnFocusTo = null;

  function secondsLeftIn(headers) {
    const left = headers.get("Hub-Session-Seconds-Left");
    return left === null ? null : Number(left);
  }

  function schedule(secondsLeft) {
    clearTimeout(warnTimer);
    clearTimeout(endTimer);
    const signOutAt = new Date(Date.now() + secondsLeft * 1000);
    warnTimer = setTimeout(() => {
      when.textContent = clockTime(signOutAt);
      returnFocusTo = document.activeElement;
      // Named only while open, so the hidden dialog is never found by its words.
      dialog.setAttribute("aria-labelledby", dialog.dataset.labelledby);
      dialog.setAttribute("aria-describedby", dialog.dataset.describedby);
      dialog.showModal();
      stay.focus();
    }, Math.max(secondsLeft - warnSeconds, 0) * 1000);
    endTimer = setTimeout(() => {
      window.location.assign(signedOutUrl);
    }, secondsLeft * 1000);
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
    schedule(secondsLeftIn(response.headers) ?? idleSeconds);
    if (returnFocusTo && returnFocusTo.isConnected) returnFocusTo.focus();
  });
  // Escape closes a modal dialog without a request: keep the warning until they choose.
  dialog.addEventListener("cancel", (event) => event.preventDefault());
  // An htmx request may or may not have renewed the session: its answer says how long is left.
  body.addEventListener("htmx:afterRequest", (event) => {
    const xhr = event.detail.xhr;
    const left = xhr ? xhr.getResponseHeader("Hub-Session-Seconds-Left") : null;
    if (left !== null) schedule(Number(left));
  });
  schedule(idleSeconds);
}
