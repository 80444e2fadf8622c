/* Uploads report photos one by one with XHR, showing a progress bar; without JavaScript
   the form posts normally. */
(function () {
  "use strict";
  var form = document.getElementById("photo-form");
  if (!form || !window.XMLHttpRequest) { return; }
  var input = form.querySelector("input[type=file]");
  var bar = document.getElementById("photo-progress");
  var status = document.getElementById("photo-status");
  var list = document.getElementById("photo-list");
  var token = form.querySelector("input[name=csrfmiddlewaretoken]").value;
  var max = parseInt(form.getAttribute("data-max"), 10) || 10;
  var count = parseInt(form.getAttribute("data-count"), 10) || 0;

  function uploadOne(file, index, total) {
    return new Promise(function (resolve) {
      var data = new FormData();
      data.append("photo", file);
      ["shows_children", "guardian_consent"].forEach(function (name) {
        var box = form.querySelector("input[name=" + name + "]");
        if (box && box.checked) { data.append(name, "on"); }
      });
      var xhr = new XMLHttpRequest();
      xhr.open("POST", form.action);
      xhr.setRequestHeader("X-CSRFToken", token);
      xhr.setRequestHeader("Accept", "application/json");
      xhr.upload.onprogress = function (e) {
        if (e.lengthComputable) { bar.value = Math.round(((index + e.loaded / e.total) / total) * 100); }
      };
      xhr.onload = function () {
        var body = {};
        try { body = JSON.parse(xhr.responseText); } catch (e) { /* ignore */ }
        if (xhr.status === 201) {
          count += 1;
          var li = document.createElement("li");
          var img = document.createElement("img");
          img.src = body.url; img.width = 96; img.alt = "";
          li.appendChild(img);
          list.appendChild(li);
          resolve(true);
        } else {
          status.textContent = file.name + ": " + (body.detail || xhr.statusText);
          resolve(false);
        }
      };
      xhr.onerror = function () { status.textContent = file.name + ": " + form.getAttribute("data-offline"); resolve(false); };
      xhr.send(data);
    });
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var files = Array.prototype.slice.call(input.files || [], 0, Math.max(0, max - count));
    if (!files.length) { return; }
    bar.hidden = false; bar.value = 0; status.textContent = "";
    var ok = 0;
    files.reduce(function (chain, file, i) {
      return chain.then(function () { return uploadOne(file, i, files.length).then(function (r) { if (r) { ok += 1; } }); });
    }, Promise.resolve()).then(function () {
      bar.value = 100;
      status.textContent = (status.textContent ? status.textContent + " · " : "") + ok + "/" + files.length + " ✓";
      input.value = "";
    });
  });
})();
