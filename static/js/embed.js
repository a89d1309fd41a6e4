// For the host page: <iframe id="cmo-assessment" src="https://…/?embed=1"></iframe>
// <script src="https://…/static/js/embed.js" defer></script>
// Resizes every iframe whose src is on the assessment's origin to the height it reports.
(function () {
  "use strict";
  var origin = new URL(document.currentScript.src).origin;
  window.addEventListener("message", function (event) {
    if (event.origin !== origin || !event.data || event.data.type !== "cmo-assessment:height") return;
    var frames = document.querySelectorAll("iframe");
    for (var i = 0; i < frames.length; i++) {
      if (frames[i].contentWindow === event.source) {
        frames[i].style.height = Math.ceil(Number(event.data.height) || 0) + "px";
        frames[i].style.border = "0";
      }
    }
  });
})();
