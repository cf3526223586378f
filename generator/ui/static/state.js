// dualgen ui: the state. The URL query is the state (the names of dualgen new's options);
// `ui` holds what the server said of it and the control changed last.
import { $, getJSON } from "./dom.js";

export const params = new URLSearchParams(location.search);
export const ui = {
  options: null, // GET /api/options
  answers: null, // the answers of the last state the server took
  last: null, // the control changed last: a refusal of a combination is shown beside it
};

export const query = () => params.toString();
export const presetAnswers = () => (params.get("preset") ? ui.options.presets[params.get("preset")] : {});

// An API path with the state's query and, after it, more parameters (already encoded).
export function withQuery(path, more = "") {
  const joined = [query(), more].filter(Boolean).join("&");
  return joined ? `${path}?${joined}` : path;
}

export function setParam(name, value) {
  if (value === null || value === "") params.delete(name);
  else params.set(name, value);
}

export function listParam(name, values) {
  params.delete(name);
  for (const value of values) params.append(name, value);
}

// What a switch is when the query does not name it: the preset's value, or on when a chosen
// preset's middleware needs it.
export function flagDefault(key) {
  const preset = presetAnswers();
  if (key === "debug") return Boolean(preset.classic);
  if (preset[key]) return true;
  return Object.entries(ui.options.form.needs).some(([on, needs]) => needs[key] && preset[on]);
}

// Parameters a link names that the page does not know, and values refused one by one, are
// listed and left out; the rest is applied.
export async function applyLink() {
  const known = new Set(ui.options.form.parameters.map((p) => p.name));
  const dropped = [];
  for (const name of [...new Set(params.keys())]) {
    if (!known.has(name)) {
      dropped.push(...params.getAll(name).map((v) => `${name}=${v}`));
      params.delete(name);
    }
  }
  for (let tries = 0; tries < 20; tries++) {
    const { ok, body } = await getJSON(withQuery("/api/command"));
    if (ok || !body.field) break;
    dropped.push(...params.getAll(body.field).map((v) => `${body.field}=${v} (${body.field_error})`));
    params.delete(body.field);
  }
  if (dropped.length) $("#notice").dataset.unapplied = `Not applied from the link: ${dropped.join("; ")}`;
}
