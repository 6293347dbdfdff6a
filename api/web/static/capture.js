// The capture client (requirements/capture §1): "Scan your ID" then "Selfie & Liveness Check", then the result.
// It holds only the session's client token (from its own URL); every step is recorded server-side,
// so a reload (or another device opening the same link) resumes where the session stands.
// It shows the person the policy's message and what to do next, never how a check came out (no
// match, liveness or score: requirements/pipeline §10 "Never reveal fraud details"); the server sends it nothing more.
import { ApiError, Session } from "./net.js";
import { closeCamera, documentQuality, grabJpeg, openCamera, previewUrl, setTorch } from "./camera.js";

const $ = (id) => document.getElementById(id);
const FINAL = ["verified", "failed", "expired", "cancelled"];
const ACTIONS = { blink: "Blink twice", turn_left: "Turn your head to the left", turn_right: "Turn your head to the right",
  smile: "Smile", look: "Look straight at the camera" };
const TITLES = { scan: "Scan your ID", confirm: "Scan your ID", address: "Proof of address", selfie: "Selfie & Liveness Check",
  result: "Selfie & Liveness Check", done: "Verification", loading: "Verify your identity" };
// Active liveness is judged as one continuous recording (domain/liveness_verdict.py): at least 8 frames
// per second with no gap over 250 ms, so a blink cannot fall between two frames. 12.5 per second here.
const FRAME_EVERY_MS = 80, MAX_FRAMES = 150;
// What the result screen says of an attempt, by the decision's next step (api.outcome_view.NEXT_STEP).
const OUTCOMES = { checking: ["pending", "… Checking"], done: ["ok", "✓ Verified"],
  retry: ["pending", "↻ Please try again"], wait: ["pending", "⏳ Under review"], none: ["bad", "✗ Not verified"] };
// Checks that read the document (api.controllers.captures.DOCUMENT_NEEDING): without them, no scan step.
const DOCUMENT_CHECKS = ["ocr", "data_validation", "fraud", "age_verification", "screening", "kya", "face_match"];

const token = decodeURIComponent(location.pathname.split("/capture/")[1] || "");
const session = new Session(token);
const storeKey = `kycledger-capture:${session.id}`;
const state = Object.assign({ docType: null, confirmedAttempt: 0 },
  JSON.parse(sessionStorage.getItem(storeKey) || "{}"));
const previews = { id: null, selfie: null };  // object URLs in memory only, revoked when done
let progress = null, camera = null, qualityTimer = null, screen = "loading", busy = false;
// Guidance codes of the server's quality gate (domain.ports.document.Guidance) in words.
const QUALITY_ADVICE = {
  hold_steady: "The picture is blurry: hold still.", reduce_glare: "There is glare on the document: tilt it away from the light.",
  improve_lighting: "The picture is too dark: find more light.", reduce_lighting: "The picture is too bright: move out of direct light.",
  move_document_into_frame: "The whole document must be inside the frame.", align_document: "Hold the document straight.",
  move_closer: "Move closer: the document should fill the frame.", move_further: "Move a little further away.",
};

function save() { sessionStorage.setItem(storeKey, JSON.stringify(state)); }
function say(text) { $("announce").textContent = text; }
function alertUser(text) { const a = $("alert"); a.textContent = text; a.hidden = !text; }
function logEvent(name) {
  const li = document.createElement("li");
  li.textContent = `${new Date().toLocaleTimeString()} ${name}`;
  $("live-log").prepend(li);
}

function show(name) {
  screen = name;
  for (const s of document.querySelectorAll("main > section")) s.hidden = s.id !== `screen-${name}`;
  $("title").textContent = TITLES[name];
  const step = { scan: "scan", confirm: "scan", address: "address", selfie: "selfie", result: "selfie",
    done: "result" }[name];
  for (const li of document.querySelectorAll(".stepper li")) {
    if (li.dataset.step === step) li.setAttribute("aria-current", "step"); else li.removeAttribute("aria-current");
  }
  document.body.dataset.screen = name;
  $("handoff").hidden = !["scan", "selfie"].includes(name);  // continuing on a phone makes sense there
  $("title").focus();
}

async function stopCamera() {
  clearInterval(qualityTimer); qualityTimer = null;
  closeCamera(camera); camera = null;
}

async function startCamera(video, facing) {
  await stopCamera();
  try {
    camera = await openCamera(video, facing);
  } catch (e) {
    alertUser("We cannot use your camera. Allow camera access for this page, then reload.");
    throw e;
  }
  return camera;
}

// The stepper lists the steps this session has, numbered in order.
function showSteps(p) {
  const labels = { scan: "Scan your ID", address: "Proof of address", selfie: "Selfie & Liveness", result: "Result" };
  let n = 0;
  for (const li of document.querySelectorAll(".stepper li")) {
    li.hidden = li.dataset.step === "address" && !p.address.required;
    if (!li.hidden) li.textContent = `${++n} ${labels[li.dataset.step]}`;
  }
}

// ---- routing from the server's view of the session -------------------------------------------
function needsBack() { return state.docType === "driver_license"; }
// The session has ended (or waits for a reviewer) and the person accepted that outcome on this device.
function acceptedEnding(p) {
  const ended = FINAL.includes(p.status) || p.status === "manual_review";
  return ended && state.acceptedAttempt === (p.decision ? p.decision.attempt : p.attempt);
}

async function route(p) {
  progress = p;
  $("sandbox-banner").hidden = !p.sandbox;
  showSteps(p);
  const face = p.face, captures = new Set(p.captures);
  const continuing = Boolean(p.decision && p.next_attempt_open && state.continuedFrom === p.decision.attempt);
  if (FINAL.includes(p.status) || p.status === "manual_review" || (p.decision && !continuing)) {
    // A reviewer's decision ends the story: it is what the person is told, not the attempt's checks.
    if (p.decision && p.decision.decided_by === "review") return showDone(p);
    // A session without face checks is decided on the document alone: its result is the scan screen's.
    const documentOnly = !face.checked && p.scan.status !== "pending" && p.status === "pending";
    // An outcome the person accepted ("Accept & continue") ends on the done screen, after a reload too:
    // the result screen and its Accept button are not shown again for it.
    if (face.checked && !acceptedEnding(p)) return showResult(p);
    return documentOnly ? showConfirm(p) : showDone(p);
  }
  // A selfie or liveness retry keeps the document already scanned (p.scan.kept): straight to the selfie.
  if (p.checks.some((c) => DOCUMENT_CHECKS.includes(c)) && !p.scan.kept) {
    if (!captures.has("document_front") || (needsBack() && !captures.has("document_back"))) return showScan(p);
    if (p.scan.status === "pending") return checkDocument();
    if (state.confirmedAttempt !== p.attempt) return showConfirm(p);
  }
  if (p.address.required && !p.address.captured) return showAddress(p);
  if (continuing || !face.checked) return showSelfie(p);
  return showResult(p);
}

// ---- Scan your ID ---------------------------------------------------------------------------
async function showScan(p) {
  show("scan");
  const accepted = new Set(p.accepted_documents);
  for (const input of document.querySelectorAll("input[name=doc]")) {
    input.disabled = accepted.size > 0 && !accepted.has(input.value);
    if (state.docType) input.checked = input.value === state.docType;
  }
  const back = p.captures.includes("document_front") && needsBack();
  document.querySelectorAll("input[name=doc]").forEach((i) => { i.disabled = i.disabled || back; });
  $("scan-side").textContent = back
    ? "Back side: place the back with the barcode (PDF417) inside the frame."
    : "Front side: place the page with your photo and the MRZ lines inside the frame.";
  $("capture-doc").textContent = back ? "Capture back side" : "Capture front side";
  say(back ? "Scan the back of your driver licence." : "Scan your ID: align your document inside the frame.");
  let cam;
  $("capture-doc").disabled = false;
  try { cam = await startCamera($("doc-video"), "environment"); } catch (e) {
    // No usable camera here: nothing to capture; offer the phone instead.
    $("doc-guidance").textContent = "✗ No camera available";
    $("doc-guidance").dataset.problem = "no_camera";
    $("capture-doc").disabled = true;
    $("handoff").open = true;
    return;
  }
  $("flash").disabled = !cam.hasTorch;
  $("flash").textContent = cam.hasTorch ? "Flash: off" : "Flash: not available";
  let lastProblem = null;
  qualityTimer = setInterval(() => {
    const q = documentQuality($("doc-video"));
    const g = $("doc-guidance");
    g.textContent = q.message;
    g.className = q.ok ? "good" : "bad";
    g.dataset.problem = q.problem;
    if (q.problem !== lastProblem) { lastProblem = q.problem; say(q.message); }
  }, 400);
}

async function captureDocument() {
  if (busy) return;
  busy = true;
  try {
    const docType = document.querySelector("input[name=doc]:checked").value;
    state.docType = docType; save();
    const back = progress.captures.includes("document_front") && needsBack();
    const video = $("doc-video");
    const image = await grabJpeg(video, 1600, 0.92);
    if (!back) { if (previews.id) URL.revokeObjectURL(previews.id); previews.id = await previewUrl(video); }
    say("Uploading…");
    await session.upload({ type: back ? "document_back" : "document_front", image_base64: image });
    logEvent(back ? "document back uploaded" : "document front uploaded");
    const p = await session.progress();
    if (needsBack() && !p.captures.includes("document_back")) return route(p);
    await stopCamera();
    await checkDocument();
  } catch (e) { failed(e); } finally { busy = false; }
}

async function checkDocument() {
  show("confirm");
  $("scan-outcome").textContent = "Reading your document…";
  $("confirm").disabled = true; $("retake").disabled = true;
  say("Reading your document. This takes a few seconds.");
  const p = await session.runChecks("document");
  return showConfirm(p);
}

function showConfirm(p) {
  progress = p;
  show("confirm");
  const s = p.scan;
  $("f-name").textContent = s.name || "not read";
  $("f-dob").textContent = s.dob || "not read";
  $("f-expiry").textContent = s.expiry || "not read";
  $("f-basis").textContent = s.mrz_found ? "MRZ (machine-readable zone)" : s.pdf417_found ? "PDF417 barcode" : "printed text";
  const read = s.status === "success";
  // The server's quality gate failed the picture: say so here, at the scan step, with what to do.
  const poor = Boolean(s.quality && !s.quality.passed);
  // Decided already (no face checks in this session): the policy's own message says what to do.
  const decided = p.decision && !p.face.checked ? p.decision : null;
  const ok = read && !poor && (!decided || decided.next_step === "done");
  $("scan-outcome").textContent = decided ? `${ok ? "✓" : "✗"} ${decided.user_message}`
    : poor ? `✗ ${QUALITY_ADVICE[s.quality.guidance[0]] || "The picture is not clear enough."} Please retake it.`
      : read ? "✓ We read your document. Are these details correct?"
        : "✗ We could not read your document well. Please retake it.";
  $("scan-outcome").className = ok ? "message ok" : "message bad";
  const canRetake = p.status === "pending" && (p.next_attempt_open || p.retries_left > 0);
  // No retake left and nothing decided yet: the person continues, and the policy decides with this
  // capture (a reviewer, or the outcome) instead of the page waiting on two disabled buttons.
  const lastChance = !ok && !decided && !canRetake && p.status === "pending";
  if (lastChance) {
    $("scan-outcome").textContent = `${$("scan-outcome").textContent.replace(" Please retake it.", "")} No retake is`
      + " left: continue to finish your verification.";
  }
  $("confirm").disabled = !ok && !lastChance;
  $("retake").disabled = !canRetake;
  say(`${$("scan-outcome").textContent.slice(2)}${ok && !decided ? " Confirm to continue." : ""}`);
}

// ---- Proof of address (requirements/pipeline §1 require_address_proof) -------------------------
function showAddress(p) {
  show("address");
  $("address-file").value = "";
  $("address-send").disabled = true;
  $("address-outcome").hidden = true;
  say("Proof of address: choose a photo of a recent bill or statement with your name and address.");
}

async function sendAddress() {
  const file = $("address-file").files[0];
  if (!file) return;
  if (file.size > 10 * 1024 * 1024) { alertUser("This file is larger than 10 MB. Choose a smaller photo."); return; }
  $("address-send").disabled = true;
  $("address-outcome").hidden = false;
  $("address-outcome").className = "message";
  $("address-outcome").textContent = "Sending and reading your document…";
  const image = await new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(String(reader.result).split(",")[1]);
    reader.onerror = () => reject(new Error("The file cannot be read. Choose another photo."));
    reader.readAsDataURL(file);
  });
  await session.upload({ type: "address_proof", image_base64: image });
  $("address-file").value = "";  // nothing of the document stays in the page
  await route(await session.runChecks("address"));
}

// ---- Selfie & Liveness ----------------------------------------------------------------------
async function showSelfie(p) {
  show("selfie");
  const actions = p.liveness_type === "active" && p.challenge ? [...p.challenge.actions, "look"] : ["look"];
  const list = $("steps");
  list.replaceChildren(...actions.map((a, i) => {
    const li = document.createElement("li");
    li.textContent = `${i + 1}. ${ACTIONS[a] || a}`;
    li.dataset.action = a;
    return li;
  }));
  $("instruction").textContent = "Put your face inside the oval, then press Start.";
  say("Selfie and liveness check. Put your face inside the oval, then press Start.");
  $("start-liveness").disabled = false;
  startCamera($("face-video"), "user").catch(() => { $("start-liveness").disabled = true; $("handoff").open = true; });
}

async function runLiveness() {
  if (busy) return;
  busy = true;
  $("start-liveness").disabled = true;
  try {
    const p = progress, video = $("face-video");
    const active = p.liveness_type === "active" && p.challenge;
    const items = [...$("steps").children];
    // The whole answer must fit in the challenge's max_capture_ms: keep a second of margin.
    const slot = active ? Math.min(2500, Math.floor((p.challenge.max_capture_ms - 1000) / items.length)) : 1200;
    const frames = [], offsets = [], started = performance.now();
    let nextFrameAt = started;
    let selfie = null;
    for (const item of items) {
      items.forEach((li) => li.classList.toggle("now", li === item));
      $("instruction").textContent = ACTIONS[item.dataset.action] || item.dataset.action;
      say($("instruction").textContent);
      const until = performance.now() + slot;
      while (performance.now() < until) {
        if (active && frames.length < MAX_FRAMES) {
          const at = performance.now();
          frames.push(await grabJpeg(video, 480, 0.85));
          offsets.push(Math.round(at - started));
        }
        // A steady cadence: the next frame is due FRAME_EVERY_MS after the last one was due.
        nextFrameAt = Math.max(nextFrameAt + FRAME_EVERY_MS, performance.now() - FRAME_EVERY_MS);
        await new Promise((r) => setTimeout(r, Math.max(0, nextFrameAt - performance.now())));
      }
      item.classList.remove("now"); item.classList.add("done");
      if (item.dataset.action === "look") {
        selfie = await grabJpeg(video, 1280, 0.92);
        if (previews.selfie) URL.revokeObjectURL(previews.selfie);
        previews.selfie = await previewUrl(video);
      }
    }
    await stopCamera();
    $("instruction").textContent = "Checking…";
    say("Uploading and checking. Please wait.");
    if (active) {
      await session.upload({ type: "liveness_frames", frames_base64: frames, frame_offsets_ms: offsets,
        challenge_nonce: p.challenge.nonce });
      logEvent(`${frames.length} liveness frames uploaded`);
    }
    await session.upload({ type: "selfie", image_base64: selfie });
    logEvent("selfie uploaded");
    frames.length = 0; selfie = null;  // nothing of the capture stays in memory beyond the preview
    await showResult(await session.runChecks("face"));
  } catch (e) { failed(e); } finally { busy = false; }
}

function showResult(p) {
  progress = p;
  show("result");
  // Previews live in this page's memory only: after a reload or on another device there is none.
  for (const [id, url, none] of [["id-photo", previews.id, "ID photo: not kept on this device"],
    ["selfie-photo", previews.selfie, "Selfie: not kept on this device"]]) {
    const img = $(id);
    img.hidden = !url;
    if (url) img.src = url; else img.removeAttribute("src");
    img.nextElementSibling.textContent = url ? (id === "id-photo" ? "ID photo" : "Your selfie") : none;
  }
  document.querySelector(".compare").hidden = !p.face.match_requested;
  // The outcome of the attempt and what to do next, in the policy's words; never a check's result.
  const next = p.status === "manual_review" ? "wait" : p.decision ? p.decision.next_step
    : p.status === "verified" ? "done" : FINAL.includes(p.status) ? "none" : "checking";
  const badge = $("badge");
  const [look, words] = OUTCOMES[next] || OUTCOMES.checking;
  badge.className = `badge ${look}`; badge.textContent = words; badge.dataset.outcome = next;
  const message = $("user-message");
  message.hidden = !p.decision;
  if (p.decision) {
    message.textContent = p.decision.user_message;
    message.className = { done: "message ok", none: "message bad" }[next] || "message";
  }
  const canRetry = p.status === "pending" && (p.next_attempt_open || p.retries_left > 0);
  $("retry").disabled = !canRetry;
  $("accept").disabled = !(next === "done" || FINAL.includes(p.status) || p.status === "manual_review");
  // Repeated failure (requirements/capture §1): counted and enforced by the server, so it holds across devices and
  // reloads.
  $("manual-review").hidden = !p.manual_review_available;
  say(`${words}.${p.decision ? " " + p.decision.user_message : ""}`);
}

function showDone(p) {
  progress = p;
  show("done");
  const titles = { verified: "✓ Verified", failed: "✗ Not verified", manual_review: "⏳ Under review",
    expired: "Session expired", cancelled: "Session cancelled", pending: "⏳ Checking" };
  $("done-title").textContent = titles[p.status] || p.status;
  $("done-message").textContent = p.decision ? p.decision.user_message
    : p.status === "manual_review" ? "A person will review your verification. You will be told the result."
      : "We are finishing your verification…";
  document.body.dataset.status = p.status;
  say(`${$("done-title").textContent}. ${$("done-message").textContent}`);
  if (FINAL.includes(p.status) || p.status === "manual_review") {
    for (const k of Object.keys(previews)) { if (previews[k]) URL.revokeObjectURL(previews[k]); previews[k] = null; }
  }
}

function failed(e) {
  if (e instanceof ApiError && e.status === 401) alertUser("This link is invalid or has expired. Ask for a new one.");
  else alertUser(e && e.message ? e.message : "Something went wrong. Please try again.");
}

async function act(fn) {
  if (busy) return;
  busy = true;
  try { alertUser(""); await fn(); } catch (e) { failed(e); } finally { busy = false; }
}

// ---- wiring ---------------------------------------------------------------------------------
$("capture-doc").addEventListener("click", captureDocument);
$("flash").addEventListener("click", async () => {
  const on = $("flash").getAttribute("aria-pressed") !== "true";
  await setTorch(camera, on);
  $("flash").setAttribute("aria-pressed", String(on));
  $("flash").textContent = on ? "Flash: on" : "Flash: off";
});
$("help").addEventListener("click", () => act(async () => {
  const panel = $("help-panel");
  panel.hidden = !panel.hidden;
  $("help").setAttribute("aria-expanded", String(!panel.hidden));
  if (!panel.hidden) {
    const topic = ($("doc-guidance").dataset.problem || "general").replace("starting", "general");
    await session.step("/help", { step: "id_scan", topic });
  }
}));
$("handoff").addEventListener("toggle", async () => {
  const img = $("handoff-qr");
  if (!$("handoff").open || !img.hidden) return;
  try {
    img.src = await session.handoffImage();  // an object URL in memory, gone with the page
    img.hidden = false;
    say("A code to continue on your phone is shown. Scan it with your phone's camera.");
  } catch (e) { failed(e); }  // not act(): a camera alert already shown must stay
});
$("confirm").addEventListener("click", () => act(async () => {
  if (progress.decision && !progress.face.checked) return showDone(await session.progress());  // decided
  state.confirmedAttempt = progress.attempt; save();
  await route(await session.progress());
}));
$("retake").addEventListener("click", () => act(async () => {
  if (progress.next_attempt_open) {  // the policy's decision already opened the next attempt
    state.continuedFrom = progress.decision.attempt; save();
    return route(await session.progress());
  }
  await route(await session.step("/retry", { step: "id_scan", reason: "user_retake" }));
}));
$("start-liveness").addEventListener("click", runLiveness);
$("address-file").addEventListener("change", () => { $("address-send").disabled = !$("address-file").files.length; });
$("address-send").addEventListener("click", () => act(sendAddress));
$("retry").addEventListener("click", () => act(async () => {
  // A new attempt needs every capture again (the server checks captures per attempt). When the
  // policy's decision already opened it (retry, active challenge), continue there.
  if (progress.next_attempt_open) {
    state.continuedFrom = progress.decision.attempt; save();
    await route(await session.progress());
  } else {
    await route(await session.step("/retry", { step: "selfie", reason: "user_retry" }));
  }
}));
$("manual-review").addEventListener("click", () => act(async () => {
  showDone(await session.step("/manual-review", { reason: "persistent_failure" }));
}));
// Accept ends the story only when the server says it has ended; the fresh progress is routed, so a
// session that is still open (a retry, a next attempt) is never left on a done screen without buttons.
$("accept").addEventListener("click", () => act(async () => {
  const p = await session.progress();
  state.acceptedAttempt = p.decision ? p.decision.attempt : p.attempt; save();
  await route(p);
}));

async function main() {
  if (!session.id) { alertUser("This link is invalid or has expired. Ask for a new one."); return; }
  try {
    const resent = await session.flushQueue();
    if (resent) logEvent(`${resent} queued upload(s) sent after reload`);
    await route(await session.progress());
  } catch (e) { failed(e); return; }
  session.follow(({ events, progress: p }) => {
    for (const name of events) logEvent(name);
    if (!p || !p.status) return;
    progress = p;
    // This device handed off to a phone (QR code): it follows along and shows the outcome.
    const handedOff = ["scan", "selfie"].includes(screen) && $("handoff").open;
    if (handedOff && events.length) say("Your verification is continuing on your other device.");
    if (events.includes("decision.made") || events.includes("manual_review.requested")
        || events.includes("review.decided")) {
      if (screen === "result") showResult(p);
      else if (screen === "done") showDone(p);
      else if (handedOff) route(p).catch(failed);
    }
  }, (mode) => { document.body.dataset.live = mode; });
}

main();
