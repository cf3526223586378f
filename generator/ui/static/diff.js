// dualgen ui: the diff of one choice, in both frameworks: what `dualgen diff` prints.
import { $, el, getJSON } from "./dom.js";
import { withQuery } from "./state.js";

function kindOf(line) {
  if (line.startsWith("+") && !line.startsWith("+++")) return "add";
  if (line.startsWith("-") && !line.startsWith("---")) return "del";
  return line.startsWith("@@") ? "hunk" : "ctx";
}

export async function showDiff() {
  const choice = $("#diff-choice").value;
  const { ok, body } = await getJSON(withQuery("/api/diff", `choice=${encodeURIComponent(choice)}`));
  const out = $("#diff-out");
  if (!ok) {
    out.replaceChildren(el("p", { class: "error", text: body.error }));
    return;
  }
  out.replaceChildren(
    ...Object.entries(body.frameworks).map(([framework, result]) => {
      const lines = result.text.replace(/\n$/, "").split("\n").map((line) => el("span", { class: kindOf(line), text: line }));
      return el("div", { class: `col col-${framework}`, "data-diff": framework },
        el("header", {}, el("code", { text: result.command })),
        el("pre", {}, ...lines));
    }),
  );
}
