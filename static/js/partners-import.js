// Partner import: a real progress bar while the spreadsheet uploads, then "checking rows".
// Without JavaScript the form posts normally and the server redirects to the preview.
(function () {
  "use strict";
  var form = document.getElementById("import-form");
  if (form && window.FormData && window.XMLHttpRequest) {
    var box = document.getElementById("import-progress");
    var bar = document.getElementById("import-progress-bar");
    var text = document.getElementById("import-progress-text");
    form.addEventListener("submit", function (event) {
      var input = form.querySelector("input[type=file]");
      if (!input || !input.files.length) { return; }
      event.preventDefault();
      var button = form.querySelector("button[type=submit]");
      button.disabled = true;
      box.hidden = false;
      bar.value = 0;
      var xhr = new XMLHttpRequest();
      xhr.open("POST", form.action || window.location.href);
      xhr.setRequestHeader("Accept", "application/json");
      xhr.upload.addEventListener("progress", function (e) {
        if (e.lengthComputable) {
          bar.value = Math.round((e.loaded / e.total) * 100);
          text.textContent = bar.value + " %";
        }
      });
      xhr.upload.addEventListener("load", function () {
        bar.removeAttribute("value"); // indeterminate while the server checks the rows
        text.textContent = form.dataset.processing || "";
      });
      xhr.addEventListener("load", function () {
        var data = {};
        try { data = JSON.parse(xhr.responseText); } catch (err) { data = {}; }
        if (data.redirect) { window.location.assign(data.redirect); return; }
        button.disabled = false;
        bar.value = 0;
        text.textContent = (data.errors || [xhr.statusText]).join(" ");
      });
      xhr.addEventListener("error", function () {
        button.disabled = false;
        text.textContent = form.dataset.offline || xhr.statusText;
      });
      xhr.send(new FormData(form));
    });
  }
  var confirm = document.getElementById("import-confirm-form");
  if (confirm) {
    confirm.addEventListener("submit", function () {
      var progress = confirm.querySelector("progress");
      if (progress) { progress.hidden = false; }
      var button = confirm.querySelector("button[type=submit]");
      window.setTimeout(function () { button.disabled = true; }, 0);
    });
  }
})();
