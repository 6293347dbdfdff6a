/* Offline verification of a kycledger evidence bundle (services/evidence/bundle.py, format version 1).
 *
 * A line-by-line port of services/evidence/bundle.py verify_bundle, in the same order and with the same failure
 * reasons, so the browser and `kycledger ledger verify --bundle` agree on every bundle (checked by
 * tests/browser/test_evidence_viewer.py). Encodings are the frozen ones of:
 *   - domain/integrity/chain.py       entry hash (length-prefixed, domain-separated, u64 big-endian)
 *   - domain/integrity/merkle.py      RFC 9162 inclusion proofs (leaf 0x00, node 0x01, SHA-256)
 *   - domain/integrity/checkpoint.py  C2SP signed-note checkpoint body, Ed25519 key hint
 *   - domain/sessions/canonical.py    canonical JSON (sorted keys, compact, ASCII) of policy documents
 * Classic script (not a module) so the viewer also works opened from a saved local file.
 * Only WebCrypto is used: SHA-256 and Ed25519 (Chromium >= 137); without Ed25519 the report says
 * the signature could not be checked and the bundle is NOT reported as verified. Nor is a bundle
 * verified without a pinned checkpoint key, or one naming another key ("signed by an unknown key").
 */
"use strict";
(function (global) {
  const FORMAT = "kycledger-evidence-bundle";
  const VERSION = 1;
  const DECISION_MADE = "kycledger.session.DecisionMade";
  const ENTRY_DOMAIN = new TextEncoder().encode("kycledger.ledger.entry.v1");
  const FORMAT_LINE = "kycledger-checkpoint v1";
  const EMPTY_ROOT_HEX = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
  const utf8 = new TextEncoder();

  class BundleInvalid extends Error {}
  class Malformed extends Error {}
  class DomainFailure extends Error {}
  class Ed25519Unsupported extends Error {}

  // --- bytes ---------------------------------------------------------------------------------
  function concat(parts) {
    const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
    let at = 0;
    for (const p of parts) { out.set(p, at); at += p.length; }
    return out;
  }
  async function sha256(bytes) {
    return new Uint8Array(await crypto.subtle.digest("SHA-256", bytes));
  }
  function hex(bytes) {
    return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
  }
  function fromHex(text, what) {
    if (typeof text !== "string" || text.length % 2 || !/^[0-9a-fA-F]*$/.test(text)) {
      throw new Malformed(`${what} is not hexadecimal`);
    }
    const out = new Uint8Array(text.length / 2);
    for (let i = 0; i < out.length; i++) out[i] = parseInt(text.substr(2 * i, 2), 16);
    return out;
  }
  // Python's base64.b64decode(validate=True): standard alphabet, correct padding, nothing else.
  function fromBase64(text, what) {
    if (typeof text !== "string" || text.length % 4 || !/^[A-Za-z0-9+/]*={0,2}$/.test(text)) {
      throw new Malformed(`${what} is not base64`);
    }
    const raw = atob(text);
    return Uint8Array.from(raw, (c) => c.charCodeAt(0));
  }
  function toBase64(bytes) {
    let s = "";
    for (const b of bytes) s += String.fromCharCode(b);
    return btoa(s);
  }
  function sameBytes(a, b) {  // constant time over equal lengths, like hmac.compare_digest
    if (a.length !== b.length) return false;
    let diff = 0;
    for (let i = 0; i < a.length; i++) diff |= a[i] ^ b[i];
    return diff === 0;
  }
  function u64(value, name) {
    if (!Number.isSafeInteger(value) || value < 0) throw new Malformed(`${name} out of range for u64: ${value}`);
    const out = new Uint8Array(8);
    let v = BigInt(value);
    for (let i = 7; i >= 0; i--) { out[i] = Number(v & 0xffn); v >>= 8n; }
    return out;
  }
  function u32(n) {
    return new Uint8Array([(n >>> 24) & 255, (n >>> 16) & 255, (n >>> 8) & 255, n & 255]);
  }
  function lp(bytes) { return concat([u32(bytes.length), bytes]); }
  function uuidBytes(text) {
    const compact = typeof text === "string" ? text.replace(/-/g, "") : "";
    if (!/^[0-9a-fA-F]{32}$/.test(compact)) throw new Malformed(`badly formed hexadecimal UUID string`);
    return fromHex(compact, "uuid");
  }
  function integer(value, name) {
    const n = typeof value === "string" && /^-?\d+$/.test(value) ? Number(value) : value;
    if (!Number.isSafeInteger(n)) throw new Malformed(`${name} is not an integer`);
    return n;
  }
  function pyRepr(v) { return typeof v === "string" ? `'${v}'` : String(v); }

  // --- chain (domain/integrity/chain.py) -----------------------------------------------------
  async function entryHash(prev, position, notificationId, originatorId, version, topic, state) {
    if (prev.length !== 32) throw new Malformed("prev_hash must be 32 bytes");
    return sha256(concat([lp(ENTRY_DOMAIN), prev, u64(position, "position"),
      u64(notificationId, "notification_id"), lp(uuidBytes(originatorId)), u64(version, "originator_version"),
      lp(utf8.encode(topic)), await sha256(state)]));
  }

  // --- RFC 9162 inclusion (domain/integrity/merkle.py) ----------------------------------------
  function proofError(reason, expected, actual) {
    return new DomainFailure(`${reason}: expected ${pyRepr(expected)}, got ${pyRepr(actual)}`);
  }
  function inclusionPathLength(index, size) {
    let start = 0, end = size, n = 0;
    while (end - start > 1) {
      let k = 1;
      while (k * 2 < end - start) k *= 2;  // largest power of two strictly below the range length
      if (index < start + k) end = start + k; else start += k;
      n += 1;
    }
    return n;
  }
  async function node(left, right) { return sha256(concat([new Uint8Array([1]), left, right])); }
  async function verifyInclusion(leafData, index, size, proof, root) {
    if (root.length !== 32) throw proofError("root_length", 32, root.length);
    if (!(index >= 0 && index < size)) throw proofError("leaf_index_in_range", `< ${size}`, index);
    const expectedLength = inclusionPathLength(index, size);
    if (proof.length !== expectedLength) throw proofError("proof_length", expectedLength, proof.length);
    for (const p of proof) if (p.length !== 32) throw proofError("proof_hash_length", 32, p.length);
    let fn = index, sn = size - 1;
    let r = await sha256(concat([new Uint8Array([0]), leafData]));
    for (const p of proof) {
      if (sn === 0) throw proofError("proof_length", "shorter proof", proof.length);
      if (fn % 2 === 1 || fn === sn) {
        r = await node(p, r);
        while (fn % 2 === 0 && fn !== 0) { fn = Math.floor(fn / 2); sn = Math.floor(sn / 2); }
      } else {
        r = await node(r, p);
      }
      fn = Math.floor(fn / 2); sn = Math.floor(sn / 2);
    }
    if (sn !== 0) throw proofError("proof_length", "longer proof", proof.length);
    if (!sameBytes(r, root)) throw proofError("root_mismatch", hex(root), hex(r));
  }

  // --- signed checkpoints (domain/integrity/checkpoint.py, adapters/integrity/ed25519_keys.py) ---
  const ORIGIN = /^[\x21-\x7e]{1,255}$/;
  const KEY_NAME = /^[\x21-\x2a\x2c-\x7e]{1,255}$/;
  const SIZE = /^(0|[1-9][0-9]{0,19})$/;
  const TIMESTAMP = /^timestamp (\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})\.(\d{3})Z$/;

  function parseCheckpoint(bodyBytes) {
    if (bodyBytes.some((b) => b > 127)) throw new DomainFailure("checkpoint body is not ASCII");
    const text = String.fromCharCode(...bodyBytes);
    const lines = text.split("\n");
    if (lines.length !== 6 || lines[5] !== "") {
      throw new DomainFailure("checkpoint body must be exactly 5 newline-terminated lines");
    }
    const [origin, sizeText, rootText, formatLine, timeLine] = lines;
    if (formatLine !== FORMAT_LINE) throw new DomainFailure("unknown checkpoint format");
    if (!SIZE.test(sizeText)) throw new DomainFailure("size is not a canonical decimal");
    let root;
    try { root = fromBase64(rootText, "root"); } catch (e) { throw new DomainFailure("root hash is not base64"); }
    const t = TIMESTAMP.exec(timeLine);
    if (!t) throw new DomainFailure("timestamp line is not 'timestamp YYYY-MM-DDTHH:MM:SS.mmmZ'");
    const [y, mo, d, h, mi, s] = t.slice(1, 7).map(Number);
    const when = new Date(Date.UTC(y, mo - 1, d, h, mi, s));
    if (when.getUTCFullYear() !== y || when.getUTCMonth() !== mo - 1 || when.getUTCDate() !== d || h > 23
        || mi > 59 || s > 59) {
      throw new DomainFailure("timestamp is not a valid date and time");
    }
    if (!ORIGIN.test(origin)) {
      throw new DomainFailure("origin must be 1-255 printable ASCII characters without spaces");
    }
    const size = BigInt(sizeText);
    if (size >= 2n ** 63n) throw new DomainFailure("size must be an integer in [0, 2**63)");
    if (root.length !== 32) throw new DomainFailure("root hash must be 32 bytes");
    if (size === 0n && hex(root) !== EMPTY_ROOT_HEX) throw new DomainFailure("the empty tree has root SHA-256('')");
    if (y < 1970) throw new DomainFailure("timestamp must be at millisecond precision, from 1970 on");
    if (toBase64(root) !== rootText) throw new DomainFailure("checkpoint body is not in canonical form");
    return { origin, size: Number(size), root, timestamp: timeLine.slice("timestamp ".length) };
  }

  function parseSignatureLine(line) {
    if (!line.startsWith("\u2014 ")) throw new DomainFailure("signature line must start with an em dash and a space");
    const parts = line.slice(2).split(" ");
    if (parts.length !== 2 || !KEY_NAME.test(parts[0])) {
      throw new DomainFailure("signature line must be '<key name> <base64>'");
    }
    let blob;
    try { blob = fromBase64(parts[1], "signature"); } catch (e) { throw new DomainFailure("signature is not base64"); }
    if (blob.length !== 68) {
      throw new DomainFailure("signature must be a 4-byte key hint and a 64-byte Ed25519 signature");
    }
    if (toBase64(blob) !== parts[1]) throw new DomainFailure("signed checkpoint is not in canonical form");
    return { keyName: parts[0], hint: blob.slice(0, 4), signature: blob.slice(4) };
  }

  function parseSignedCheckpoint(note) {
    if (note.length > 16384) throw new DomainFailure("signed checkpoint too large");
    let bodyEnd = -1;
    for (let i = 0; i + 1 < note.length; i++) if (note[i] === 10 && note[i + 1] === 10) { bodyEnd = i; break; }
    if (bodyEnd < 0) throw new DomainFailure("signed checkpoint has no signature block");
    const body = note.slice(0, bodyEnd + 1);
    const checkpoint = parseCheckpoint(body);
    let block;
    try { block = new TextDecoder("utf-8", { fatal: true }).decode(note.slice(bodyEnd + 2)); } catch (e) {
      throw new DomainFailure("signature block is not UTF-8");
    }
    if (!block.endsWith("\n")) throw new DomainFailure("signature block must end with a newline");
    const signatures = block.slice(0, -1).split("\n").map(parseSignatureLine);
    return { checkpoint, body, signatures };
  }

  async function keyHint(keyName, publicKey) {
    return (await sha256(concat([utf8.encode(keyName), new Uint8Array([10, 1]), publicKey]))).slice(0, 4);
  }

  async function verifyCheckpointSignature(publicKey, note) {
    if (publicKey.length !== 32) throw new DomainFailure("an Ed25519 public key is 32 raw bytes");
    const signed = parseSignedCheckpoint(note);
    const byKey = [];
    for (const s of signed.signatures) if (sameBytes(s.hint, await keyHint(s.keyName, publicKey))) byKey.push(s);
    if (!byKey.length) throw new DomainFailure("checkpoint carries no signature by this key");
    let key;
    try {
      key = await crypto.subtle.importKey("raw", publicKey, { name: "Ed25519" }, false, ["verify"]);
    } catch (e) {
      if (e && e.name === "NotSupportedError") throw new Ed25519Unsupported(String(e.message || e));
      throw new DomainFailure("checkpoint signature does not verify");
    }
    for (const s of byKey) {
      if (await crypto.subtle.verify({ name: "Ed25519" }, key, s.signature, signed.body)) return signed.checkpoint;
    }
    throw new DomainFailure("checkpoint signature does not verify");
  }

  // --- canonical JSON of policy documents (domain/sessions/canonical.py) ----------------------
  // Numbers keep their source text: the bundle was written by Python, so its number lexemes are
  // exactly what json.dumps prints again (30.0 stays 30.0, which JSON.parse would turn into 30).
  class PyNumber { constructor(raw) { this.raw = raw; } }

  function parsePreserving(text) {
    let i = 0;
    const ws = () => { while (i < text.length && " \t\n\r".includes(text[i])) i++; };
    const fail = () => { throw new Malformed(`invalid JSON at offset ${i}`); };
    function value() {
      ws();
      const c = text[i];
      if (c === "{") {
        i++; const obj = new Map(); ws();
        if (text[i] === "}") { i++; return obj; }
        for (;;) {
          ws(); if (text[i] !== "\"") fail();
          const k = string(); ws(); if (text[i++] !== ":") fail();
          obj.set(k, value()); ws();
          if (text[i] === ",") { i++; continue; }
          if (text[i++] !== "}") fail();
          return obj;
        }
      }
      if (c === "[") {
        i++; const arr = []; ws();
        if (text[i] === "]") { i++; return arr; }
        for (;;) {
          arr.push(value()); ws();
          if (text[i] === ",") { i++; continue; }
          if (text[i++] !== "]") fail();
          return arr;
        }
      }
      if (c === "\"") return string();
      for (const [word, v] of [["true", true], ["false", false], ["null", null]]) {
        if (text.startsWith(word, i)) { i += word.length; return v; }
      }
      const m = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/.exec(text.slice(i, i + 400));
      if (!m) fail();
      i += m[0].length;
      return new PyNumber(m[0]);
    }
    function string() {
      const start = i;
      i++;
      while (text[i] !== "\"") { if (text[i] === "\\") i++; i++; if (i >= text.length) fail(); }
      i++;
      return JSON.parse(text.slice(start, i));
    }
    const v = value(); ws();
    if (i !== text.length) fail();
    return v;
  }

  function canonicalString(s) {
    let out = "\"";
    for (const ch of s) {
      const cp = ch.codePointAt(0);
      if (ch === "\"") out += "\\\"";
      else if (ch === "\\") out += "\\\\";
      else if (ch === "\n") out += "\\n";
      else if (ch === "\r") out += "\\r";
      else if (ch === "\t") out += "\\t";
      else if (ch === "\b") out += "\\b";
      else if (ch === "\f") out += "\\f";
      else if (cp >= 0x20 && cp <= 0x7e) out += ch;
      else {
        for (let j = 0; j < ch.length; j++) out += "\\u" + ch.charCodeAt(j).toString(16).padStart(4, "0");
      }
    }
    return out + "\"";
  }
  function byCodePoint(a, b) {
    const x = Array.from(a, (c) => c.codePointAt(0)), y = Array.from(b, (c) => c.codePointAt(0));
    for (let k = 0; k < Math.min(x.length, y.length); k++) if (x[k] !== y[k]) return x[k] - y[k];
    return x.length - y.length;
  }
  function canonicalJson(v) {
    if (v === null) return "null";
    if (v === true) return "true";
    if (v === false) return "false";
    if (v instanceof PyNumber) return v.raw;
    if (typeof v === "string") return canonicalString(v);
    if (Array.isArray(v)) return "[" + v.map(canonicalJson).join(",") + "]";
    const keys = Array.from(v.keys()).sort(byCodePoint);
    return "{" + keys.map((k) => canonicalString(k) + ":" + canonicalJson(v.get(k))).join(",") + "}";
  }
  function samePreserved(a, b) {  // Python == on json.loads values: 30.0 == 30
    if (a instanceof PyNumber || b instanceof PyNumber) {
      return a instanceof PyNumber && b instanceof PyNumber && Number(a.raw) === Number(b.raw);
    }
    if (Array.isArray(a) || Array.isArray(b)) {
      return Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.every((x, k) => samePreserved(x, b[k]));
    }
    if (a instanceof Map || b instanceof Map) {
      return a instanceof Map && b instanceof Map && a.size === b.size
        && Array.from(a.keys()).every((k) => b.has(k) && samePreserved(a.get(k), b.get(k)));
    }
    return a === b;
  }

  // --- the bundle (services/evidence/bundle.py) ------------------------------------------------------------
  function stateText(event) {
    return new TextDecoder("utf-8").decode(fromBase64(event.state, "state"));
  }

  async function checkEvent(event, size, root) {
    const position = integer(event.position, "position");
    const state = fromBase64(event.state, "state");
    const computed = await entryHash(fromHex(event.prev_hash, "prev_hash"), position,
      integer(event.notification_id, "notification_id"), event.originator_id,
      integer(event.originator_version, "originator_version"), String(event.topic), state);
    if (!sameBytes(computed, fromHex(event.entry_hash, "entry_hash"))) {
      throw new BundleInvalid(`entry hash mismatch at position ${position}: the stored bytes, topic, originator, `
        + "version or previous hash were changed");
    }
    if (position > size) throw new BundleInvalid(`position ${position} is beyond the signed checkpoint (size ${size})`);
    try {
      await verifyInclusion(computed, position - 1, size, event.inclusion_proof.map((p) => fromHex(p, "proof")), root);
    } catch (e) {
      if (!(e instanceof DomainFailure)) throw e;
      throw new BundleInvalid(`inclusion proof of position ${position} does not lead to the signed root (${e.message})`);
    }
  }

  function checkComplete(events, sessions) {
    const versions = new Map(sessions.map((s) => [s, []]));
    for (const event of events) {
      if (!versions.has(event.originator_id)) {
        throw new BundleInvalid(`event at position ${event.position} is outside the bundle's sessions`);
      }
      versions.get(event.originator_id).push(integer(event.originator_version, "originator_version"));
    }
    for (const [session, seen] of versions) {
      const sorted = [...seen].sort((a, b) => a - b);
      if (!seen.length || sorted.some((v, k) => v !== k + 1)) {
        const max = seen.length ? Math.max(...seen) : 0;
        const have = new Set(seen);
        let missing = 1;
        for (let v = 1; v <= max; v++) if (!have.has(v)) { missing = v; break; }
        throw new BundleInvalid(`session ${session} is incomplete: version ${missing} is missing`);
      }
    }
  }

  async function checkPolicies(bundle, preservedPolicies) {
    const activated = new Map();
    for (const a of bundle.policy_activations) {
      const state = parsePreserving(stateText(a));
      activated.set(state.get("policy_hash"), state.get("document"));
    }
    for (const event of bundle.events) {
      if (event.topic !== DECISION_MADE) continue;
      const policyHash = JSON.parse(stateText(event)).policy_hash;
      const document = preservedPolicies.get(policyHash);
      if (document === undefined) {
        throw new BundleInvalid(`the policy document ${policyHash} used at position ${event.position} is missing`);
      }
      if (hex(await sha256(utf8.encode(canonicalJson(document)))) !== policyHash) {
        throw new BundleInvalid(`the policy document ${policyHash} does not hash to its id`);
      }
      if (!activated.has(policyHash) || !samePreserved(activated.get(policyHash), document)) {
        throw new BundleInvalid(`the policy document ${policyHash} has no matching activation event in the bundle`);
      }
    }
  }

  // Only a pinned key ties a bundle to the ledger: the key a bundle carries is whatever its author
  // chose, so a rewritten bundle re-signed with another key is consistent with its own key.
  async function checkNamedKey(named, pinnedKey) {
    const namedId = hex(await sha256(named));
    if (!pinnedKey) {
      throw new BundleInvalid(`signed by an unknown key: no checkpoint key is pinned (the bundle names key id ${namedId})`);
    }
    const pinnedId = hex(await sha256(pinnedKey));
    if (namedId !== pinnedId) {
      throw new BundleInvalid(`signed by an unknown key: the bundle names key id ${namedId}, not the pinned key ${pinnedId}`);
    }
  }

  /** Verify `text` (the bundle file's contents) against `pinnedKey` (raw Ed25519 bytes; without it
   * nothing verifies); resolves to a report shaped like ops/bundle.py BundleReport. */
  async function verifyBundleText(text, pinnedKey) {
    let bundle;
    try { bundle = JSON.parse(text); } catch (e) {
      return { ok: false, reason: `the bundle cannot be read: ${e.message}`, events: 0, sessions: 0,
        checkpoint_size: 0, key_id: "", signature_checked: false, bundle: null };
    }
    const events = Array.isArray(bundle.events) ? bundle.events : [];
    const sessions = (bundle.scope && Array.isArray(bundle.scope.sessions)) ? bundle.scope.sessions : [];
    let size = 0, keyId = "", signatureChecked = false, checkpoint = null, stage = "format";
    const report = (ok, reason) => ({ ok, reason, stage: ok ? "done" : stage, events: events.length,
      sessions: sessions.length, checkpoint_size: size, key_id: keyId, signature_checked: signatureChecked,
      checkpoint, bundle });
    try {
      const named = fromBase64(bundle.public_key || "", "public_key");
      const key = pinnedKey || named;
      keyId = hex(await sha256(key));
      if (bundle.format !== FORMAT || bundle.version !== VERSION) {
        throw new BundleInvalid("not a kycledger evidence bundle (version 1)");
      }
      stage = "key";
      await checkNamedKey(named, pinnedKey);
      stage = "signature";
      try {
        checkpoint = await verifyCheckpointSignature(key, fromBase64(bundle.checkpoint, "checkpoint"));
      } catch (e) {
        if (e instanceof Ed25519Unsupported) {
          throw new BundleInvalid("this browser's WebCrypto has no Ed25519, so the checkpoint signature could not be "
            + `checked (${e.message}); verify with 'kycledger ledger verify --bundle'`);
        }
        if (!(e instanceof DomainFailure)) throw e;
        throw new BundleInvalid(`the checkpoint is not validly signed by the ledger key: ${e.message}`);
      }
      signatureChecked = true;
      size = checkpoint.size;
      stage = "events";
      for (const event of [...events, ...(bundle.policy_activations || [])]) {
        await checkEvent(event, size, checkpoint.root);
      }
      stage = "completeness";
      checkComplete(events, sessions);
      stage = "policies";
      const preserved = parsePreserving(text).get("policies");
      await checkPolicies(bundle, preserved instanceof Map ? preserved : new Map());
    } catch (e) {
      if (e instanceof BundleInvalid) return report(false, e.message);
      return report(false, `the bundle is malformed: ${e.name}: ${e.message}`);
    }
    return report(true, "");
  }

  global.KycEvidence = { verifyBundleText, canonicalJson, parsePreserving, entryHash, verifyInclusion,
    parseSignedCheckpoint, hex, fromBase64, sha256 };
})(typeof window !== "undefined" ? window : globalThis);
