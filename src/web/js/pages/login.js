/** Sign in with an API key or a name and password; the server answers with a session cookie. */
import { signIn } from "../api.js";
import { h, mount } from "../dom.js";

export function renderLogin(main, route) {
  const next = route.query.get("next");
  let mode = route.query.get("with") === "password" ? "password" : "key";
  const message = h("div", { class: "form-error", role: "alert" });
  const fields = h("div");
  const submit = h("button", { type: "submit" }, "Sign in");

  const drawFields = () => {
    mount(
      fields,
      mode === "key"
        ? h(
          "label",
          {},
          "API key",
          h("input", {
            name: "apiKey",
            type: "password",
            autocomplete: "off",
            required: true,
            placeholder: "ddc_…",
            spellcheck: "false",
          }),
        )
        : [
          h(
            "label",
            {},
            "User name",
            h("input", { name: "name", autocomplete: "username", required: true }),
          ),
          h(
            "label",
            {},
            "Password",
            h("input", {
              name: "password",
              type: "password",
              autocomplete: "current-password",
              required: true,
            }),
          ),
        ],
    );
    for (const tab of tabs.querySelectorAll("button")) {
      tab.setAttribute("aria-pressed", String(tab.dataset.mode === mode));
    }
  };

  const tabs = h(
    "div",
    { class: "segmented", role: "group", "aria-label": "Sign in with" },
    h(
      "button",
      { type: "button", dataset: { mode: "key" }, onclick: () => switchTo("key") },
      "API key",
    ),
    h("button", {
      type: "button",
      dataset: { mode: "password" },
      onclick: () => switchTo("password"),
    }, "Password"),
  );
  const switchTo = (value) => {
    mode = value;
    message.textContent = "";
    drawFields();
    fields.querySelector("input")?.focus();
  };

  const form = h(
    "form",
    {
      class: "card login",
      onsubmit: async (event) => {
        event.preventDefault();
        const data = new FormData(form);
        message.textContent = "";
        submit.disabled = true;
        submit.textContent = "Signing in…";
        try {
          await signIn(
            mode === "key"
              ? { apiKey: String(data.get("apiKey")).trim() }
              : { name: String(data.get("name")).trim(), password: String(data.get("password")) },
          );
          const target = next && next.startsWith("#/") && !next.startsWith("#/login")
            ? next
            : "#/sessions";
          location.hash = target;
        } catch (error) {
          message.textContent = error.status === 401
            ? "Those credentials were not accepted."
            : error.message;
          submit.disabled = false;
          submit.textContent = "Sign in";
          fields.querySelector("input")?.select();
        }
      },
    },
    h("h1", {}, "Sign in to ddcoterm"),
    route.query.get("expired")
      ? h("p", { class: "notice" }, "Your session ended; sign in again.")
      : null,
    tabs,
    fields,
    message,
    submit,
    h(
      "p",
      { class: "hint" },
      "An API key comes from ",
      h("code", {}, "ddcoterm server user add NAME --role member"),
      ".",
    ),
  );
  drawFields();
  mount(main, h("div", { class: "login-wrap" }, form));
  fields.querySelector("input")?.focus();
}
