// Pickers of people and care homes as alphagov's accessible-autocomplete (served by the hub,
// vendor/accessible-autocomplete, see package.json), styled as NHS.UK inputs in hub.css.
//
// - <select data-autocomplete>: a list short enough to send is enhanced in place; the select stays
//   in the page (hidden) and is what the form posts, so without script the form works unchanged.
// - <input data-lookup-url>: past a city's size the form asks for "CQC ID or exact name" (or "GPhC
//   number or name"); the box becomes an autocomplete that asks the look-up as the user types. A
//   suggestion ends with its key in brackets, which the server's field parses; typing an ID or name
//   still works as before.
const LOOKUP_DELAY_MS = 250;

// The input the library makes replaces the original: keep the hint and error message read out with it.
export function keepDescribedBy(input, ids) {
  if (!input || !ids.length) return;
  const apply = () => {
    const now = (input.getAttribute("aria-describedby") || "").split(/\s+/).filter(Boolean);
    const want = [...new Set([...ids, ...now])];
    if (want.join(" ") !== now.join(" ")) input.setAttribute("aria-describedby", want.join(" "));
  };
  apply();
  new MutationObserver(apply).observe(input, { attributes: true, attributeFilter: ["aria-describedby"] });
}

// The list of suggestions is named by the field's label ("Named lead for Aire View"), not by the
// library's default (the input, which a screen reader would read as whatever has been typed).
// An autocomplete `source` fed by a server look-up (`url?q=…`, answering {results: [{id, text}]}):
// asked a moment after the typing stops, an earlier question still on its way cancelled; the
// rows go to `answer(results, populate)`. Used by the one-row pickers and the several-homes picker.
export function lookupSource(url, answer) {
  let timer;
  let controller;
  return (query, populate) => {
    clearTimeout(timer);
    timer = setTimeout(() => {
      controller?.abort();
      controller = new AbortController();
      fetch(`${url}?q=${encodeURIComponent(query)}`, {
        headers: { Accept: "application/json" },
        credentials: "same-origin",
        signal: controller.signal,
      })
        .then((response) => (response.ok ? response.json() : { results: [] }))
        .then((data) => answer(data.results, populate))
        .catch(() => {});
    }, LOOKUP_DELAY_MS);
  };
}

export function menuLabelledBy(id) {
  const label = document.querySelector(`label[for="${CSS.escape(id)}"]`);
  if (!label) return {};
  if (!label.id) label.id = `${id}-label`;
  return { "aria-labelledby": label.id };
}

export function describedBy(element) {
  return (element.getAttribute("aria-describedby") || "").split(/\s+/).filter(Boolean);
}

function inputClasses(element) {
  const error = element.classList.contains("nhsuk-select--error") || element.classList.contains("nhsuk-input--error");
  return "nhsuk-input" + (error ? " nhsuk-input--error" : "");
}

// The select's value changed under the script: tell its listeners (fill_gaps.js follows the choice).
function choose(select, value) {
  if (select.value === value) return;
  select.value = value;
  select.dispatchEvent(new Event("change", { bubbles: true }));
}

function enhanceSelect(ac, select) {
  const id = select.id;
  const ids = describedBy(select);
  const classes = inputClasses(select);
  const chosen = select.selectedOptions[0];
  // data-autocomplete-keep-empty: the empty option is a real choice ("Leave without a lead").
  const keepEmpty = select.dataset.autocompleteKeepEmpty === "true";
  ac.enhanceSelectElement({
    selectElement: select,
    defaultValue: chosen && (chosen.value || keepEmpty) ? chosen.textContent.trim() : "",
    preserveNullOptions: keepEmpty,
    menuAttributes: menuLabelledBy(id),
    showAllValues: true,
    dropdownArrow: () => "",
    inputClasses: classes,
    tNoResults: () => "No matches: check the spelling",
    // Read out as the box gains focus, before anything is typed: the library's "No search
    // results" there told a screen reader user (Orca, docs/accessibility/screen-reader-check.md)
    // that nothing matched when they had not yet typed.
    tStatusNoResults: () =>
      document.getElementById(id)?.value.trim()
        ? "No matches: check the spelling"
        : "Type to see matches, or press the down arrow to see them all",
    onConfirm: (text) => {
      // Called with nothing when the box loses focus without a new choice: keep the choice made.
      if (text === undefined) return;
      const match = [...select.options].find((o) => o.textContent.trim() === text.trim());
      if (match) choose(select, match.value);
    },
  });
  const input = document.getElementById(id);
  keepDescribedBy(input, ids);
  // A box emptied and left also empties the choice, so the form never posts a stale person.
  const emptied = () => { if (!input.value.trim()) choose(select, ""); };
  input?.addEventListener("change", emptied);
  input?.addEventListener("blur", emptied);
}

function enhanceLookup(ac, original) {
  const url = original.dataset.lookupUrl;
  const container = document.createElement("div");
  original.parentNode.insertBefore(container, original);
  const ids = describedBy(original);
  ac({
    element: container,
    id: original.id,
    name: original.name,
    defaultValue: original.value,
    minLength: 2,
    confirmOnBlur: false,
    menuAttributes: menuLabelledBy(original.id),
    inputClasses: inputClasses(original),
    tNoResults: () => "No matches: check the spelling, or type the ID",
    tStatusQueryTooShort: (n) => `Type ${n} or more characters to see matches`,
    source: lookupSource(url, (results, populate) => populate(results.map((row) => row.text))),
  });
  original.remove();
  const input = document.getElementById(original.id);
  if (input && original.required) input.required = true;
  keepDescribedBy(input, ids);
}

export function enhancePickers(scope) {
  const ac = window.accessibleAutocomplete;
  if (!ac || !scope?.querySelectorAll) return;
  scope.querySelectorAll("select[data-autocomplete]").forEach((select) => {
    if (select.dataset.enhanced) return;
    select.dataset.enhanced = "true";
    enhanceSelect(ac, select);
  });
  scope.querySelectorAll("input[data-lookup-url]").forEach((input) => {
    if (input.dataset.enhanced) return;
    input.dataset.enhanced = "true";
    enhanceLookup(ac, input);
  });
}
