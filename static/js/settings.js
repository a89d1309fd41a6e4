// The settings page's preview follows the form as the admin types: name, colour and a chosen logo.
// Without this file the preview shows what is saved, and nothing else changes.
(function () {
  "use strict";
  var form = document.getElementById("settings-form");
  var preview = document.getElementById("cover-preview");
  if (!form || !preview) return;
  var hex = /^#[0-9a-fA-F]{6}$/;

  function update() {
    var name = form.elements.name.value.trim() || preview.dataset.defaultName;
    var color = form.elements.color.value.trim();
    if (!hex.test(color)) color = preview.dataset.defaultColor;
    preview.querySelector('[data-preview="name"]').textContent = name;
    preview.querySelectorAll('[data-preview="color"], [data-preview="name"]').forEach(function (el) {
      el.setAttribute("fill", color);
    });
  }

  form.elements.name.addEventListener("input", update);
  form.elements.color.addEventListener("input", update);
  form.elements.logo.addEventListener("change", function () {
    var file = form.elements.logo.files[0];
    if (!file || !/^image\/(png|jpeg)$/.test(file.type)) return;
    var reader = new FileReader();  // a data: URL: the page's CSP allows those for images, not blob:
    reader.onload = function () {
      preview.querySelector('[data-preview="logo"]').setAttribute("href", reader.result);
    };
    reader.readAsDataURL(file);
  });
})();
