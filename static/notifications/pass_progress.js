// Polls the latest pass run's progress (no inline script: the CSP forbids it).
(function () {
  "use strict";
  var card = document.getElementById("latest-run");
  if (!card) { return; }
  var bar = document.getElementById("run-progress-bar");
  var status = document.getElementById("run-status");
  var figures = document.getElementById("run-figures");
  function show(percent) {
    bar.style.width = percent + "%";
    bar.textContent = percent + "%";
    bar.parentElement.setAttribute("aria-valuenow", String(percent));
  }
  show(parseInt(bar.getAttribute("data-percent") || "0", 10));
  if (card.getAttribute("data-finished") === "1") { return; }
  var url = card.getAttribute("data-progress-url");
  function poll() {
    fetch(url, { credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (data) {
        if (!data) { return; }
        show(data.percent);
        status.textContent = data.status_display;
        figures.textContent = "已检查 " + data.steps_done + "/" + data.steps_total + " 类规则；发现 " + data.found +
          " 项，站内通知 " + data.notified + " 条，邮件 " + data.emailed + " 封。";
        if (data.finished) {
          card.setAttribute("data-finished", "1");
          window.setTimeout(function () { window.location.reload(); }, 800);
        } else {
          window.setTimeout(poll, 1000);
        }
      })
      .catch(function () { window.setTimeout(poll, 3000); });
  }
  window.setTimeout(poll, 500);
})();
