/* The console page: sign in as a person (login, password, authenticator code), show who is signed in,
 * sign out. The session lives in an HttpOnly cookie the page cannot read; the page keeps only the
 * CSRF token it was given, in memory, for the requests that change something
 * (api/web/console/cookies.py). No API secret is ever part of this page. */
const $ = (id) => document.getElementById(id);
let csrf = null;

let person = null;
let openCase = null;

function show(screen) {
  for (const id of ["screen-loading", "screen-sign-in", "screen-home", "screen-case", "screen-audit"]) {
    $(id).hidden = id !== screen;
  }
  $("queue").hidden = !(screen === "screen-home" && isReviewer());
  $("audit").hidden = !(screen === "screen-home" && isAuditor());
  $("admin").hidden = !(screen === "screen-home" && isAdmin());
  document.body.dataset.screen = screen;
}

function isAuditor() {
  return !!person && person.roles.includes("auditor");
}

function isAdmin() {
  return !!person && person.roles.includes("admin");
}

function isReviewer() {
  return !!person && (person.roles.includes("reviewer") || person.roles.includes("compliance"));
}

function el(tag, attrs, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (k === "class") node.className = v; else node.setAttribute(k, v);
  }
  for (const c of children) node.append(c instanceof Node ? c : document.createTextNode(String(c ?? "")));
  return node;
}

async function call(method, path, body) {
  const headers = { "Accept": "application/json" };
  if (body !== undefined) headers["Content-Type"] = "application/json";
  if (method !== "GET" && csrf) headers["X-CSRF-Token"] = csrf;
  const answer = await fetch(path, { method, headers, credentials: "same-origin", cache: "no-store",
    body: body === undefined ? undefined : JSON.stringify(body) });
  const data = answer.status === 204 ? null : await answer.json().catch(() => null);
  return { status: answer.status, data };
}

function home(signedIn) {
  person = signedIn;
  csrf = person.csrf_token;
  $("who").textContent = person.display_name;
  $("roles").textContent = person.roles.join(", ");
  $("expires").textContent = new Date(person.expires_at).toLocaleString();
  show("screen-home");
  $("announce").textContent = `Signed in as ${person.display_name}.`;
  $("home-title").focus?.();
  if (isReviewer()) loadQueue();
  if (isAdmin()) loadAdmin();
}

// --- tenant admin: people and keys (read-only) ------------------------------------------------
async function loadAdmin() {
  const [members, keys] = await Promise.all([call("GET", "/console/api/admin/members"),
    call("GET", "/console/api/admin/keys")]);
  if (members.status !== 200 || keys.status !== 200) {
    $("announce").textContent = "The tenant's people and keys cannot be shown.";
    return;
  }
  const names = Object.fromEntries(members.data.members.map((m) => [m.member_id, m.display_name]));
  $("members-body").replaceChildren(...members.data.members.map((m) => el("tr", { "data-member": m.member_id },
    el("td", {}, m.display_name), el("td", {}, m.member_id), el("td", {}, m.roles.join(", ")),
    el("td", {}, m.active ? "active" : "deactivated"))));
  $("keys-body").replaceChildren(...keys.data.keys.map((k) => el("tr", { "data-key": k.api_key_id },
    el("td", {}, k.api_key_id), el("td", {}, k.role),
    el("td", {}, k.member_id ? `${names[k.member_id] || k.member_id}` : "integration (servers)"),
    el("td", {}, k.environment), el("td", {}, k.revoked ? "revoked" : "active"))));
  document.body.dataset.adminLoaded = String(members.data.members.length);
}

// --- audit: search, proven timeline, replay, what-if, bundle, access log ----------------------
let searchCursor = null;
let auditCase = null;

async function search(more) {
  const params = new URLSearchParams({ limit: "20" });
  for (const [key, id] of [["status", "search-status"], ["route", "search-route"], ["reviewer", "search-reviewer"]]) {
    if ($(id).value.trim()) params.set(key, $(id).value.trim());
  }
  for (const [key, id] of [["from", "search-from"], ["to", "search-to"]]) {
    if ($(id).value) params.set(key, new Date($(id).value).toISOString());
  }
  if (more && searchCursor) params.set("cursor", searchCursor);
  const answer = await call("GET", `/console/api/audit/sessions?${params}`);
  if (answer.status !== 200) { $("announce").textContent = `Search refused: ${answer.data ? answer.data.message : answer.status}.`; return; }
  const body = $("search-body");
  if (!more) body.replaceChildren();
  for (const s of answer.data.sessions) {
    const open = el("button", { type: "button", class: "secondary", "data-audit": s.id,
      "aria-label": `Open session ${s.reference || s.id}` }, "Open");
    open.addEventListener("click", () => openAudit(s.id));
    body.append(el("tr", { "data-session-row": s.id }, el("td", {}, s.created_at.replace("+00:00", "Z")),
      el("td", {}, s.reference || ""), el("td", {}, s.status), el("td", {}, s.route || ""),
      el("td", {}, s.decision ? `${s.decision.by}: ${s.decision.decision}` : ""),
      el("td", {}, s.reviewers.map((r) => r.name || r.id).join(", ")), el("td", {}, open)));
  }
  searchCursor = answer.data.next_cursor;
  $("search-more").hidden = !searchCursor;
  document.body.dataset.searched = String(body.children.length);
  $("announce").textContent = `${body.children.length} session(s) found.`;
}

async function openAudit(id) {
  const answer = await call("GET", `/console/api/audit/sessions/${id}`);
  if (answer.status !== 200) { $("announce").textContent = `The session cannot be opened (${answer.status}).`; return; }
  auditCase = answer.data;
  $("audit-case-title").textContent = `Session ${id} — ${auditCase.status}`;
  $("audit-checkpoint").textContent = `Every line is proven against the signed checkpoint of size ${auditCase.checkpoint.tree_size} `
    + `(${auditCase.checkpoint.note.split("\n")[0]}).`;
  $("audit-timeline").replaceChildren(...auditCase.events.map((e) => el("tr", {},
    el("td", {}, e.position), el("td", {}, e.recorded_at.replace("+00:00", "Z")), el("td", {}, e.topic.split(".").pop()),
    el("td", {}, e.actor), el("td", {}, el("code", {}, `${e.entry_hash.slice(0, 16)}…`)),
    el("td", {}, `${e.inclusion_proof.length} hashes`))));
  const policy = (auditCase.decisions[0] || {}).policy;
  $("what-if-policy").value = policy ? JSON.stringify(policy, null, 1) : "";
  $("replay-result").textContent = "";
  $("what-if-result").textContent = "";
  $("bundle-link").href = `/console/api/audit/sessions/${id}/bundle`;
  const log = await call("GET", `/console/api/audit/sessions/${id}/access-log`);
  $("access-log").replaceChildren(...(log.data ? log.data.reads : []).map((r) => el("tr", {},
    el("td", {}, r.at.replace("+00:00", "Z")), el("td", {}, r.person.name || r.key_id), el("td", {}, r.role),
    el("td", {}, r.resource))));
  show("screen-audit");
  document.body.dataset.auditOpen = id;
  $("audit-case-title").focus();
}

async function replay() {
  const answer = await call("GET", `/console/api/audit/sessions/${auditCase.session_id}/replay`);
  $("replay-result").textContent = answer.status !== 200 ? `Replay failed (${answer.status}).`
    : answer.data.reproduced ? `Reproduced exactly: ${answer.data.decisions.length} decision(s) recomputed from the recorded inputs under the recorded policy.`
    : `NOT reproduced: ${answer.data.decisions.map((d) => d.differences.join(", ")).join("; ")}`;
}

async function whatIf() {
  let policy;
  try { policy = JSON.parse($("what-if-policy").value); } catch (e) {
    $("what-if-result").textContent = `The policy is not valid JSON: ${e.message}`; return;
  }
  const answer = await call("POST", `/console/api/audit/sessions/${auditCase.session_id}/what-if`, { policy });
  $("what-if-result").textContent = answer.status !== 200 ? `Not evaluated: ${answer.data ? answer.data.message : answer.status}.`
    : answer.data.decisions.map((d) => `attempt ${d.attempt}: recorded ${d.recorded.decision} (${d.recorded.route}), `
      + `under this policy ${d.proposed.decision} (${d.proposed.route})${d.changed ? " — changed" : " — unchanged"}`).join("; ");
}

// --- review queue --------------------------------------------------------------------------
async function loadQueue() {
  const params = new URLSearchParams({ assignee: $("filter-assignee").value,
    older_than_minutes: String(Number($("filter-age").value) || 0) });
  if ($("filter-queue").value) params.set("queue", $("filter-queue").value);
  if ($("filter-route").value) params.set("route", $("filter-route").value);
  if ($("filter-risk").value !== "") params.set("max_score", String(Number($("filter-risk").value)));
  const answer = await call("GET", `/console/api/queue?${params}`);
  if (answer.status === 401) { show("screen-sign-in"); return; }
  const body = $("queue-body");
  body.replaceChildren();
  for (const c of answer.data.cases) {
    const holder = c.claimed_by ? (c.claimed_by.id === answer.data.me ? "me" : c.claimed_by.name) : "nobody";
    const waiting = c.awaiting_second_review
      ? `waits for a second reviewer (${c.awaiting_second_review.decision} by ${c.awaiting_second_review.proposed_by.name})` : "";
    const open = el("button", { type: "button", class: "secondary", "data-case": c.id,
      "aria-label": `Open case ${c.reference || c.id}` }, "Open");
    open.addEventListener("click", () => openCaseView(c.id));
    body.append(el("tr", { "data-case-row": c.id }, el("td", {}, c.reference || c.id.slice(0, 8)), el("td", {}, c.queue),
      el("td", {}, c.route || ""), el("td", {}, c.score ?? ""), el("td", {}, (c.reason_codes || []).join(", ")),
      el("td", {}, holder), el("td", {}, waiting), el("td", {}, open)));
  }
  $("queue-empty").hidden = answer.data.cases.length > 0;
  document.body.dataset.queueLoaded = String(answer.data.cases.length);
}

// --- case view -------------------------------------------------------------------------------
function face(capture, label) {
  if (!capture || !capture.url) return el("figure", {}, el("figcaption", {}, `${label}: not captured`));
  return el("figure", {}, el("img", { src: capture.url, alt: `${label} (attempt capture ${capture.index})`,
    "data-kind": capture.kind }), el("figcaption", {}, label));
}

function renderCase(data) {
  openCase = data;
  const attempt = data.attempts.find((a) => a.attempt === data.attempt) || data.attempts[data.attempts.length - 1] || {};
  const captures = attempt.captures || [];
  const byKind = (kind) => captures.filter((c) => c.kind === kind).pop();
  $("case-title").textContent = `Case ${data.reference || data.id} — ${data.queue} queue, attempt ${data.attempt}`;
  const portrait = attempt.portrait_url ? { url: attempt.portrait_url, index: "crop", kind: "document_portrait" } : null;
  $("faces").replaceChildren(face(portrait, "Document portrait"), face(byKind("selfie"), "Selfie"),
    face(byKind("document_front"), "Document front"), face(byKind("document_back"), "Document back"));
  const frames = byKind("liveness_frames");
  $("frames").replaceChildren(...(frames ? frames.frame_urls.map((u, n) => el("img", { src: u, alt: `Liveness frame ${n + 1}` })) : []));
  const rows = attempt.field_comparisons || [];
  $("fields-body").replaceChildren(...(rows.length ? rows.map((f) => el("tr", { "data-field": f.field }, el("td", {}, f.field),
    el("td", {}, f.value), el("td", {}, f.source),
    el("td", {}, f.comparisons.map((c) => `${c.against}: ${c.agrees ? "agrees" : "differs"}`).join("; ") || "none"),
    el("td", { class: `agreement-${f.agreement.replace(" ", "-")}` }, f.agreement === "differs" ? "differs ▲" : f.agreement)))
    : [el("tr", {}, el("td", { colspan: "5" }, "No field read."))]));
  $("checks-body").replaceChildren(...(attempt.checks || []).map((c) => el("tr", {},
    el("td", {}, c.check), el("td", { class: `outcome-${c.outcome}` }, c.outcome),
    el("td", {}, Object.entries(c.scores || {}).map(([k, v]) => `${k} ${v}`).join(", ")),
    el("td", {}, (c.reasons || []).join(", ") || "none"),
    el("td", {}, (c.models || []).map((m) => `${m.name} ${m.version} ${String(m.weights_sha256 || "").slice(0, 12)}…`).join("; ")))));
  const hits = attempt.screening_hits || [];
  $("hits").replaceChildren(hits.length ? el("table", {}, el("caption", { class: "sr-only" }, "Screening hits beside the list entry"),
    el("thead", {}, el("tr", {}, ...["list", "entry", "level", "name score", "listed names", "programs"].map((h) => el("th", { scope: "col" }, h)))),
    el("tbody", {}, ...hits.map((h) => el("tr", {}, el("td", {}, h.list), el("td", {}, h.entry_id), el("td", {}, h.level),
      el("td", {}, h.name_score), el("td", {}, ((h.entry || {}).names || []).map((n) => n.text).join("; ")),
      el("td", {}, ((h.entry || {}).programs || []).join(", ")))))) : el("p", {}, "No screening hit."));
  const p = attempt.policy_decision;
  $("policy").replaceChildren(p ? el("div", {},
    el("p", {}, `${p.decision} via ${p.route}, score ${p.score}; reasons ${(p.reason_codes || []).join(", ") || "none"}`),
    el("table", {}, el("caption", {}, "Rules"), el("thead", {}, el("tr", {}, ...["rule", "triggered", "reason codes", "detail"].map((h) => el("th", { scope: "col" }, h)))),
      el("tbody", {}, ...(p.rules || []).map((r) => el("tr", {}, el("td", {}, r.rule), el("td", {}, r.triggered ? "yes ▲" : "no"),
        el("td", {}, (r.reason_codes || []).join(", ")), el("td", {}, r.detail || "")))))) : el("p", {}, "No policy decision."));
  const steps = [
    ...(data.decision_history || []).map((d) => `decided by ${d.decided_by}: ${d.decision}${(d.reasons || []).length ? ` (${d.reasons.join(", ")})` : ""}`),
    ...(data.review_history || []).map((h) => `${h.step} by ${h.reviewer.name || h.reviewer.id}${h.decision ? `: ${h.decision} (${h.reason})` : ""}`),
    ...(data.notes || []).map((n) => `note by ${n.reviewer.name || n.reviewer.id}: ${n.note}`),
  ];
  $("timeline").replaceChildren(...steps.map((t) => el("li", {}, t)));
  const review = data.review;
  const mine = review.claimed_by && review.claimed_by.id === data.me;
  const waiting = review.awaiting_second_review;
  $("case-state").textContent = data.status !== "manual_review" ? `Decided: ${data.status}.`
    : waiting ? `Four eyes: ${waiting.proposed_by.name} decided first (${waiting.decision}, ${waiting.reason}); a second, different reviewer must agree.`
    : mine ? "You hold this case." : review.claimed_by ? `Held by ${review.claimed_by.name}.` : "Nobody holds this case yet.";
  const open = data.status === "manual_review";
  $("claim").hidden = !open || mine;
  $("decide-form").hidden = !open || !mine;
  document.body.dataset.caseState = open ? (mine ? "claimed" : "open") : "decided";
}

async function openCaseView(id) {
  const answer = await call("GET", `/console/api/cases/${id}`);
  if (answer.status !== 200) { $("announce").textContent = `The case cannot be opened (${answer.status}).`; return; }
  $("decide-result").textContent = "";
  renderCase(answer.data);
  show("screen-case");
  $("case-title").focus();
}

async function claim() {
  const answer = await call("POST", `/console/api/cases/${openCase.id}/claim`);
  $("decide-result").textContent = answer.status === 200 ? "Claimed." : `Not claimed: ${answer.data ? answer.data.message : answer.status}.`;
  await openCaseView(openCase.id);
}

async function release() {
  const answer = await call("POST", `/console/api/cases/${openCase.id}/release`);
  await openCaseView(openCase.id);
  $("decide-result").textContent = answer.status === 200 ? "Released: the case is back in the queue."
    : `Not released: ${answer.data ? answer.data.message : answer.status}.`;
}

async function decide(event) {
  event.preventDefault();
  const decision = document.querySelector("input[name=decision]:checked").value;
  const answer = await call("POST", `/console/api/cases/${openCase.id}/decision`,
    { decision, reason: $("reason").value, note: $("note").value });
  if (answer.status === 200) $("note").value = "";
  const result = answer.status !== 200 ? `Not recorded: ${answer.data ? answer.data.message : answer.status}.`
    : answer.data.decided ? `Decision recorded: ${answer.data.status}.`
    : "Your verdict is recorded; the case now waits for a second reviewer (four eyes).";
  await openCaseView(openCase.id);
  $("decide-result").textContent = result;
}

async function signIn(event) {
  event.preventDefault();
  const error = $("sign-in-error");
  error.textContent = "";
  const button = $("sign-in-button");
  button.disabled = true;
  try {
    const answer = await call("POST", "/console/api/sign-in",
      { login: $("login").value, password: $("password").value, code: $("code").value.trim() });
    if (answer.status === 200) {
      $("password").value = "";
      $("code").value = "";
      home(answer.data);
    } else {
      error.textContent = answer.status === 401
        ? "Sign-in not accepted: check your login, password and code. After five failures the account waits 15 minutes."
        : `Sign-in failed (${answer.data && answer.data.message ? answer.data.message : answer.status}).`;
      $("code").value = "";
      $("password").focus();
    }
  } finally {
    button.disabled = false;
  }
}

async function signOut() {
  await call("POST", "/console/api/sign-out");
  csrf = null;
  show("screen-sign-in");
  $("announce").textContent = "Signed out.";
  $("login").focus();
}

async function start() {
  $("sign-in-form").addEventListener("submit", signIn);
  $("sign-out").addEventListener("click", signOut);
  $("queue-filters").addEventListener("submit", (e) => { e.preventDefault(); loadQueue(); });
  $("back").addEventListener("click", () => { show("screen-home"); loadQueue(); });
  $("claim").addEventListener("click", claim);
  $("decide-form").addEventListener("submit", decide);
  $("release").addEventListener("click", release);
  $("audit-search").addEventListener("submit", (e) => { e.preventDefault(); search(false); });
  $("search-more").addEventListener("click", () => search(true));
  $("audit-back").addEventListener("click", () => show("screen-home"));
  $("replay").addEventListener("click", replay);
  $("what-if").addEventListener("click", whatIf);
  const me = await call("GET", "/console/api/me");
  if (me.status === 200) home(me.data); else show("screen-sign-in");
  document.body.dataset.ready = "true";
}

start();
