// dualgen ui: the page's one module. The URL query is the state (the names of dualgen new's
// options); every value shown is set as text (textContent), never parsed as HTML.
const $ = (selector, root = document) => root.querySelector(selector);
const $$ = (selector, root = document) => [...root.querySelectorAll(selector)];
const params = new URLSearchParams(location.search);
let options = null;
let answers = null;
let last = null; // the control changed last: a refusal of a combination is shown beside it
let preview = null;
const selected = { flask: null, express: null };

function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (key === "text") node.textContent = value;
    else if (key === "class") node.className = value;
    else node.setAttribute(key, value);
  }
  for (const child of children) node.append(child);
  return node;
}

async function getJSON(path) {
  const response = await fetch(path, { headers: { Accept: "application/json" } });
  return { ok: response.ok, status: response.status, body: await bodyOf(response) };
}

async function bodyOf(response) {
  if ((response.headers.get("Content-Type") || "").startsWith("application/json")) return response.json();
  return { error: `the server answered ${response.status}: ${(await response.text()).trim().slice(0, 200)}` };
}

const query = () => params.toString();
const presetAnswers = () => (params.get("preset") ? options.presets[params.get("preset")] : {});

// ---- state from controls -------------------------------------------------------------------
function setParam(name, value) {
  if (value === null || value === "") params.delete(name);
  else params.set(name, value);
}

function listParam(name, values) {
  params.delete(name);
  for (const value of values) params.append(name, value);
}

function flagDefault(key) {
  const preset = presetAnswers();
  if (key === "debug") return Boolean(preset.classic);
  if (preset[key]) return true;
  return Object.entries(options.form.needs).some(([on, needs]) => needs[key] && presetAnswers()[on]);
}

function onFlag(input) {
  const key = input.dataset.flag;
  setParam(key, input.checked === flagDefault(key) ? null : String(input.checked));
}

function onMiddleware(input) {
  const chosen = new Set(params.getAll("middleware"));
  if (input.checked) chosen.add(input.dataset.middleware);
  else chosen.delete(input.dataset.middleware);
  const order = options.choices.map((c) => c.key);
  listParam("middleware", order.filter((key) => chosen.has(key)));
}

function onSetting(input) {
  const name = input.dataset.setting;
  const [key, setting] = name.split(".");
  const kept = params.getAll("set").filter((item) => !item.startsWith(`${name}=`));
  const shown = answers?.settings?.[key]?.[setting];
  const current = Array.isArray(shown) ? shown.join(",") : String(shown ?? "");
  const given = params.getAll("set").some((item) => item.startsWith(`${name}=`));
  if (input.value !== "" && (input.value !== current || given)) kept.push(`${name}=${input.value.trim()}`);
  listParam("set", kept);
}

function onRoutes() {
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

function addRouteRow(text = "") {
  const row = $("#route-row").content.firstElementChild.cloneNode(true);
  const [method, path, work, ...fields] = text.split(" ");
  if (method) $("[data-part=method]", row).value = method;
  if (path) $("[data-part=path]", row).value = path;
  if (method === "resource") $("[data-part=fields]", row).value = [work, ...fields].filter(Boolean).join(" ");
  else if (work) {
    const [kind, ms] = work.split("=");
    $("[data-part=kind]", row).value = kind;
    $("[data-part=ms]", row).value = ms;
  }
  $("[data-part=remove]", row).addEventListener("click", () => {
    row.remove();
    onRoutes();
    update();
  });
  const name = $("[data-builder=name]", row);
  $("[data-builder=add]", row).addEventListener("click", () => addParam(row));
  name.addEventListener("keydown", (event) => {
    if (event.key === "Enter") {
      event.preventDefault();
      addParam(row);
    }
  });
  $("[data-part=method]", row).addEventListener("change", () => showKind(row));
  showKind(row);
  $("#routes").append(row);
  return row;
}

// A typed parameter appended to the row's path as the CLI writes it: {name} (a str) or
// {name:TYPE}. The server judges the name; a refusal shows the CLI's message by the route.
function addParam(row) {
  const path = $("[data-part=path]", row);
  const name = $("[data-builder=name]", row);
  const type = $("[data-builder=type]", row).value;
  const segment = type === "str" ? `{${name.value.trim()}}` : `{${name.value.trim()}:${type}}`;
  path.value = `${path.value.trim().replace(/\/+$/, "")}/${segment}`;
  name.value = "";
  last = path;
  onRoutes();
  update();
}

// ---- controls from state -------------------------------------------------------------------
function showControls() {
  const framework = params.get("framework") || "both";
  for (const radio of $$("input[name=framework]")) radio.checked = radio.value === framework;
  for (const card of $$("[data-preset]")) {
    card.setAttribute("aria-pressed", String(card.dataset.preset === (params.get("preset") || "")));
  }
  for (const input of $$("[data-param]")) {
    if (document.activeElement !== input) input.value = params.get(input.dataset.param) || "";
  }
  const chosen = new Set(answers ? answers.middleware : params.getAll("middleware"));
  for (const input of $$("[data-middleware]")) input.checked = chosen.has(input.dataset.middleware);
  for (const input of $$("[data-flag]")) {
    const key = input.dataset.flag;
    input.checked = answers ? Boolean(answers[key]) : params.get(key) === "true";
  }
  for (const input of $$("[data-setting]")) {
    const [key, setting] = input.dataset.setting.split(".");
    const value = answers?.settings?.[key]?.[setting];
    input.disabled = value === undefined;
    if (value !== undefined && document.activeElement !== input && !input.matches(".invalid")) {
      input.value = Array.isArray(value) ? value.join(",") : String(value);
    }
  }
  const presetRoutes = presetAnswers().routes || [];
  $("#preset-routes").replaceChildren(
    ...presetRoutes.map((r) => el("li", { text: `${r.method} ${r.path} (from the preset)` })),
  );
  showRefusals();
}

// What the state says of a rule's other side: the preset, the chosen middleware, or a switch
// the query sets (a switch left to its default is never what a rule refuses).
function current(key) {
  if (key === "preset") return params.get("preset") || "";
  if (key === "middleware") return answers ? answers.middleware : [];
  return params.get(key) || "";
}

function showRefusals() {
  const reasons = new Map();
  const inPreset = new Set(presetAnswers().middleware || []);
  for (const key of inPreset) reasons.set(key, `in the ${params.get("preset")} preset: dualgen new adds to a preset, never removes from it`);
  for (const rule of options.form.excludes) {
    const names = Object.keys(rule.when);
    for (const target of names) {
      const others = names.filter((name) => name !== target);
      const holds = others.every((name) => (name === "middleware" ? current(name).includes(rule.when[name]) : current(name) === rule.when[name]));
      if (!holds || target === "preset") continue;
      if (target === "middleware") {
        if (!current("middleware").includes(rule.when.middleware)) reasons.set(rule.when.middleware, rule.reason);
      } else if (String(!$(`[data-flag="${target}"]`).checked) === rule.when[target]) {
        reasons.set(target, rule.reason);
      }
    }
  }
  for (const box of $$("[data-flag], [data-middleware]")) {
    const key = box.dataset.flag || box.dataset.middleware;
    const reason = reasons.get(key);
    box.disabled = Boolean(reason);
    const note = $(`[data-reason-for="${key}"]`);
    note.hidden = !reason;
    note.textContent = reason ? `Not available: ${reason}` : "";
  }
}

// The CLI's message in the notice; beside the field refused on its own, that field's own message.
function showError(message, field, own) {
  for (const note of $$(".error")) note.hidden = true;
  for (const input of $$(".invalid")) input.classList.remove("invalid");
  const notice = $("#notice");
  if (!message) {
    notice.hidden = !notice.dataset.unapplied;
    notice.textContent = notice.dataset.unapplied || "";
    return;
  }
  let target = field && $(`[data-error-for="${field}"]`);
  if (field === "set" && last?.dataset.setting) target = $(`[data-error-for="set:${last.dataset.setting.split(".")[0]}"]`);
  if (!target && last) target = last.closest(".choice, section")?.querySelector(".error");
  if (target) {
    target.hidden = false;
    target.textContent = (target.dataset.errorFor.split(":")[0] === field && own) || message;
  }
  if (last) last.classList.add("invalid");
  notice.hidden = false;
  notice.textContent = `Not applied: ${message}`;
}

// ---- preview, concept map, diff ------------------------------------------------------------
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

function showPreview(data) {
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

function openHash() {
  const match = /^#(flask|express):(.+):(\d+)$/.exec(decodeURIComponent(location.hash));
  if (preview && match) showFile(match[1], match[2], Number(match[3]));
}

async function showDiff() {
  const choice = $("#diff-choice").value;
  const { ok, body } = await getJSON(`/api/diff?${query()}${query() ? "&" : ""}choice=${encodeURIComponent(choice)}`);
  const out = $("#diff-out");
  if (!ok) {
    out.replaceChildren(el("p", { class: "error", text: body.error }));
    return;
  }
  out.replaceChildren(
    ...Object.entries(body.frameworks).map(([framework, result]) => {
      const lines = result.text.replace(/\n$/, "").split("\n").map((line) => {
        const kind = line.startsWith("+") && !line.startsWith("+++") ? "add" : line.startsWith("-") && !line.startsWith("---") ? "del" : line.startsWith("@@") ? "hunk" : "ctx";
        return el("span", { class: kind, text: line });
      });
      return el("div", { class: `col col-${framework}`, "data-diff": framework },
        el("header", {}, el("code", { text: result.command })),
        el("pre", {}, ...lines));
    }),
  );
}

// ---- take it -------------------------------------------------------------------------------
function showTake(data) {
  $("#command").textContent = data.command;
  $("#curl").textContent = data.curl;
  const q = data.query ? `?${data.query}` : "";
  $("#download").href = `/starter.zip${q}`;
  $("#answers-link").href = `/answers.yaml${q}`;
  $("#answers-link").setAttribute("download", data.answers_file);
}

async function write(force) {
  const result = $("#write-result");
  result.textContent = "Writing…";
  const response = await fetch(`/api/write?${query()}${force ? `${query() ? "&" : ""}force=true` : ""}`, { method: "POST" });
  const body = await bodyOf(response);
  if (response.status === 409 && !force) {
    result.textContent = "";
    $("#confirm-text").textContent = body.error;
    $("#confirm").showModal();
    return;
  }
  result.textContent = response.ok ? `Wrote ${body.written.join(", ")}` : `Not written: ${body.error}`;
}

// ---- recent and favourites -----------------------------------------------------------------
const stored = (name) => JSON.parse(localStorage.getItem(`dualgen-ui-${name}`) || "[]");
const store = (name, items) => localStorage.setItem(`dualgen-ui-${name}`, JSON.stringify(items));

function remember(data) {
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

function showSaved() {
  for (const name of ["recent", "favourites"]) $(`#${name}`).replaceChildren(...stored(name).map((item) => savedItem(item, name)));
  $("#export").disabled = stored("favourites").length === 0;
}

async function exportFavourites() {
  // One request names every favourite (config=its query); the server builds the answer files.
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

// ---- the loop ------------------------------------------------------------------------------
let pending = 0;
async function update() {
  const ticket = ++pending;
  history.replaceState(null, "", `/${query() ? `?${query()}` : ""}${location.hash}`);
  const { ok, body } = await getJSON(`/api/preview?${query()}`);
  if (ticket !== pending) return;
  document.body.dataset.state = ok ? "ok" : "refused";
  if (!ok) {
    showError(body.error, body.field, body.field_error);
    return;
  }
  answers = body.answers;
  showError(null);
  showControls();
  showTake(body);
  showPreview(body);
  remember(body);
}

async function applyLink() {
  // Parameters a link names that the page does not know, and values refused one by one, are
  // listed and left out; the rest is applied.
  const known = new Set(options.form.parameters.map((p) => p.name));
  const dropped = [];
  for (const name of [...new Set(params.keys())]) {
    if (!known.has(name)) {
      dropped.push(...params.getAll(name).map((v) => `${name}=${v}`));
      params.delete(name);
    }
  }
  for (let tries = 0; tries < 20; tries++) {
    const { ok, body } = await getJSON(`/api/command?${query()}`);
    if (ok || !body.field) break;
    dropped.push(...params.getAll(body.field).map((v) => `${body.field}=${v} (${body.field_error})`));
    params.delete(body.field);
  }
  if (dropped.length) $("#notice").dataset.unapplied = `Not applied from the link: ${dropped.join("; ")}`;
}

function debounce(fn, ms) {
  let timer = 0;
  return (...args) => {
    clearTimeout(timer);
    timer = setTimeout(() => fn(...args), ms);
  };
}

function wire() {
  const form = $("#choices");
  const typed = debounce(update, 250);
  form.addEventListener("change", (event) => {
    const input = event.target;
    if (input.dataset.builder) return; // a parameter not yet added to its path
    last = input;
    if (input.name === "framework") setParam("framework", input.value === "both" ? null : input.value);
    else if (input.dataset.flag) onFlag(input);
    else if (input.dataset.middleware) onMiddleware(input);
    else if (input.dataset.setting) onSetting(input);
    else if (input.dataset.part) onRoutes();
    else if (input.dataset.param) setParam(input.dataset.param, input.value.trim());
    update();
  });
  form.addEventListener("input", (event) => {
    const input = event.target;
    if (!input.dataset.param) return;
    last = input;
    setParam(input.dataset.param, input.dataset.param === "name" ? input.value : input.value.trim());
    typed();
  });
  for (const card of $$("[data-preset]")) {
    card.addEventListener("click", () => {
      last = card;
      setParam("preset", card.dataset.preset || null);
      const inPreset = new Set(presetAnswers().middleware || []);
      listParam("middleware", params.getAll("middleware").filter((key) => !inPreset.has(key)));
      answers = null;
      update();
    });
  }
  $("#route-add").addEventListener("click", () => $("[data-part=path]", addRouteRow()).focus());
  $("#filter").addEventListener("input", filter);
  $("#diff-show").addEventListener("click", showDiff);
  $("#write").addEventListener("click", () => write(false));
  $("#confirm-yes").addEventListener("click", () => {
    $("#confirm").close();
    write(true);
  });
  $("#confirm-no").addEventListener("click", () => $("#confirm").close());
  $("#export").addEventListener("click", exportFavourites);
  $("#favourite").addEventListener("click", () => {
    const item = { query: query(), command: $("#command").textContent };
    store("favourites", [item, ...stored("favourites").filter((f) => f.query !== item.query)]);
    showSaved();
  });
  for (const button of $$("[data-copy]")) {
    button.addEventListener("click", async () => {
      await navigator.clipboard.writeText($(`#${button.dataset.copy}`).textContent);
      button.textContent = "Copied";
      setTimeout(() => (button.textContent = button.dataset.copy === "command" ? "Copy command" : "Copy curl line"), 1500);
    });
  }
  $("#shortcuts-open").addEventListener("click", () => $("#shortcuts").showModal());
  $("#shortcuts-close").addEventListener("click", () => $("#shortcuts").close());
  $("#theme").addEventListener("click", () => setTheme(document.documentElement.dataset.theme === "dark" ? "light" : "dark", true));
  window.addEventListener("hashchange", openHash);
  document.addEventListener("keydown", shortcut);
}

function filter() {
  const words = $("#filter").value.toLowerCase().split(/\s+/).filter(Boolean);
  for (const choice of $$("#choices .choice")) {
    const text = (choice.dataset.text || "").toLowerCase();
    choice.hidden = !words.every((word) => text.includes(word));
  }
}

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
  const button = $("#theme");
  button.setAttribute("aria-pressed", String(theme === "dark"));
  if (remembered) localStorage.setItem("dualgen-ui-theme", theme);
}

async function start() {
  const system = matchMedia("(prefers-color-scheme: dark)").matches ? "dark" : "light";
  setTheme(localStorage.getItem("dualgen-ui-theme") || system, false);
  options = (await getJSON("/api/options")).body;
  wire();
  showSaved();
  await applyLink();
  for (const text of params.getAll("route")) addRouteRow(text);
  await update();
  document.body.dataset.ready = "true";
}

start();
