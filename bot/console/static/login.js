// Console login: posts the form to the JSON API; the session cookie is HttpOnly.
"use strict";
(function () {
  const form = document.getElementById("login-form");
  const problem = document.getElementById("login-error");
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    problem.hidden = true;
    const button = form.querySelector("button");
    button.disabled = true;
    try {
      const response = await fetch("/console/api/session", {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        credentials: "same-origin",
        body: JSON.stringify({
          name: form.elements.name.value,
          password: form.elements.password.value,
        }),
      });
      if (response.ok) {
        window.location.assign("/console/");
        return;
      }
      const body = await response.json().catch(() => ({}));
      problem.textContent = body.error || "Could not log in (" + response.status + ").";
    } catch (err) {
      problem.textContent = "The gateway cannot be reached. Check your connection.";
    }
    problem.hidden = false;
    button.disabled = false;
    form.elements.password.select();
  });
})();
