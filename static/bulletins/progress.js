// Polls the progress endpoint of a bulletin being generated and moves the bar; reloads when it is done.
(function () {
  "use strict";
  var box = document.getElementById("bulletin-progress");
  if (!box) { return; }
  var url = box.getAttribute("data-progress-url");
  var bar = document.getElementById("bulletin-progress-bar");
  var step = document.getElementById("bulletin-progress-step");
  var state = box.getAttribute("data-status");
  var delay = 700;

  function show(data) {
    bar.style.width = data.percent + "%";
    bar.setAttribute("aria-valuenow", data.percent);
    bar.textContent = data.percent + "%";
    step.textContent = data.step || data.status_display;
    box.setAttribute("data-status", data.status);
  }

  function poll() {
    fetch(url, { credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(function (r) { return r.ok ? r.json() : Promise.reject(r.status); })
      .then(function (data) {
        show(data);
        if (data.status === "generating" || data.status === "draft") {
          window.setTimeout(poll, delay);
        } else if (data.status !== state) {
          window.location.reload();
        }
      })
      .catch(function () { window.setTimeout(poll, delay * 4); });
  }

  if (state === "generating" || state === "draft") { poll(); }
})();
