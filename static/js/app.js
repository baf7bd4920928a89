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
})();
