// dualgen ui: the DOM and fetch helpers every module uses. Every value is set as text
// (textContent), never parsed as HTML.
export const $ = (selector, root = document) => root.querySelector(selector);
export const $$ = (selector, root = document) => [...root.querySelectorAll(selector)];

export function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (key === "text") node.textContent = value;
    else if (key === "class") node.className = value;
    else node.setAttribute(key, value);
  }
  for (const child of children) node.append(child);
  return node;
}

export async function getJSON(path) {
  const response = await fetch(path, { headers: { Accept: "application/json" } });
  return { ok: response.ok, status: response.status, body: await bodyOf(response) };
}

export async function bodyOf(response) {
  if ((response.headers.get("Content-Type") || "").startsWith("application/json")) return response.json();
  return { error: `the server answered ${response.status}: ${(await response.text()).trim().slice(0, 200)}` };
}
