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

  // Question pages: each answer is saved as it is given (without this file, Next and Back save the
  // page), so a reload, the language switch or the "continue later" link mid-page loses nothing.
  document.addEventListener("DOMContentLoaded", function () {
    var marker = document.querySelector("form input[name=page_marker]");
    var form = marker && marker.form;
    // A form with its own autosave (the workspace's interview pages) is left to it.
    if (!form || form.hasAttribute("data-autosave") || !window.fetch || !window.FormData) return;
    var touched = {}, pending = Promise.resolve();
    var save = function () {
      var data = new FormData(form);
      data.set("nav", "save");
      Object.keys(touched).forEach(function (name) { data.append("touched", name); });
      pending = pending.then(function () {
        return fetch(form.action, { method: "POST", body: data, credentials: "same-origin" });
      }).catch(function () { /* the page's own Next/Back still saves */ });
      return pending;
    };
    form.addEventListener("change", function (event) {
      if (!event.target || !event.target.name || event.target.name === "csrf_token") return;
      touched[event.target.name] = true;
      save();
    });
    var links = document.querySelectorAll(".lang a");
    for (var i = 0; i < links.length; i++) {
      links[i].addEventListener("click", function (event) {
        var href = this.href;
        event.preventDefault();
        pending.then(function () { window.location.href = href; });
      });
    }
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
