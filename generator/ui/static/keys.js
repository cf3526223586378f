// dualgen ui: keyboard shortcuts (none an OS or browser takes) and the light and dark themes
// (the system's, until the toggle is used; then the one chosen, kept in the browser).
import { $ } from "./dom.js";
import { filter } from "./form.js";

function shortcut(event) {
  const typing = event.target.closest("input, select, textarea, [contenteditable]");
  if ((event.ctrlKey || event.metaKey) && event.key === "Enter") {
    event.preventDefault();
    $("#download").click();
  } else if (event.key === "/" && !typing) {
    event.preventDefault();
    $("#filter").focus();
  } else if (event.key === "?" && !typing) {
    event.preventDefault();
    $("#shortcuts").showModal();
  } else if (event.key === "Escape" && event.target === $("#filter")) {
    $("#filter").value = "";
    filter();
  }
}

function setTheme(theme, remembered) {
  document.documentElement.dataset.theme = theme;
  $("#theme").setAttribute("aria-pressed", String(theme === "dark"));
  if (remembered) localStorage.setItem("dualgen-ui-theme", theme);
}

export function startTheme() {
  const system = matchMedia("(prefers-color-scheme: dark)").matches ? "dark" : "light";
  setTheme(localStorage.getItem("dualgen-ui-theme") || system, false);
  $("#theme").addEventListener("click", () => setTheme(document.documentElement.dataset.theme === "dark" ? "light" : "dark", true));
}

export function wireKeys() {
  $("#filter").addEventListener("input", filter);
  $("#shortcuts-open").addEventListener("click", () => $("#shortcuts").showModal());
  $("#shortcuts-close").addEventListener("click", () => $("#shortcuts").close());
  document.addEventListener("keydown", shortcut);
}
