// Network for the capture page: client-token calls, uploads that survive flaky networks and reloads,
// and the session's live status (requirements/capture §2 "Caching, offline & sync" and §4 "Realtime").
//
// An upload is first written to an IndexedDB queue with its Idempotency-Key, sent (retrying with
// backoff and the same key, so the server records it once), and deleted from the queue as soon as
// the server answered: no image stays in the browser after upload. After a reload, queued uploads
// are sent again under their original keys.

const DB_NAME = "kycledger-capture";
const STORE = "pending-uploads";

export class Session {
  constructor(token) {
    this.token = token;
    const payload = token.startsWith("kct1.") ? token.slice(5).split(".")[0] : "";
    let sid = "";
    try { sid = atob(payload.replace(/-/g, "+").replace(/_/g, "/")).split("|")[1] || ""; } catch (e) { sid = ""; }
    this.id = sid;
    this.base = `/client/sessions/${encodeURIComponent(sid)}`;
  }

  async call(path, { method = "GET", body = null, key = null, attempts = 5 } = {}) {
    const headers = { "X-Client-Token": this.token };
    if (body !== null) headers["Content-Type"] = "application/json";
    if (key) headers["Idempotency-Key"] = key;
    let delay = 500;
    for (let i = 1; ; i++) {
      let response = null;
      try {
        response = await fetch(this.base + path, { method, headers, body, cache: "no-store" });
      } catch (networkError) {
        if (i >= attempts) throw new ApiError(0, "network", "The network is unavailable. Please try again.");
      }
      if (response) {
        const retryable = response.status >= 500 || (response.status === 409 && key);
        if (response.ok) return response.json();
        if (!retryable || i >= attempts) {
          let problem = {};
          try { problem = await response.json(); } catch (e) { problem = {}; }
          throw new ApiError(response.status, problem.code || "error", problem.message || response.statusText);
        }
      }
      await new Promise((r) => setTimeout(r, delay));
      delay = Math.min(delay * 2, 4000);
    }
  }

  // The QR code of this page's link (cross-device hand-off) as an object URL; the caller revokes it.
  async handoffImage() {
    const response = await fetch(`${this.base}/handoff.svg`, { headers: { "X-Client-Token": this.token }, cache: "no-store" });
    if (!response.ok) throw new ApiError(response.status, "handoff", "The code to continue on a phone is not available.");
    return URL.createObjectURL(await response.blob());
  }

  progress() { return this.call("/progress"); }
  step(path, data) { return this.call(path, { method: "POST", body: JSON.stringify(data) }); }
  runChecks(step) { return this.call(`/checks/${step}`, { method: "POST", body: "{}" }); }

  // Queue, send, and erase one capture upload.
  async upload(capture) {
    const item = { key: crypto.randomUUID(), session: this.id, body: JSON.stringify(capture) };
    await queue("put", item);
    return this.sendQueued(item);
  }

  async sendQueued(item) {
    const answer = await this.call("/captures", { method: "POST", body: item.body, key: item.key, attempts: 6 });
    await queue("delete", item.key);
    return answer;
  }

  async flushQueue() {
    const items = ((await queue("getAll")) || []).filter((i) => i.session === this.id);
    for (const item of items) await this.sendQueued(item);
    return items.length;
  }

  // Server-sent events over fetch (so the token travels in a header, not the URL); calls
  // onMessage({events, progress}). Falls back to polling /progress when streaming fails.
  follow(onMessage, onMode) {
    let stopped = false, lastId = "0";
    const poll = async () => {
      onMode("polling");
      while (!stopped) {
        try { onMessage({ events: [], progress: await this.progress() }); } catch (e) { /* keep polling */ }
        await new Promise((r) => setTimeout(r, 2000));
      }
    };
    const stream = async () => {
      for (let failures = 0; !stopped && failures < 3;) {
        try {
          const response = await fetch(this.base + "/live", {
            headers: { "X-Client-Token": this.token, "Last-Event-ID": lastId, Accept: "text/event-stream" },
            cache: "no-store",
          });
          if (!response.ok || !response.body) throw new Error(`live status ${response.status}`);
          onMode("live");
          const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
          let buffer = "", carry = "";
          for (;;) {
            const { value, done } = await reader.read();
            if (done) break;
            // SSE lines may end in CRLF, CR or LF (the server sends CRLF): normalise to LF, keeping
            // a chunk's trailing CR until the next chunk shows whether an LF follows it.
            let text = carry + value;
            carry = text.endsWith("\r") ? "\r" : "";
            if (carry) text = text.slice(0, -1);
            buffer += text.replace(/\r\n|\r/g, "\n");
            let cut;
            while ((cut = buffer.indexOf("\n\n")) >= 0) {
              const block = buffer.slice(0, cut); buffer = buffer.slice(cut + 2);
              const data = block.split("\n").filter((l) => l.startsWith("data:")).map((l) => l.slice(5).trim()).join("\n");
              const id = block.split("\n").find((l) => l.startsWith("id:"));
              if (id) lastId = id.slice(3).trim();
              if (data) onMessage(JSON.parse(data));
            }
          }
          failures = 0;
          const final = await this.progress();
          if (["verified", "failed", "expired", "cancelled"].includes(final.status)) return;
        } catch (e) {
          failures += 1;
          await new Promise((r) => setTimeout(r, 1000 * failures));
        }
      }
      if (!stopped) await poll();
    };
    stream();
    return () => { stopped = true; };
  }
}

export class ApiError extends Error {
  constructor(status, code, message) { super(message); this.status = status; this.code = code; }
}

function openDb() {
  return new Promise((resolve, reject) => {
    const request = indexedDB.open(DB_NAME, 1);
    request.onupgradeneeded = () => request.result.createObjectStore(STORE, { keyPath: "key" });
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
}

async function queue(operation, argument) {
  const db = await openDb();
  try {
    return await new Promise((resolve, reject) => {
      const tx = db.transaction(STORE, operation === "getAll" ? "readonly" : "readwrite");
      const request = tx.objectStore(STORE)[operation](argument);
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(request.error);
    });
  } finally {
    db.close();
  }
}

export async function pendingUploads() { return ((await queue("getAll")) || []).length; }
