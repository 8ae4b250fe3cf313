// Several care homes (or people) chosen at once, as an accessible autocomplete to add one and the
// chosen listed below it, each with a "Remove <name>" button (config/forms.py AutocompleteCheckboxes).
//
// The server draws a fieldset of checkboxes, which is what the form posts and what it shows without
// script. This hides the checkboxes (they stay in the form, so they are still posted) and puts, in
// the same fieldset:
// - "Add a care home": alphagov's accessible-autocomplete over the homes not yet chosen; choosing
//   one ticks its checkbox, empties the box for the next, and says "<name> added" in a live region;
// - the chosen homes as a list; "Remove" unticks one, says so, and moves the focus to the next
//   Remove button (or the previous, or the box when none is left).
// The box takes the field's id, so the error summary's link and the error message reach it.
//
// Past a city's size (data-lookup-url) only the chosen come as checkboxes: the box asks the
// look-up (scoped like the pages) as the user types, and a home chosen from it is added as a new
// ticked checkbox. The "type them one a line" box the page has for no script is taken away.
import { describedBy, keepDescribedBy, lookupSource, menuLabelledBy } from "./autocomplete.js";

function element(tag, attributes = {}, text = "") {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) node.setAttribute(name, value);
  if (text) node.textContent = text;
  return node;
}

function labelOf(checkbox) {
  const label = checkbox.labels && checkbox.labels[0];
  return (label ? label.textContent : checkbox.value).trim();
}

function enhance(ac, root) {
  const fieldset = root.querySelector("fieldset");
  const boxes = root.querySelector(".nhsuk-checkboxes");
  if (!fieldset || !boxes) return;
  const id = root.dataset.anchor;
  const noun = root.dataset.noun || "care home";
  const nouns = root.dataset.nouns || `${noun}s`;
  const checkboxes = () => [...boxes.querySelectorAll("input[type=checkbox]")];
  const url = root.dataset.lookupUrl;
  const typed = root.querySelector(".hub-multi-picker__typed");
  if (url && typed && !typed.querySelector("textarea")?.value.trim()) typed.remove();

  // The field's id (the error summary's link) moves from the first checkbox to the new box.
  const first = document.getElementById(id);
  if (first && first.type === "checkbox") {
    const label = first.labels?.[0]; // read before the id changes: it is found by its for=
    first.id = `${id}-checkbox`;
    if (label) label.htmlFor = first.id;
  }

  const add = element("div", { class: "nhsuk-form-group nhsuk-u-margin-bottom-4 hub-multi-picker__add" });
  add.append(
    element("label", { class: "nhsuk-label", for: id }, `Add a ${noun}`),
    element("div", { class: "nhsuk-hint", id: `${id}-add-hint` }, "Type part of its name, then choose it from the list."),
  );
  const container = element("div");
  add.append(container);
  const heading = element("p", { class: "nhsuk-body nhsuk-u-margin-bottom-2", id: `${id}-chosen-heading` });
  const list = element("ul", { class: "nhsuk-list hub-chosen", "aria-labelledby": `${id}-chosen-heading` });
  const status = element("div", { class: "nhsuk-u-visually-hidden", role: "status", "aria-live": "polite", id: `${id}-chosen-status` });
  boxes.before(add, heading, list, status);
  boxes.hidden = true;

  const count = () => {
    const n = checkboxes().filter((c) => c.checked).length;
    return `${n} ${n === 1 ? noun : nouns} chosen`;
  };

  let input;
  const announce = (text) => { status.textContent = text; };

  function draw(focusAfter) {
    list.replaceChildren();
    const chosen = checkboxes().filter((c) => c.checked);
    heading.textContent = chosen.length ? `Chosen ${nouns} (${chosen.length})` : `No ${nouns} chosen yet`;
    list.hidden = !chosen.length;
    chosen.forEach((checkbox) => {
      const name = labelOf(checkbox);
      const item = element("li", { class: "hub-chosen__item" });
      const button = element("button", {
        type: "button",
        class: "nhsuk-button nhsuk-button--secondary nhsuk-button--small hub-chosen__remove",
        "data-value": checkbox.value,
      }, "Remove");
      button.append(element("span", { class: "nhsuk-u-visually-hidden" }, ` ${name}`));
      button.addEventListener("click", () => remove(checkbox));
      item.append(element("span", { class: "hub-chosen__name" }, name), button);
      list.append(item);
    });
    if (focusAfter !== undefined) {
      const buttons = [...list.querySelectorAll("button")];
      (buttons[Math.min(focusAfter, buttons.length - 1)] || input)?.focus();
    }
  }

  function remove(checkbox) {
    const buttons = [...list.querySelectorAll("button")];
    const index = buttons.findIndex((b) => b.dataset.value === checkbox.value);
    checkbox.checked = false;
    draw(Math.max(index, 0));
    announce(`${labelOf(checkbox)} removed. ${count()}.`);
  }

  // Past a city's size: suggestions from the look-up, each remembered with its id.
  const found = new Map();
  const lookup = lookupSource(url, (results, populate) => {
    const chosen = new Set(checkboxes().filter((c) => c.checked).map((c) => c.value));
    const rows = results.filter((row) => !chosen.has(String(row.id)));
    rows.forEach((row) => found.set(row.text, String(row.id)));
    populate(rows.map((row) => row.text));
  });

  function fromLookup(text) {
    const value = found.get(text);
    if (!value) return null;
    let checkbox = checkboxes().find((c) => c.value === value);
    if (!checkbox) {
      const boxId = `${id}-added-${value}`;
      const item = element("div", { class: "nhsuk-checkboxes__item" });
      checkbox = element("input", { class: "nhsuk-checkboxes__input", type: "checkbox", name: root.dataset.name, value, id: boxId });
      item.append(checkbox, element("label", { class: "nhsuk-label nhsuk-checkboxes__label", for: boxId }, text));
      boxes.append(item);
    }
    return checkbox;
  }

  ac({
    element: container,
    id,
    name: "",
    minLength: url ? 2 : 1,
    confirmOnBlur: false,
    autoselect: true,
    displayMenu: "list",
    menuAttributes: menuLabelledBy(id),
    inputClasses: fieldset.closest(".nhsuk-form-group--error") ? "nhsuk-input nhsuk-input--error" : "nhsuk-input",
    tNoResults: () => `No ${nouns} match: check the spelling`,
    source: url ? lookup : (query, populate) => {
      const q = query.trim().toLowerCase();
      populate(checkboxes().filter((c) => !c.checked).map(labelOf).filter((text) => text.toLowerCase().includes(q)));
    },
    onConfirm: (text) => {
      if (text === undefined) return;
      const checkbox = url ? fromLookup(text) : checkboxes().find((c) => !c.checked && labelOf(c) === text.trim());
      if (!checkbox) return;
      checkbox.checked = true;
      draw();
      announce(`${text} added. ${count()}.`);
      // Empty the box for the next home (the library reads the input's value back as the query).
      setTimeout(() => {
        input.value = "";
        input.dispatchEvent(new Event("input", { bubbles: true }));
      }, 0);
    },
  });
  input = document.getElementById(id);
  input.removeAttribute("name");
  keepDescribedBy(input, [`${id}-add-hint`, ...describedBy(fieldset)]);
  draw();
}

export function enhanceMultiPickers(scope) {
  const ac = window.accessibleAutocomplete;
  if (!ac || !scope?.querySelectorAll) return;
  scope.querySelectorAll("div[data-multi-picker]").forEach((root) => {
    if (root.dataset.enhanced) return;
    root.dataset.enhanced = "true";
    enhance(ac, root);
  });
}
