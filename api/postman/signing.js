// kycledger request signing for Postman (api/SIGNING.md), run before every request of the collection.
// Collection variables: baseUrl, apiKeyId, apiKeySecret. Optional: apiTimestamp (unix seconds) and
// apiNonce (empty: send no X-API-NONCE) fix what is otherwise the current time and a fresh nonce, so
// the published test vectors can be reproduced.
const setting = (name) => {
  const value = pm.variables.get(name);
  return value === undefined || value === null ? undefined : String(value);
};
const keyId = setting("apiKeyId");
const secret = setting("apiKeySecret");
if (!keyId || !secret) {
  throw new Error("set the collection variables apiKeyId and apiKeySecret (kycledger tenants create --json)");
}
// The path exactly as sent, with its query: variables resolved, ":name" path variables filled in.
let target = pm.variables.replaceIn(pm.request.url.toString());
(pm.request.url.variables ? pm.request.url.variables.all() : []).forEach((v) => {
  target = target.split("/:" + v.key).join("/" + encodeURIComponent(pm.variables.replaceIn(String(v.value))));
});
const path = target.replace(/^[a-z][a-z0-9+.-]*:\/\/[^/]+/i, "") || "/";
const body = pm.request.body && pm.request.body.mode === "raw"
  ? pm.variables.replaceIn(pm.request.body.raw || "") : "";
const timestamp = setting("apiTimestamp") || String(Math.floor(Date.now() / 1000));
const fixedNonce = setting("apiNonce");
const nonce = fixedNonce !== undefined ? fixedNonce : CryptoJS.lib.WordArray.random(12).toString(CryptoJS.enc.Hex);
const lines = [timestamp, pm.request.method.toUpperCase(), path, CryptoJS.SHA256(body).toString(CryptoJS.enc.Hex)];
if (nonce) lines.push(nonce);
const sign = CryptoJS.HmacSHA256(lines.join("\n"), secret).toString(CryptoJS.enc.Hex);
pm.request.headers.upsert({ key: "X-API-KEY", value: keyId });
pm.request.headers.upsert({ key: "X-API-TIMESTAMP", value: timestamp });
pm.request.headers.upsert({ key: "X-API-SIGN", value: sign });
if (nonce) pm.request.headers.upsert({ key: "X-API-NONCE", value: nonce });
else pm.request.headers.remove("X-API-NONCE");
