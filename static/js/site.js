// Progressive enhancement only: every page works without this file.
(function () {
  "use strict";
  document.addEventListener("DOMContentLoaded", function () {
    // Send keyboard and screen-reader users straight to the list of problems.
    var summary = document.getElementById("error-summary");
    if (summary) summary.focus();
    var link = document.querySelector(".resume-link");
    if (link) link.addEventListener("focus", function () { link.select(); });
  });

  // Embed mode: tell the host page our height so its iframe fits the content (see embed.js).
  if (document.body && document.body.classList.contains("embed") || window.parent !== window) {
    var last = 0;
    var post = function () {
      var h = document.documentElement.scrollHeight;
      if (h !== last) {
        last = h;
        window.parent.postMessage({ type: "cmo-assessment:height", height: h }, "*");
      }
    };
    window.addEventListener("load", post);
    window.addEventListener("resize", post);
    if (window.ResizeObserver) new ResizeObserver(post).observe(document.documentElement);
  }
})();
