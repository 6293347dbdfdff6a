/* The console page: sign in as a person (login, password, authenticator code), show who is signed in,
 * sign out. The session lives in an HttpOnly cookie the page cannot read; the page keeps only the
 * CSRF token it was given, in memory, for the requests that change something
 * (api/web/console/cookies.py). No API secret is ever part of this page. */
const $ = (id) => document.getElementById(id);
let csrf = null;

function show(screen) {
  for (const id of ["screen-loading", "screen-sign-in", "screen-home"]) $(id).hidden = id !== screen;
  document.body.dataset.screen = screen;
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

function home(person) {
  csrf = person.csrf_token;
  $("who").textContent = person.display_name;
  $("roles").textContent = person.roles.join(", ");
  $("expires").textContent = new Date(person.expires_at).toLocaleString();
  show("screen-home");
  $("announce").textContent = `Signed in as ${person.display_name}.`;
  $("home-title").focus?.();
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
  const me = await call("GET", "/console/api/me");
  if (me.status === 200) home(me.data); else show("screen-sign-in");
  document.body.dataset.ready = "true";
}

start();
