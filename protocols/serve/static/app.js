// The live page of `protocols serve`: renders /api/summary, then every summary the server
// pushes on /api/stream (server-sent events). Everything that comes from a message is set as
// text (textContent), never as HTML, so a message cannot add markup or script to this page.
"use strict";

(function () {
  const $ = (id) => document.getElementById(id);

  function el(tag, text, className) {
    const node = document.createElement(tag);
    if (text !== undefined && text !== null) node.textContent = String(text);
    if (className) node.className = className;
    return node;
  }

  function row(cells, className) {
    const tr = el("tr", null, className);
    for (const cell of cells) {
      const td = el("td");
      if (cell instanceof Node) td.appendChild(cell); else td.textContent = String(cell);
      tr.appendChild(td);
    }
    return tr;
  }

  function fill(table, rows) {
    const body = table.tBodies[0];
    body.replaceChildren(...rows);
  }

  function when(iso) {
    return iso ? new Date(iso).toLocaleTimeString() : "";
  }

  function renderPlan(plan) {
    if (!plan) return;
    const version = plan.version ? plan.version : "(no version)";
    $("plan").textContent = "Plan in force: " + plan.id + " " + version + " (" + plan.file +
      ", revision " + plan.revision + ", sha256 " + plan.digest + ", loaded " +
      when(new Date(plan.loaded_at * 1000).toISOString()) + ")";
    const error = $("plan-error");
    if (plan.broken) {
      error.hidden = false;
      error.textContent = "The plan file changed and does not load (" +
        when(new Date(plan.failed_at * 1000).toISOString()) + "); revision " + plan.revision +
        " stays in force:\n" + plan.errors.join("\n");
    } else {
      error.hidden = true;
      error.textContent = "";
    }
  }

  function renderCounts(counts) {
    $("count-all").textContent = counts.all;
    $("count-good").textContent = counts.good;
    $("count-bad").textContent = counts.bad;
    $("count-refused").textContent = counts.refused;
    fill($("events"), Object.entries(counts.by_event).map(([name, c]) =>
      row([name, c.messages, c.bad], c.bad ? "has-bad" : "")));
    fill($("codes"), Object.entries(counts.by_code).map(([code, c]) =>
      row([code, c.name, c.count])));
    fill($("keys"), Object.entries(counts.by_write_key).map(([key, c]) =>
      row([key, c.messages, c.bad])));
  }

  function renderDrift(summary) {
    const rows = [];
    for (const entry of summary.drift) {
      const what = entry.kind === "event-name" ? entry.canonical
        : (entry.event || "") + " \u203a " + (entry.property || entry.canonical);
      entry.variants.forEach((variant, index) => {
        rows.push(row([index === 0 ? entry.kind : "", index === 0 ? what : "",
                       variant.source, variant.value, variant.count],
                      index === 0 ? "drift-first" : ""));
      });
    }
    fill($("drift"), rows);
    $("drift").hidden = rows.length === 0;
    $("drift-empty").hidden = rows.length !== 0;
    $("source-field").textContent = "(sources by " + summary.source_field + ")";
    const note = $("drift-note");
    const more = summary.drift_total > summary.drift.length
      ? summary.drift_total - summary.drift.length + " more rows in /api/drift. " : "";
    note.textContent = more + (summary.drift_note || "");
    note.hidden = note.textContent === "";
  }

  function finding(f) {
    const item = el("li", null, "finding " + f.severity);
    item.appendChild(el("span", f.code + " " + f.name, "code"));
    item.appendChild(el("span", " " + f.message));
    if (f.path) item.appendChild(el("span", " at " + f.path, "path"));
    if (f.plan_rule) item.appendChild(el("span", " (plan rule " + f.plan_rule + ")", "rule"));
    return item;
  }

  function renderLatest(latest) {
    const items = latest.map((m) => {
      const item = el("li", null, "message " + m.status);
      const head = el("div", null, "head");
      head.appendChild(el("span", when(m.received_at), "time"));
      head.appendChild(el("span", m.status, "badge " + m.status));
      head.appendChild(el("span", m.type || "?", "type"));
      head.appendChild(el("span", m.sent_name || m.event || "", "event"));
      head.appendChild(el("span", "write key " + m.write_key, "key"));
      head.appendChild(el("span", "source " + m.source, "source"));
      item.appendChild(head);
      const findings = el("ul", null, "findings");
      for (const f of m.findings) findings.appendChild(finding(f));
      if (m.note) findings.appendChild(el("li", m.note, "finding error"));
      if (findings.childElementCount) item.appendChild(findings);
      const details = el("details");
      details.appendChild(el("summary", "message"));
      details.appendChild(el("pre", m.message !== null ? JSON.stringify(m.message, null, 2)
                                                         : m.raw));
      item.appendChild(details);
      return item;
    });
    $("latest").replaceChildren(...items);
    $("latest-empty").hidden = items.length !== 0;
  }

  function render(summary) {
    renderPlan(summary.plan);
    renderCounts(summary.counts);
    renderDrift(summary);
    renderLatest(summary.latest);
    const refusal = $("refusal");
    refusal.hidden = !summary.last_refusal;
    refusal.textContent = summary.last_refusal ? "Last refused or failed request: " +
      summary.last_refusal : "";
    const files = summary.files;
    $("files").textContent = "Good messages go to " + files.good + ", bad ones to " +
      files.bad + (files.reasons ? " (reasons in " + files.reasons + ")" : "") +
      ". Limits: " + summary.limits.max_body + " bytes a body, " +
      summary.limits.max_batch + " messages a batch; the latest " + summary.limits.keep +
      " messages are kept for the API.";
    document.body.dataset.version = String(summary.version);
  }

  function connect() {
    const live = $("live");
    const source = new EventSource("/api/stream");
    source.addEventListener("summary", (event) => {
      render(JSON.parse(event.data));
      live.textContent = "live";
      live.className = "live on";
    });
    source.onerror = () => {
      live.textContent = "reconnecting";
      live.className = "live off";
    };
  }

  document.addEventListener("DOMContentLoaded", () => {
    $("reset").addEventListener("click", () => {
      fetch("/api/reset", { method: "POST" });
    });
    fetch("/api/summary").then((r) => r.json()).then(render).finally(connect);
  });
})();
