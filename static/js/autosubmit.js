/*
 * A <select data-autosubmit> submits its form as soon as its value changes (the language switch at the
 * top of every page). Without JavaScript the <noscript> button next to it does the same.
 */
(function () {
  "use strict";

  document.addEventListener("change", function (event) {
    var select = event.target;
    if (select instanceof HTMLSelectElement && select.hasAttribute("data-autosubmit") && select.form) {
      select.form.submit();
    }
  });
})();
