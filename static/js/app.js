/* Bazaar: progressive enhancements. Every page works without this file. */
(function () {
  "use strict";

  function csrfToken() {
    var meta = document.querySelector('meta[name="csrf-token"]');
    return meta ? meta.getAttribute("content") : "";
  }

  /* htmx: send the CSRF token on every request it makes. */
  function initHtmxCsrf() {
    document.body.addEventListener("htmx:configRequest", function (event) {
      var token = csrfToken();
      if (token) {
        event.detail.headers["X-CSRFToken"] = token;
      }
    });
  }

  /* <button data-toggle-password="input-id"> shows/hides that password input. */
  function initPasswordToggles(root) {
    root.querySelectorAll("[data-toggle-password]").forEach(function (button) {
      if (button.dataset.bzBound) { return; }
      button.dataset.bzBound = "1";
      var input = document.getElementById(button.getAttribute("data-toggle-password"));
      if (!input) { return; }
      button.hidden = false;
      button.setAttribute("aria-pressed", "false");
      button.addEventListener("click", function () {
        var show = input.type === "password";
        input.type = show ? "text" : "password";
        button.setAttribute("aria-pressed", show ? "true" : "false");
        button.setAttribute("aria-label", show ? "Hide password" : "Show password");
        var icon = button.querySelector(".bi");
        if (icon) {
          icon.classList.toggle("bi-eye", !show);
          icon.classList.toggle("bi-eye-slash", show);
        }
        input.focus();
      });
    });
  }

  /* Success alerts fade away after 6 s (other categories stay until dismissed). */
  function initAutoDismiss(root) {
    root.querySelectorAll(".alert-dismissible.alert-success").forEach(function (alert) {
      if (alert.dataset.bzBound) { return; }
      alert.dataset.bzBound = "1";
      window.setTimeout(function () {
        if (!document.body.contains(alert)) { return; }
        if (window.bootstrap && window.bootstrap.Alert) {
          window.bootstrap.Alert.getOrCreateInstance(alert).close();
        } else {
          alert.remove();
        }
      }, 6000);
    });
  }

  /* <form data-confirm="Are you sure?"> asks before submitting. */
  function initConfirmForms() {
    document.addEventListener("submit", function (event) {
      var form = event.target;
      if (!(form instanceof HTMLFormElement)) { return; }
      var message = form.getAttribute("data-confirm");
      if (message && !window.confirm(message)) {
        event.preventDefault();
        event.stopImmediatePropagation();
      }
    }, true);
  }

  /* <button data-cooldown-seconds="60"> disables itself and counts down. */
  function startCooldown(button) {
    var seconds = parseInt(button.getAttribute("data-cooldown-seconds"), 10);
    if (!seconds || seconds <= 0) { return; }
    if (!button.dataset.bzLabel) { button.dataset.bzLabel = button.textContent.trim(); }
    var label = button.dataset.bzLabel;
    var remaining = seconds;
    button.disabled = true;
    button.setAttribute("aria-disabled", "true");
    function tick() {
      if (remaining <= 0) {
        button.disabled = false;
        button.removeAttribute("aria-disabled");
        button.textContent = label;
        return;
      }
      button.textContent = label + " (" + remaining + "s)";
      remaining -= 1;
      window.setTimeout(tick, 1000);
    }
    tick();
  }

  function initCooldowns(root) {
    root.querySelectorAll("[data-cooldown-seconds]").forEach(function (button) {
      if (button.dataset.bzBound) { return; }
      button.dataset.bzBound = "1";
      // The server renders the remaining cooldown; start counting right away.
      startCooldown(button);
      var form = button.form;
      if (form) {
        // Submitting the resend form restarts the countdown (after the browser sends it).
        form.addEventListener("submit", function (event) {
          if (event.submitter && event.submitter !== button) { return; }
          window.setTimeout(function () { startCooldown(button); }, 0);
        });
      }
    });
  }

  function enhance(root) {
    initPasswordToggles(root);
    initAutoDismiss(root);
    initCooldowns(root);
  }

  document.addEventListener("DOMContentLoaded", function () {
    initHtmxCsrf();
    initConfirmForms();
    enhance(document);
    // Content swapped in by htmx gets the same enhancements.
    document.body.addEventListener("htmx:load", function (event) {
      enhance(event.target);
    });
  });
})();
