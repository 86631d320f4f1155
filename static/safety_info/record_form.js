// The register form shows only the fields of the chosen kind (complaint, dispute, malpractice, lawsuit).
// A separate file: the CSP (script-src 'self') runs no inline script.
(function () {
  var kind = document.getElementById("id_kind");
  if (!kind) return;
  function show() {
    document.querySelectorAll(".kind-field").forEach(function (el) {
      var k = el.getAttribute("data-kind");
      el.style.display = !k || k.split(" ").indexOf(kind.value) >= 0 ? "" : "none";
    });
  }
  kind.addEventListener("change", show);
  show();
})();
