// dualgen ui: take it. The command and curl line, the zip and answer file links, writing
// under --out (a confirmation before replacing a project; never a way outside --out), and
// copying a line.
import { $, $$, bodyOf } from "./dom.js";
import { withQuery } from "./state.js";

export function showTake(data) {
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
  const response = await fetch(withQuery("/api/write", force ? "force=true" : ""), { method: "POST" });
  const body = await bodyOf(response);
  if (response.status === 409 && body.exists && !force) {
    result.textContent = "";
    $("#confirm-text").textContent = body.error;
    $("#confirm").showModal();
    return;
  }
  result.textContent = response.ok ? `Wrote ${body.written.join(", ")}` : `Not written: ${body.error}`;
}

const COPY_LABELS = { command: "Copy command", curl: "Copy curl line" };

export function wireTake() {
  $("#write").addEventListener("click", () => write(false));
  $("#confirm-yes").addEventListener("click", () => {
    $("#confirm").close();
    write(true);
  });
  $("#confirm-no").addEventListener("click", () => $("#confirm").close());
  for (const button of $$("[data-copy]")) {
    button.addEventListener("click", async () => {
      await navigator.clipboard.writeText($(`#${button.dataset.copy}`).textContent);
      button.textContent = "Copied";
      setTimeout(() => (button.textContent = COPY_LABELS[button.dataset.copy]), 1500);
    });
  }
}
