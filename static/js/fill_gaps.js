// Fill the gaps (issue 14): the "Why" of each row follows the person chosen in it, and says when
// that person is chosen for other homes in the proposal too, so a changed row never leaves a
// stale reason. Each option carries its reason (data-reason); each row's reason is a polite live
// region, so a screen reader hears the new reason after the choice. Without this script the page
// shows the reason for the proposed person, and accepting checks everyone's hours anyway.

const selects = Array.from(document.querySelectorAll("select[data-reason-for]"));

function chosenCounts() {
  const counts = new Map();
  for (const select of selects) {
    if (select.value) counts.set(select.value, (counts.get(select.value) || 0) + 1);
  }
  return counts;
}

function showReasons() {
  const counts = chosenCounts();
  for (const select of selects) {
    const target = document.getElementById(select.dataset.reasonFor);
    const option = select.selectedOptions[0];
    if (!target || !option) continue;
    let reason = option.dataset.reason || "";
    const others = select.value ? counts.get(select.value) - 1 : 0;
    if (others > 0) {
      reason += ` Also chosen for ${others} other home${others === 1 ? "" : "s"} in this proposal: check their hours.`;
    }
    if (target.textContent !== reason) target.textContent = reason;
  }
}

for (const select of selects) select.addEventListener("change", showReasons);
showReasons(); // a person proposed for several homes is named as such from the start
