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

  // Embed mode: tell the host page the content's height (not the document's, which is never below the
  // frame's own height, so the frame could only grow) and that a new page is shown (see embed.js).
  if (window.parent !== window) {
    var last = 0;
    var post = function () {
      var body = document.body, style = window.getComputedStyle(body);
      var h = Math.ceil(body.getBoundingClientRect().height + parseFloat(style.marginTop) + parseFloat(style.marginBottom));
      if (h !== last) {
        last = h;
        window.parent.postMessage({ type: "cmo-assessment:height", height: h }, "*");
      }
    };
    window.addEventListener("load", function () {
      post();
      window.parent.postMessage({ type: "cmo-assessment:page" }, "*");
    });
    window.addEventListener("resize", post);
    if (window.ResizeObserver) new ResizeObserver(post).observe(document.body);
  }
})();
