// For the host page: <iframe id="cmo-assessment" src="https://…/?embed=1"></iframe>
// <script src="https://…/static/js/embed.js" defer></script>
// Fits every iframe whose src is on the assessment's origin to the height of its content (growing and
// shrinking), and after each page change inside it scrolls the host page back to the frame's top.
(function () {
  "use strict";
  var origin = new URL(document.currentScript.src).origin;
  window.addEventListener("message", function (event) {
    if (event.origin !== origin || !event.data || typeof event.data.type !== "string") return;
    var frames = document.querySelectorAll("iframe");
    for (var i = 0; i < frames.length; i++) {
      var frame = frames[i];
      if (frame.contentWindow !== event.source) continue;
      if (event.data.type === "cmo-assessment:height") {
        frame.style.height = Math.ceil(Number(event.data.height) || 0) + "px";
        frame.style.border = "0";
      } else if (event.data.type === "cmo-assessment:page") {
        // The first page is where the visitor found the frame; on later ones, its top may be far above.
        if (frame.dataset.cmoSeen && frame.getBoundingClientRect().top < 0) frame.scrollIntoView({ block: "start" });
        frame.dataset.cmoSeen = "1";
      }
    }
  });
})();
