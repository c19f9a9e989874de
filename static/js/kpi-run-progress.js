/*
 * The KPI snapshot run's progress page (admin): polls the run's progress URL every two seconds until the run
 * has finished, and shows the count, the bar, the status, an error if any and which zones are done.
 * The element #kpi-run carries data-progress-url, data-finished and data-count-template (with __done__,
 * __total__ and __percent__ placeholders).
 */
(function () {
  "use strict";

  var root = document.getElementById("kpi-run");
  if (!root || root.dataset.finished === "true") {
    return;
  }
  var countTemplate = root.dataset.countTemplate || "";
  var failures = 0;

  function show(data) {
    var bar = document.getElementById("kpi-run-bar");
    bar.max = data.total;
    bar.value = data.done;
    bar.textContent = data.percent + "%";
    document.getElementById("kpi-run-status").textContent = data.status_display;
    document.getElementById("kpi-run-count").textContent = countTemplate
      .replace("__done__", data.done).replace("__total__", data.total).replace("__percent__", data.percent);
    var error = document.getElementById("kpi-run-error");
    error.textContent = data.error;
    error.hidden = !data.error;
    document.getElementById("kpi-run-waiting").hidden = data.finished;
    document.querySelectorAll("#kpi-run-zones li").forEach(function (item) {
      item.classList.toggle("taken", Number(item.dataset.index) <= data.done);
    });
  }

  function poll() {
    fetch(root.dataset.progressUrl, {headers: {"Accept": "application/json"}, credentials: "same-origin"})
      .then(function (response) {
        if (!response.ok) {
          throw new Error(response.status);
        }
        return response.json();
      })
      .then(function (data) {
        failures = 0;
        show(data);
        if (!data.finished) {
          window.setTimeout(poll, 2000);
        }
      })
      .catch(function () {
        failures += 1;
        if (failures < 10) {
          window.setTimeout(poll, 5000);
        }
      });
  }

  window.setTimeout(poll, 2000);
})();
