/* The evidence viewer page: open a bundle from a local file, verify it (evidence-verify.js) and show
 * what it proves: the checks passed or the exact one that failed, the session timeline and each
 * decision's provenance (policy, inputs, rule outcomes, reasons). Nothing leaves the browser.
 * Personal values inside events are sealed ciphertext (domain/personal_data.py): shown as [sealed].
 */
"use strict";
(function () {
  const $ = (id) => document.getElementById(id);
  const STAGES = [
    ["format", "Bundle format (kycledger-evidence-bundle v1)"],
    ["key", "Signed by the pinned checkpoint key"],
    ["signature", "Checkpoint signature (Ed25519, C2SP signed note)"],
    ["events", "Hash chain entries and RFC 9162 inclusion proofs"],
    ["completeness", "Every session event present (versions 1..n)"],
    ["policies", "Policy documents hash to the ids the decisions name"],
  ];

  function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (k === "class") node.className = v; else node.setAttribute(k, v);
    }
    for (const c of children) node.append(c instanceof Node ? c : document.createTextNode(String(c)));
    return node;
  }
  function decodeState(event) {
    try {
      const raw = Uint8Array.from(atob(event.state), (c) => c.charCodeAt(0));
      return JSON.parse(new TextDecoder().decode(raw));
    } catch (e) { return null; }
  }
  function when(value) {
    return value && typeof value === "object" && value._data_ ? value._data_ : "";
  }
  function shortTopic(topic) { return String(topic).split(".").pop(); }
  function sealed(value) {
    if (value && typeof value === "object" && ("_data_" in value) && value._type_ !== "datetime_iso") return "[sealed]";
    return value;
  }
  function summary(topic, s) {
    if (!s) return "";
    const name = shortTopic(topic);
    if (name === "Created") return `checks: ${(s.configuration || {}).checks || []}; liveness: ${(s.configuration || {}).liveness_type || ""}`;
    if (name === "CaptureRecorded") return `${s.kind} (attempt ${s.attempt}), sha256 ${String(s.content_sha256).slice(0, 12)}…`;
    if (name === "CaptureCarriedOver") return `${s.kind} kept from attempt ${s.from_attempt} for attempt ${s.attempt}, sha256 ${String(s.content_sha256).slice(0, 12)}…`;
    if (name === "CheckRequested") return `${s.check} requested (attempt ${s.attempt})`;
    if (name === "CheckCompleted" && s.result) {
      const models = (s.result.models || []).map((m) => `${m.name} ${m.version}`).join(", ");
      const scores = Object.entries(s.result.scores || {}).map(([k, v]) => `${k} ${v}`).join(", ");
      return `${s.result.check}: ${s.result.outcome}${scores ? ` (${scores})` : ""}${
        (s.result.reasons || []).length ? `; reasons ${s.result.reasons.join(", ")}` : ""}${models ? `; models ${models}` : ""}`;
    }
    if (name === "DocumentDataExtracted") return `fields ${Object.keys(s.fields || {}).join(", ")} [sealed]`;
    if (name === "ScoreComputed") return `score ${s.score}`;
    if (name === "DecisionMade" && s.outcome) return `${s.outcome.decision} via ${s.outcome.route}, score ${s.outcome.score}`;
    if (name === "ManualReviewRequested") return `queue ${s.queue}; reason ${s.reason}`;
    if (name === "RetryRequested") return `step ${s.step}; reason ${s.reason}`;
    if (s.reason) return `reason ${sealed(s.reason)}`;
    return "";
  }

  function renderChecks(report) {
    const list = $("checks");
    list.replaceChildren();
    const failedAt = STAGES.findIndex(([stage]) => stage === report.stage);
    STAGES.forEach(([stage, label], index) => {
      let mark = "✓ passed", cls = "pass";
      if (!report.ok && index === failedAt) { mark = "✗ FAILED"; cls = "fail"; }
      else if (!report.ok && index > failedAt) { mark = "– not checked"; cls = "skip"; }
      list.append(el("li", { class: cls, "data-stage": stage, "data-result": cls },
        el("span", { class: "mark" }, mark), " ", label));
    });
  }

  function renderVerdict(report) {
    const verdict = $("verdict");
    verdict.className = report.ok ? "verdict pass" : "verdict fail";
    verdict.dataset.ok = String(report.ok);
    const cp = report.checkpoint;
    const unknownKey = !report.ok && report.stage === "key";
    verdict.replaceChildren(
      el("strong", {}, report.ok ? "✓ Verified against the pinned key"
        : unknownKey ? "✗ Signed by an unknown key" : "✗ Verification failed"),
      el("p", { id: "reason" }, report.ok
        ? `${report.sessions} session(s), ${report.events} events proven against the signed checkpoint of size ${report.checkpoint_size}.`
        : report.reason),
      el("p", { class: "small" }, `Key id ${report.key_id || "?"}${cp ? `; checkpoint ${cp.origin}, size ${cp.size}, ${cp.timestamp}` : ""}`),
    );
  }

  function renderTimeline(report) {
    const body = $("timeline-body");
    body.replaceChildren();
    const bundle = report.bundle;
    if (!bundle || !Array.isArray(bundle.events)) return;
    const bad = !report.ok && report.stage === "events" ? /position (\d+)/.exec(report.reason) : null;
    for (const event of bundle.events) {
      const s = decodeState(event);
      const failed = bad && String(event.position) === bad[1];
      body.append(el("tr", failed ? { class: "failed-row", "aria-invalid": "true" } : {},
        el("td", {}, event.position),
        el("td", {}, s ? when(s.timestamp) : ""),
        el("td", {}, shortTopic(event.topic), failed ? el("span", { class: "flag" }, " ✗ failed") : ""),
        el("td", {}, s ? s.actor || "" : ""),
        el("td", {}, summary(event.topic, s))));
    }
  }

  function renderDecisions(report) {
    const host = $("decisions");
    host.replaceChildren();
    const bundle = report.bundle;
    if (!bundle || !Array.isArray(bundle.events)) return;
    const decisions = bundle.events.filter((e) => e.topic === "kycledger.session.DecisionMade");
    if (!decisions.length) { host.append(el("p", {}, "No decision in this bundle.")); return; }
    if (!report.ok) {
      host.append(el("p", { class: "message bad", role: "note" },
        "⚠ Shown as the bundle claims it: this content did NOT verify and must not be relied on."));
    }
    for (const event of decisions) {
      const s = decodeState(event) || {};
      const o = s.outcome || {};
      const policy = (bundle.policies || {})[s.policy_hash] || {};
      const rules = el("table", { class: "rules" },
        el("caption", {}, "Rule outcomes"),
        el("thead", {}, el("tr", {}, ...["rule", "triggered", "ceiling", "reason codes", "detail"].map((h) => el("th", { scope: "col" }, h)))),
        el("tbody", {}, ...(o.rules || []).map((r) => el("tr", r.triggered ? { class: "triggered" } : {},
          el("td", {}, r.rule), el("td", {}, r.triggered ? "yes ▲" : "no"), el("td", {}, r.ceiling),
          el("td", {}, (r.reason_codes || []).join(", ")), el("td", {}, r.detail || "")))));
      const inputs = el("ul", { class: "inputs" }, ...(s.inputs || []).map((i) =>
        el("li", {}, `${i.originator_id} v${i.originator_version} sha256 ${String(i.sha256).slice(0, 16)}…`)));
      host.append(el("article", { class: "decision" },
        el("h3", {}, `Attempt ${s.attempt}: ${o.decision} (${o.route})`),
        el("dl", {},
          el("dt", {}, "Score"), el("dd", {}, `${o.score} (accept ≥ ${o.accept_threshold}, review ≥ ${o.review_threshold})`),
          el("dt", {}, "Policy"), el("dd", {}, `${policy.name || "?"} version ${policy.version || "?"} — ${s.policy_hash}`),
          el("dt", {}, "Reasons"), el("dd", {}, (o.reason_codes || []).join(", ") || "none"),
          el("dt", {}, "User message"), el("dd", {}, o.user_message_code || "none"),
          el("dt", {}, "Decided at"), el("dd", {}, `${when(s.timestamp)} by ${s.actor || "?"}`)),
        rules,
        el("h4", {}, `Inputs read (${(s.inputs || []).length} events, pinned by content hash)`), inputs));
    }
  }

  let opened = null;  // { name, text } of the last bundle, verified again when another key is pinned

  async function verify() {
    const { name, text } = opened;
    $("verdict").className = "verdict busy";
    $("verdict").textContent = `Verifying ${name}…`;
    const pinned = window.KycPin.current();
    const report = await window.KycEvidence.verifyBundleText(text, pinned ? pinned.key : null);
    renderVerdict(report);
    renderChecks(report);
    renderTimeline(report);
    renderDecisions(report);
    $("results").hidden = false;
    document.body.dataset.verified = report.ok ? "ok" : "failed";
    window.lastEvidenceReport = { ok: report.ok, reason: report.reason, stage: report.stage };
  }

  async function open(file) {
    await window.KycPin.ready;  // the served page's published key is pinned before the first verdict
    opened = { name: file.name, text: await file.text() };
    await verify();
  }
  window.KycPin.onChange(() => { if (opened) verify(); });

  $("bundle-file").addEventListener("change", (e) => {
    const file = e.target.files && e.target.files[0];
    if (file) open(file);
  });
  const drop = $("drop");
  drop.addEventListener("dragover", (e) => { e.preventDefault(); drop.classList.add("over"); });
  drop.addEventListener("dragleave", () => drop.classList.remove("over"));
  drop.addEventListener("drop", (e) => {
    e.preventDefault(); drop.classList.remove("over");
    const file = e.dataTransfer.files && e.dataTransfer.files[0];
    if (file) open(file);
  });
})();
