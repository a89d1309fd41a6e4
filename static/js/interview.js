// Interview autosave: every change is posted as it happens (JSON, with the CSRF token in a header).
// Without this file the Save, Back and Next buttons post the whole page and nothing is lost either.
(function () {
  "use strict";
  var form = document.querySelector("form[data-autosave]");
  if (!form || !window.fetch) return;
  var url = form.dataset.autosave, token = form.dataset.csrf;
  var status = form.querySelector(".autosave-status");
  var timers = {};
  var pending = 0;

  function show(text) { if (status) status.textContent = text; }

  function post(body) {
    pending += 1;
    show(form.dataset.saving);
    return fetch(url, {
      method: "POST",
      credentials: "same-origin",
      keepalive: true,
      headers: { "Content-Type": "application/json", "X-CSRFToken": token, "Accept": "application/json" },
      body: JSON.stringify(body)
    }).then(function (r) {
      return r.json().catch(function () { return {}; }).then(function (data) {
        pending -= 1;
        if (!r.ok) throw new Error(data.error || form.dataset.failed);
        if (!pending) show(form.dataset.saved);
      });
    }).catch(function (err) {
      pending = Math.max(0, pending - 1);
      show(err && err.message ? err.message : form.dataset.failed);
    });
  }

  function answerOf(box, qid) {
    var inputs = box.querySelectorAll('input[name="' + qid + '"]');
    if (!inputs.length) return undefined;
    if (inputs[0].type === "checkbox") {
      return Array.prototype.filter.call(inputs, function (i) { return i.checked; }).map(function (i) { return i.value; });
    }
    var chosen = box.querySelector('input[name="' + qid + '"]:checked');
    return chosen ? chosen.value : null;
  }

  function send(target, soon) {
    var box = target.closest("[data-question]");
    if (!box) return;
    var qid = box.dataset.question, field = target.dataset.field, body = { question: qid };
    if (field === "note") body.note = target.value;
    else if (field) body[field] = target.checked;
    else if (target.name === qid) body.value = answerOf(box, qid);
    else return;
    var key = qid + ":" + (field || "value");
    clearTimeout(timers[key]);
    if (soon) { timers[key] = setTimeout(function () { delete timers[key]; post(body); }, 500); }
    else post(body);
  }

  form.addEventListener("change", function (e) { send(e.target, false); });
  form.addEventListener("input", function (e) { if (e.target.dataset.field === "note") send(e.target, true); });
  // A note typed just before the tab closes: send what is waiting (keepalive lets it finish).
  window.addEventListener("pagehide", function () {
    form.querySelectorAll("textarea[data-field=note]").forEach(function (t) {
      var key = t.closest("[data-question]").dataset.question + ":note";
      if (timers[key]) { clearTimeout(timers[key]); delete timers[key]; send(t, false); }
    });
  });
})();
