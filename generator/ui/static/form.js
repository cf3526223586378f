// dualgen ui: the form. Controls write the state (on*), the state and the server's answers
// are shown in the controls (showControls), refusals beside what they refuse.
import { $, $$, el } from "./dom.js";
import { flagDefault, listParam, params, presetAnswers, setParam, ui } from "./state.js";

export function onFlag(input) {
  const key = input.dataset.flag;
  setParam(key, input.checked === flagDefault(key) ? null : String(input.checked));
}

export function onMiddleware(input) {
  const chosen = new Set(params.getAll("middleware"));
  if (input.checked) chosen.add(input.dataset.middleware);
  else chosen.delete(input.dataset.middleware);
  const order = ui.options.choices.map((c) => c.key);
  listParam("middleware", order.filter((key) => chosen.has(key)));
}

export function onSetting(input) {
  const name = input.dataset.setting;
  const [key, setting] = name.split(".");
  const kept = params.getAll("set").filter((item) => !item.startsWith(`${name}=`));
  const shown = ui.answers?.settings?.[key]?.[setting];
  const current = Array.isArray(shown) ? shown.join(",") : String(shown ?? "");
  const given = params.getAll("set").some((item) => item.startsWith(`${name}=`));
  if (input.value !== "" && (input.value !== current || given)) kept.push(`${name}=${input.value.trim()}`);
  listParam("set", kept);
}

export function showControls() {
  const { answers } = ui;
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
  if (key === "middleware") return ui.answers ? ui.answers.middleware : [];
  return params.get(key) || "";
}

// Each control an impossible pair would hold: the rule's reason, the CLI's own message.
function refusals() {
  const reasons = new Map();
  const inPreset = new Set(presetAnswers().middleware || []);
  for (const key of inPreset) reasons.set(key, `in the ${params.get("preset")} preset: dualgen new adds to a preset, never removes from it`);
  for (const rule of ui.options.form.excludes) {
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
  return reasons;
}

function showRefusals() {
  const reasons = refusals();
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
export function showError(message, field, own) {
  const { last } = ui;
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

export function filter() {
  const words = $("#filter").value.toLowerCase().split(/\s+/).filter(Boolean);
  for (const choice of $$("#choices .choice")) {
    const text = (choice.dataset.text || "").toLowerCase();
    choice.hidden = !words.every((word) => text.includes(word));
  }
}
