// dualgen ui: the preview. Both trees side by side, highlighted as dualgen compare does, the
// concept map linking one idea across the two, and a deep link (#flask:app.py:7) to a line.
import { $, $$, el } from "./dom.js";

let preview = null;
const selected = { flask: null, express: null };

function codeRows(framework, file) {
  return file.tokens.map((row, index) => {
    const number = index + 1;
    const line = el("div", { class: "row", id: `${framework}:${file.path}:${number}` });
    line.append(el("a", { class: "ln", href: `#${framework}:${file.path}:${number}`, text: String(number) }));
    for (const [kind, text] of row) line.append(kind ? el("span", { class: kind, text }) : text);
    return line;
  });
}

function showFile(framework, path, line) {
  const tree = preview.trees[framework];
  const file = tree.files.find((f) => f.path === path) || tree.files[0];
  selected[framework] = file.path;
  for (const button of $$(`[data-files="${framework}"] button`)) {
    button.setAttribute("aria-current", String(button.dataset.path === file.path));
  }
  const view = $(`[data-code="${framework}"]`);
  const title = el("h3", { class: "where", text: `${tree.root}/${file.path}` });
  const body = file.tokens ? el("pre", {}, ...codeRows(framework, file)) : el("p", { text: "(binary file)" });
  view.replaceChildren(title, body);
  if (line) {
    const row = document.getElementById(`${framework}:${file.path}:${line}`);
    if (row) {
      row.classList.add("target");
      view.scrollTop = row.offsetTop - view.offsetTop - view.clientHeight / 2; // the code, not the page
    }
  }
}

export function showPreview(data) {
  preview = data;
  for (const framework of ["flask", "express"]) {
    const tree = data.trees[framework];
    const figures = tree.figures;
    $(`[data-figures="${framework}"]`).textContent = `${figures.files} files, ${figures.lines} lines`;
    const list = $(`[data-files="${framework}"]`);
    list.replaceChildren(
      ...tree.files.map((file) => {
        const button = el("button", { type: "button", "data-path": file.path, text: `${file.path} (${file.lines})` });
        button.addEventListener("click", () => (location.hash = `${framework}:${file.path}:1`));
        return el("li", {}, button);
      }),
    );
    const app = data.concepts.find((c) => c.key === "app")?.places[framework]?.file;
    const keep = tree.files.some((f) => f.path === selected[framework]) ? selected[framework] : app;
    showFile(framework, keep);
  }
  showConcepts(data);
  openHash();
}

function place(framework, where) {
  if (!where) return el("span", { class: "muted", text: "—" });
  const end = where.end_line && where.end_line !== where.line ? `-${where.end_line}` : "";
  return el("a", { href: `#${framework}:${where.file}:${where.line}`, text: `${where.file}:${where.line}${end}` });
}

function declaredList(items) {
  return items.map((d) =>
    el("details", { class: "declared" },
      el("summary", { text: `Declared difference: ${d.title}` }),
      el("p", { text: `Flask: ${d.flask}` }),
      el("p", { text: `Express: ${d.express}` }),
      el("p", { text: `Why: ${d.why}` }),
      ...(d.example ? [el("p", { text: `Try: ${d.example}${d.answered ? ` → ${d.answered}` : ""}` })] : []),
    ),
  );
}

function showConcepts(data) {
  const rows = [];
  for (const concept of data.concepts.filter((c) => c.applies)) {
    rows.push(el("tr", {},
      el("th", { scope: "row", text: concept.title }),
      el("td", {}, place("flask", concept.places.flask)),
      el("td", {}, place("express", concept.places.express)),
    ));
    if (concept.declared.length) rows.push(el("tr", { class: "declared-row" }, el("td", { colspan: "3" }, ...declaredList(concept.declared))));
  }
  $("#concept-rows").replaceChildren(...rows);
  $("#declared-elsewhere").replaceChildren(...declaredList(data.declared_elsewhere));
}

// The file and line the fragment names, once a preview is shown.
export function openHash() {
  const match = /^#(flask|express):(.+):(\d+)$/.exec(decodeURIComponent(location.hash));
  if (preview && match) showFile(match[1], match[2], Number(match[3]));
}
