// Meeting page: "全部设为出席" sets every attendance select to present (CSP forbids inline scripts).
document.addEventListener("DOMContentLoaded", function () {
  var button = document.getElementById("all-present");
  if (!button) return;
  button.addEventListener("click", function () {
    document.querySelectorAll("select.attendance-status").forEach(function (select) {
      select.value = "present";
    });
  });
});
