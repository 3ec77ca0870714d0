// The one script and the one style sheet of the account pages (lib/account-pages/pages.ts), served
// as files: the pages' policy runs nothing inline. Plain JavaScript for any current browser, no
// framework, no build step; test/e2e/account-pages.test.ts runs it in Chromium.
//
// The script knows nothing of either page: each page's form names the route it posts to
// (data-endpoint, relative to the page), the success text is in the page, hidden until shown.

export const ACCOUNT_PAGES_SCRIPT = `"use strict";
{
  const form = document.getElementById("account-form");
  const status = document.getElementById("status");
  const done = document.getElementById("done");
  const button = form.querySelector("button");

  function show(message) {
    status.textContent = message;
  }

  // The token travels in the link's fragment, which no browser sends to a server. Kept in memory
  // only: out of the address bar and the history once read.
  const token = new URLSearchParams(location.hash.slice(1)).get("token");
  if (location.hash) history.replaceState(null, "", location.pathname + location.search);

  async function post(body) {
    let response;
    try {
      response = await fetch(form.dataset.endpoint, {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify(body),
        credentials: "omit",
        cache: "no-store",
      });
    } catch {
      return "The server could not be reached: check your connection and try again.";
    }
    if (response.ok) return undefined;
    try {
      const { message } = await response.json();
      if (typeof message === "string" && message !== "") return message;
    } catch {
      // Not JSON: the generic text below.
    }
    return "Something went wrong (" + response.status + "): try again later.";
  }

  function body() {
    const password = form.elements.namedItem("newPassword");
    if (!password) return { token };
    const confirmation = form.elements.namedItem("confirmPassword");
    if (confirmation && confirmation.value !== password.value) {
      confirmation.focus();
      return undefined;
    }
    return { token, newPassword: password.value };
  }

  if (!token) {
    show("This link has no token: open the link from the mail again, or ask for a new one.");
  } else {
    form.hidden = false;
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      const sent = body();
      if (!sent) {
        show("The two passwords differ: type the same one twice.");
        return;
      }
      button.disabled = true;
      show("");
      const problem = await post(sent);
      button.disabled = false;
      if (problem) {
        show(problem);
        return;
      }
      form.hidden = true;
      done.hidden = false;
      done.focus();
    });
  }
}
`;

export const ACCOUNT_PAGES_STYLE = `[hidden] { display: none !important; }
body { font-family: system-ui, sans-serif; line-height: 1.5; margin: 0; padding: 2rem 1rem; color: #1a1a1a; background: #f6f6f6; }
main { max-width: 26rem; margin: 0 auto; padding: 1.5rem 2rem; background: #fff; border-radius: 0.5rem; box-shadow: 0 1px 3px rgba(0, 0, 0, 0.15); }
h1 { font-size: 1.4rem; margin-top: 0; }
form { display: grid; gap: 0.5rem; }
label { font-weight: 600; }
input { font: inherit; padding: 0.5rem; border: 1px solid #767676; border-radius: 0.25rem; margin-bottom: 0.5rem; }
button { font: inherit; padding: 0.6rem 1rem; border: 0; border-radius: 0.25rem; background: #0b57d0; color: #fff; cursor: pointer; }
button:disabled { background: #767676; cursor: wait; }
#status:not(:empty) { color: #b3261e; font-weight: 600; }
#done:focus { outline: none; }
`;
