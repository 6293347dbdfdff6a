// Runs the Postman collection's pre-request script (api/postman/signing.js) outside Postman: the parts
// of Postman's sandbox it uses (pm.variables, pm.request, CryptoJS) are stood in for with Node's crypto,
// with CryptoJS's semantics (UTF-8 strings in, hex out). Reads {script, cases} on stdin; prints the
// headers the script set for each case.
const crypto = require("crypto");
const wrap = (bytes) => ({ toString: () => bytes.toString("hex") });
const CryptoJS = {
  enc: { Hex: "hex" },
  SHA256: (text) => wrap(crypto.createHash("sha256").update(text, "utf8").digest()),
  HmacSHA256: (text, key) => wrap(crypto.createHmac("sha256", Buffer.from(key, "utf8")).update(text, "utf8").digest()),
  lib: { WordArray: { random: (n) => wrap(crypto.randomBytes(n)) } },
};
let input = "";
process.stdin.on("data", (chunk) => { input += chunk; });
process.stdin.on("end", () => {
  const { script, cases } = JSON.parse(input);
  const run = new Function("pm", "CryptoJS", script);
  const results = cases.map((c) => {
    const headers = {};
    const pm = {
      variables: {
        get: (k) => c.variables[k],
        replaceIn: (s) => s.replace(/{{(\w+)}}/g, (_, k) => (c.variables[k] === undefined ? "" : c.variables[k])),
      },
      request: {
        method: c.method,
        url: { toString: () => c.url, variables: { all: () => c.pathVariables } },
        body: c.body === null ? undefined : { mode: "raw", raw: c.body },
        headers: { upsert: ({ key, value }) => { headers[key] = value; }, remove: (k) => { delete headers[k]; } },
      },
    };
    run(pm, CryptoJS);
    return headers;
  });
  process.stdout.write(JSON.stringify(results));
});
