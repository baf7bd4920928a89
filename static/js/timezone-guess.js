/* Onboarding: guess the time zone from the browser when the person has not
 * chosen one (the template loads this only then). */
(function () {
  "use strict";
  var select = document.getElementById("id_timezone");
  try {
    var zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
    if (select && zone) {
      var known = Array.prototype.some.call(select.options, function (option) { return option.value === zone; });
      if (known) { select.value = zone; }
    }
  } catch (e) { /* keep UTC */ }
})();
