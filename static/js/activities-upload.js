/* Report photos upload as soon as they are chosen: one XHR per photo, each with its own
   progress bar, the count in the heading kept live, and a remove button on each photo
   until the report is sent. Without JavaScript the form posts normally. */
(function () {
  "use strict";
  var form = document.getElementById("photo-form");
  if (!form || !window.XMLHttpRequest) { return; }
  var input = form.querySelector("input[type=file]");
  var bar = document.getElementById("photo-progress");
  var status = document.getElementById("photo-status");
  var list = document.getElementById("photo-list");
  var counter = document.getElementById("photo-n");
  var sendButton = document.getElementById("photo-send");
  var token = form.querySelector("input[name=csrfmiddlewaretoken]").value;
  var max = parseInt(form.getAttribute("data-max"), 10) || 10;
  var count = parseInt(form.getAttribute("data-count"), 10) || 0;
  var deleteUrl = form.getAttribute("data-delete-url");  // ends in /0/hapus/
  if (sendButton) { sendButton.parentNode.removeChild(sendButton); }  // choosing is enough

  function setCount(n) {
    count = n;
    if (counter) { counter.textContent = String(n); }
    input.disabled = n >= max;
  }

  function removeButton(li, id) {
    var button = document.createElement("button");
    button.type = "button";
    button.className = "link";
    button.textContent = form.getAttribute("data-remove");
    button.addEventListener("click", function () { remove(li, id, deleteUrl.replace(/\/0\/hapus\/$/, "/" + id + "/hapus/")); });
    return button;
  }

  function remove(li, id, url) {
    var xhr = new XMLHttpRequest();
    xhr.open("POST", url);
    xhr.setRequestHeader("X-CSRFToken", token);
    xhr.setRequestHeader("Accept", "application/json");
    xhr.onload = function () {
      if (xhr.status === 200) {
        li.parentNode.removeChild(li);
        setCount(count - 1);
      } else {
        var body = {};
        try { body = JSON.parse(xhr.responseText); } catch (e) { /* ignore */ }
        status.textContent = body.detail || xhr.statusText;
      }
    };
    xhr.onerror = function () { status.textContent = form.getAttribute("data-offline"); };
    xhr.send();
  }

  function uploadOne(file) {
    return new Promise(function (resolve) {
      var li = document.createElement("li");
      li.className = "uploading";
      var name = document.createElement("span");
      name.textContent = file.name;
      var progress = document.createElement("progress");
      progress.max = 100; progress.value = 0;
      li.appendChild(name); li.appendChild(progress);
      list.appendChild(li);
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
        if (e.lengthComputable) { progress.value = Math.round((e.loaded / e.total) * 100); }
      };
      xhr.onload = function () {
        var body = {};
        try { body = JSON.parse(xhr.responseText); } catch (e) { /* ignore */ }
        if (xhr.status === 201) {
          li.className = "";
          li.setAttribute("data-id", body.id);
          li.textContent = "";
          var img = document.createElement("img");
          img.src = body.url; img.width = 96; img.alt = file.name;
          li.appendChild(img);
          li.appendChild(removeButton(li, body.id));
          setCount(count + 1);
          resolve(true);
        } else {
          li.parentNode.removeChild(li);
          status.textContent = file.name + ": " + (body.detail || xhr.statusText);
          resolve(false);
        }
      };
      xhr.onerror = function () {
        li.parentNode.removeChild(li);
        status.textContent = file.name + ": " + form.getAttribute("data-offline");
        resolve(false);
      };
      xhr.send(data);
    });
  }

  function uploadChosen() {
    var room = Math.max(0, max - count);
    var files = Array.prototype.slice.call(input.files || [], 0, room);
    if (!files.length) { if (room === 0) { status.textContent = form.getAttribute("data-full"); } return; }
    bar.hidden = false; bar.value = 0; status.textContent = "";
    var done = 0, ok = 0;
    files.reduce(function (chain, file) {
      return chain.then(function () {
        return uploadOne(file).then(function (r) { done += 1; if (r) { ok += 1; } bar.value = Math.round((done / files.length) * 100); });
      });
    }, Promise.resolve()).then(function () {
      status.textContent = (status.textContent ? status.textContent + " · " : "") + ok + "/" + files.length + " ✓";
      input.value = "";
    });
  }

  input.addEventListener("change", uploadChosen);
  form.addEventListener("submit", function (event) { event.preventDefault(); uploadChosen(); });
  // Photos already on the page: remove without leaving it.
  Array.prototype.forEach.call(list.querySelectorAll("form.photo-delete"), function (del) {
    del.addEventListener("submit", function (event) {
      event.preventDefault();
      remove(del.parentNode, del.parentNode.getAttribute("data-id"), del.action);
    });
  });
  setCount(count);
})();
