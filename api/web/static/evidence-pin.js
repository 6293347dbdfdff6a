/* The checkpoint key the evidence viewer trusts (docs/architecture.md §4): pinned by the auditor.
 *
 * Served by kycledger, the page pins the key the operator publishes at
 * /.well-known/kycledger-checkpoint-key and shows its fingerprint (SHA-256 of the raw key, the "key
 * id" `kycledger ledger verify` prints) so the auditor can compare it with the one the operator
 * announced elsewhere. Opened as a saved file, or when the auditor holds the key from elsewhere,
 * the key is pasted (base64 of the 32 raw bytes, as `kycledger ledger verify --public-key` takes it).
 * Without a pinned key no bundle is reported as verified (evidence-verify.js).
 */
"use strict";
(function (global) {
  const WELL_KNOWN = "/.well-known/kycledger-checkpoint-key";
  const $ = (id) => document.getElementById(id);
  let pinned = null;  // { key: Uint8Array, keyId: string, source: string }
  const listeners = [];

  function show() {
    const status = $("pin-status");
    status.dataset.pinned = String(pinned !== null);
    if (!pinned) {
      status.replaceChildren("No checkpoint key is pinned: bundles cannot be verified. Paste the operator's key below.");
      return;
    }
    const code = document.createElement("code");
    code.id = "pin-fingerprint";
    code.textContent = pinned.keyId;
    status.replaceChildren(`Pinned key (${pinned.source}). Fingerprint, SHA-256 of the key: `, code);
  }

  async function pin(key, source) {
    const keyId = global.KycEvidence.hex(await global.KycEvidence.sha256(key));
    pinned = { key, keyId, source };
    show();
    for (const listener of listeners) listener(pinned);
  }

  function parsePasted(text) {
    const compact = String(text).replace(/\s+/g, "");
    const key = global.KycEvidence.fromBase64(compact, "key");
    if (key.length !== 32) throw new Error("an Ed25519 public key is 32 bytes");
    return key;
  }

  async function pinPasted() {
    const input = $("pin-input");
    const error = $("pin-error");
    try {
      const key = parsePasted(input.value);
      error.textContent = "";
      input.removeAttribute("aria-invalid");
      await pin(key, "pasted");
    } catch (e) {
      error.textContent = `Not a checkpoint key: ${e.message}. Paste the base64 of the 32-byte Ed25519 key.`;
      input.setAttribute("aria-invalid", "true");
    }
  }

  async function pinPublished() {
    if (!/^https?:$/.test(location.protocol)) return;  // a saved local file: the key is pasted
    try {
      const answer = await fetch(WELL_KNOWN, { cache: "no-store", credentials: "omit" });
      if (!answer.ok) return;
      const published = await answer.json();
      const key = global.KycEvidence.fromBase64(published.public_key, "public_key");
      if (key.length !== 32) return;
      await pin(key, `published by this server at ${location.origin}${WELL_KNOWN}`);
    } catch (e) {
      // No published key: the status keeps asking for one to be pasted.
    }
  }

  $("pin-form").addEventListener("submit", (e) => { e.preventDefault(); pinPasted(); });
  show();
  const ready = pinPublished().finally(() => { document.body.dataset.pinReady = "true"; });

  global.KycPin = {
    current: () => pinned,
    onChange: (listener) => listeners.push(listener),
    ready,
  };
})(window);
