/* Site-wide behaviour. Everything here is progressive enhancement: pages work
 * without it. */
(function () {
  "use strict";

  // htmx: send Django's CSRF token with every request even on pages rendered
  // before the token cookie changed (e.g. after logging in in another tab).
  document.addEventListener("htmx:configRequest", function (event) {
    var match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    if (match) {
      event.detail.headers["X-CSRFToken"] = decodeURIComponent(match[1]);
    }
  });

  // Put keyboard focus on the first invalid field after a failed submit, so
  // screen-reader and keyboard users land on the error.
  document.addEventListener("DOMContentLoaded", function () {
    var invalid = document.querySelector("main .is-invalid");
    if (invalid && typeof invalid.focus === "function") {
      invalid.focus({ preventScroll: false });
    }
  });

  // <form data-confirm="Question?">: ask before submitting. Pages hold no
  // inline handlers (the Content-Security-Policy forbids them), so behaviour
  // is declared in data-* attributes and wired up here.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    var question = form && form.getAttribute && form.getAttribute("data-confirm");
    if (question && !window.confirm(question)) {
      event.preventDefault();
    }
  });

  // <input data-select-on-focus>: select the whole value (a link to copy).
  document.addEventListener("focusin", function (event) {
    var input = event.target;
    if (input && input.hasAttribute && input.hasAttribute("data-select-on-focus")) {
      input.select();
    }
  });
})();
