// dualgen ui: the page's entry module. It loads the catalog's form, applies the link's query
// and runs the loop: a change writes the state (the URL query), the server previews it, and
// the page shows the answer. The other modules, by concern:
//   dom.js (helpers), state.js (the query, a shared link), form.js (controls, refusals),
//   routes.js (the route editor), preview.js (trees, concept map, deep links), diff.js,
//   take.js (command, zip, write), saved.js (recent, favourites), keys.js (shortcuts, theme).
import { $, $$, getJSON } from "./dom.js";
import { showDiff } from "./diff.js";
import { onFlag, onMiddleware, onSetting, showControls, showError } from "./form.js";
import { startTheme, wireKeys } from "./keys.js";
import { openHash, showPreview } from "./preview.js";
import { addRouteRow, onRoutes } from "./routes.js";
import { remember, wireSaved } from "./saved.js";
import { applyLink, listParam, params, presetAnswers, query, setParam, ui, withQuery } from "./state.js";
import { showTake, wireTake } from "./take.js";

let pending = 0;
async function update() {
  const ticket = ++pending;
  history.replaceState(null, "", `/${query() ? `?${query()}` : ""}${location.hash}`);
  const { ok, body } = await getJSON(withQuery("/api/preview"));
  if (ticket !== pending) return;
  document.body.dataset.state = ok ? "ok" : "refused";
  if (!ok) {
    showError(body.error, body.field, body.field_error);
    return;
  }
  ui.answers = body.answers;
  showError(null);
  showControls();
  showTake(body);
  showPreview(body);
  remember(body);
}

function debounce(fn, ms) {
  let timer = 0;
  return (...args) => {
    clearTimeout(timer);
    timer = setTimeout(() => fn(...args), ms);
  };
}

function onChange(event) {
  const input = event.target;
  if (input.dataset.builder) return; // a parameter not yet added to its path
  ui.last = input;
  if (input.name === "framework") setParam("framework", input.value === "both" ? null : input.value);
  else if (input.dataset.flag) onFlag(input);
  else if (input.dataset.middleware) onMiddleware(input);
  else if (input.dataset.setting) onSetting(input);
  else if (input.dataset.part) onRoutes();
  else if (input.dataset.param) setParam(input.dataset.param, input.value.trim());
  update();
}

function onPreset(card) {
  ui.last = card;
  setParam("preset", card.dataset.preset || null);
  const inPreset = new Set(presetAnswers().middleware || []);
  listParam("middleware", params.getAll("middleware").filter((key) => !inPreset.has(key)));
  ui.answers = null;
  update();
}

function wire() {
  const form = $("#choices");
  const typed = debounce(update, 250);
  form.addEventListener("change", onChange);
  form.addEventListener("input", (event) => {
    const input = event.target;
    if (!input.dataset.param) return;
    ui.last = input;
    setParam(input.dataset.param, input.dataset.param === "name" ? input.value : input.value.trim());
    typed();
  });
  for (const card of $$("[data-preset]")) card.addEventListener("click", () => onPreset(card));
  $("#route-add").addEventListener("click", () => $("[data-part=path]", addRouteRow("", update)).focus());
  $("#diff-show").addEventListener("click", showDiff);
  window.addEventListener("hashchange", openHash);
  wireTake();
  wireSaved();
  wireKeys();
}

async function start() {
  startTheme();
  ui.options = (await getJSON("/api/options")).body;
  wire();
  await applyLink();
  for (const text of params.getAll("route")) addRouteRow(text, update);
  await update();
  document.body.dataset.ready = "true";
}

start();
