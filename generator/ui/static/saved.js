// dualgen ui: recent and favourite configurations, kept in the browser's localStorage (which
// the user or another page may change: what it holds is shown as text, and the server judges
// it), and exported as answer files for a class.
import { $, bodyOf, el } from "./dom.js";
import { query } from "./state.js";

const stored = (name) => JSON.parse(localStorage.getItem(`dualgen-ui-${name}`) || "[]");
const store = (name, items) => localStorage.setItem(`dualgen-ui-${name}`, JSON.stringify(items));

export function remember(data) {
  const recent = [{ query: data.query, command: data.command }, ...stored("recent").filter((r) => r.query !== data.query)];
  store("recent", recent.slice(0, 10));
  showSaved();
}

function savedItem(item, name) {
  const q = item.query ? `?${item.query}` : "";
  const li = el("li", {}, el("a", { href: `/${q}`, text: item.command }), " ",
    el("a", { href: `/answers.yaml${q}`, download: "", text: "answer file" }));
  if (name === "favourites") {
    const remove = el("button", { type: "button", text: "Remove" });
    remove.addEventListener("click", () => {
      store(name, stored(name).filter((f) => f.query !== item.query));
      showSaved();
    });
    li.append(" ", remove);
  }
  return li;
}

export function showSaved() {
  for (const name of ["recent", "favourites"]) $(`#${name}`).replaceChildren(...stored(name).map((item) => savedItem(item, name)));
  $("#export").disabled = stored("favourites").length === 0;
}

// One request names every favourite (config=its query); the server builds the answer files.
async function exportFavourites() {
  const result = $("#export-result");
  const items = stored("favourites");
  const configs = items.map((item) => `config=${encodeURIComponent(item.query)}`).join("&");
  const response = await fetch(`/answers.zip?${configs}`);
  if (!response.ok) {
    result.textContent = `Not exported: ${(await bodyOf(response)).error}`;
    return;
  }
  const url = URL.createObjectURL(await response.blob());
  const link = el("a", { href: url, download: "dualgen-answers.zip", hidden: "" });
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
  result.textContent = `Exported ${items.length} answer ${items.length === 1 ? "file" : "files"}`;
}

export function wireSaved() {
  $("#export").addEventListener("click", exportFavourites);
  $("#favourite").addEventListener("click", () => {
    const item = { query: query(), command: $("#command").textContent };
    store("favourites", [item, ...stored("favourites").filter((f) => f.query !== item.query)]);
    showSaved();
  });
  showSaved();
}
