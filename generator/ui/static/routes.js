// dualgen ui: the route editor. A row is a route (method, path, simulated work) or a resource
// (method "resource", its fields); the rows are the state's `route` values, as the CLI writes them.
import { $, $$ } from "./dom.js";
import { listParam, ui } from "./state.js";

export function onRoutes() {
  const texts = $$("#routes li").map((row) => {
    const part = (name) => $(`[data-part=${name}]`, row).value.trim();
    if (part("method") === "resource") return part("path") ? `resource ${part("path")} ${part("fields")}`.trim() : "";
    const work = part("kind") && part("ms") !== "" ? ` ${part("kind")}=${part("ms")}` : "";
    return part("path") ? `${part("method")} ${part("path")}${work}` : "";
  });
  listParam("route", texts.filter(Boolean));
}

// A route row shows a route's work, or a resource's fields (method "resource").
function showKind(row) {
  const kind = $("[data-part=method]", row).value === "resource" ? "resource" : "route";
  for (const part of $$("[data-for-kind]", row)) part.hidden = part.dataset.forKind !== kind;
}

function fill(row, text) {
  const [method, path, work, ...fields] = text.split(" ");
  if (method) $("[data-part=method]", row).value = method;
  if (path) $("[data-part=path]", row).value = path;
  if (method === "resource") $("[data-part=fields]", row).value = [work, ...fields].filter(Boolean).join(" ");
  else if (work) {
    const [kind, ms] = work.split("=");
    $("[data-part=kind]", row).value = kind;
    $("[data-part=ms]", row).value = ms;
  }
}

// A row for `text` (a route as the CLI writes it); `changed` runs when the row changes the state.
export function addRouteRow(text, changed) {
  const row = $("#route-row").content.firstElementChild.cloneNode(true);
  fill(row, text);
  $("[data-part=remove]", row).addEventListener("click", () => {
    row.remove();
    onRoutes();
    changed();
  });
  const name = $("[data-builder=name]", row);
  $("[data-builder=add]", row).addEventListener("click", () => addParam(row, changed));
  name.addEventListener("keydown", (event) => {
    if (event.key === "Enter") {
      event.preventDefault();
      addParam(row, changed);
    }
  });
  $("[data-part=method]", row).addEventListener("change", () => showKind(row));
  showKind(row);
  $("#routes").append(row);
  return row;
}

// A typed parameter appended to the row's path as the CLI writes it: {name} (a str) or
// {name:TYPE}. The server judges the name; a refusal shows the CLI's message by the route.
function addParam(row, changed) {
  const path = $("[data-part=path]", row);
  const name = $("[data-builder=name]", row);
  const type = $("[data-builder=type]", row).value;
  const segment = type === "str" ? `{${name.value.trim()}}` : `{${name.value.trim()}:${type}}`;
  path.value = `${path.value.trim().replace(/\/+$/, "")}/${segment}`;
  name.value = "";
  ui.last = path;
  onRoutes();
  changed();
}
