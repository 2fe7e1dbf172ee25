/**
 * Building DOM nodes without innerHTML: every string becomes a text node, so recorded text
 * (which can hold anything) never turns into markup.
 */

/**
 * h("a", { href: "#/x", class: "link" }, "text", child)
 * Attributes: `on*` functions become listeners, `class`, `hidden`/`disabled`/… booleans,
 * `dataset` an object, anything else setAttribute. null/undefined/false children are skipped.
 */
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs ?? {})) {
    if (value === undefined || value === null || value === false) continue;
    if (key.startsWith("on") && typeof value === "function") {
      el.addEventListener(key.slice(2).toLowerCase(), value);
    } else if (key === "dataset") {
      Object.assign(el.dataset, value);
    } else if (key === "value" && "value" in el) {
      el.value = value;
    } else if (value === true) {
      el.setAttribute(key, "");
    } else {
      el.setAttribute(key, String(value));
    }
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const child of children) {
    if (child === undefined || child === null || child === false) continue;
    if (Array.isArray(child)) append(el, child);
    else el.append(child instanceof Node ? child : String(child));
  }
}

/** Replaces the children of `el`. */
export function mount(el, ...children) {
  el.replaceChildren();
  append(el, children);
  return el;
}

/** Tells screen readers what happened (the live region in index.html). */
export function announce(text) {
  const status = document.getElementById("status");
  if (!status) return;
  status.textContent = "";
  // A change the next frame, so the same message twice is read twice.
  requestAnimationFrame(() => status.textContent = text);
}

/** An error box with a retry button when `retry` is given. */
export function errorBox(error, retry) {
  return h(
    "div",
    { class: "error", role: "alert" },
    h("strong", {}, "Error: "),
    error?.message ?? String(error),
    retry ? h("button", { type: "button", class: "secondary", onclick: retry }, "Retry") : null,
  );
}

export function emptyBox(title, hint) {
  return h(
    "div",
    { class: "empty" },
    h("p", { class: "empty-title" }, title),
    hint ? h("p", {}, hint) : null,
  );
}

export function loadingBox(what = "Loading…") {
  return h("div", { class: "loading", "aria-busy": "true" }, what);
}

/** A grid table in its scrolling wrapper: column headings, then `body` (a tbody). */
export function gridTable(columns, body, className = "grid") {
  return h(
    "div",
    { class: "table-wrap" },
    h(
      "table",
      { class: className },
      h("thead", {}, h("tr", {}, columns.map((c) => h("th", { scope: "col" }, c)))),
      body,
    ),
  );
}

/**
 * Buttons that choose one of `views` ([value, label] pairs); the current one is pressed.
 * `labelOf` may decorate a label (a count).
 */
export function viewTabs(views, current, select, labelOf = (_value, label) => label) {
  return views.map(([value, label]) =>
    h("button", {
      type: "button",
      "aria-pressed": value === current ? "true" : "false",
      onclick: () => select(value),
    }, labelOf(value, label))
  );
}
