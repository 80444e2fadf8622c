/* Offline-first ticket scanner and headcount (the one JavaScript island of attendance).
 *
 * Every scan or tap becomes a queue item {kind, activity_id, secret|segment, nonce,
 * scanned_at} kept in localStorage, so it survives a lost connection and a reload. The
 * queue is uploaded in order whenever the browser is online; an item leaves the queue only
 * when the server gave a final answer (2xx, or a 4xx refusal). Network errors and 5xx
 * (e.g. 503 "database unavailable") keep it for the next try. The server is idempotent by
 * nonce, so re-sending an item whose answer was lost is harmless.
 */
(function () {
  "use strict";
  var root = document.getElementById("scanner");
  if (!root) return;
  var activityId = parseInt(root.dataset.activity, 10);
  var KEY = "mitra-checkin-queue";
  var msg = root.dataset;
  var statusEl = document.getElementById("sync-status");
  var countEl = document.getElementById("queue-count");
  var resultEl = document.getElementById("last-result");
  var syncing = false;

  function nonce() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    var bytes = new Uint8Array(16);
    crypto.getRandomValues(bytes);
    return Array.prototype.map.call(bytes, function (b) { return ("0" + b.toString(16)).slice(-2); }).join("");
  }

  function load() {
    try { return JSON.parse(localStorage.getItem(KEY) || "[]"); } catch (e) { return []; }
  }
  function save(queue) { localStorage.setItem(KEY, JSON.stringify(queue)); }

  function render(state) {
    var queue = load();
    countEl.textContent = String(queue.length);
    root.dataset.queue = String(queue.length);
    if (state === "syncing") statusEl.textContent = msg.msgSyncing;
    else if (!navigator.onLine || state === "offline") statusEl.textContent = msg.msgOffline;
    else statusEl.textContent = msg.msgOnline + (queue.length ? "" : " · " + msg.msgSynced);
    root.dataset.state = state || (navigator.onLine ? "online" : "offline");
  }

  function show(text, ok) {
    resultEl.textContent = text;
    resultEl.className = "scanner-result " + (ok ? "ok" : "bad");
  }

  function enqueue(item) {
    item.nonce = nonce();
    item.activity_id = activityId;
    item.scanned_at = new Date().toISOString();
    var queue = load();
    queue.push(item);
    save(queue);
    render();
    sync();
  }

  function send(item) {
    var url = item.kind === "tally" ? msg.tallyUrl : msg.scanUrl;
    var body = { activity_id: item.activity_id, nonce: item.nonce, scanned_at: item.scanned_at };
    if (item.kind === "tally") body.segment = item.segment; else body.secret = item.secret;
    return fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": msg.csrf },
      body: JSON.stringify(body),
    });
  }

  function sync() {
    if (syncing) return;
    if (!navigator.onLine) { render("offline"); return; }
    var queue = load();
    if (!queue.length) { render(); return; }
    syncing = true;
    render("syncing");
    var item = queue[0];
    send(item).then(function (response) {
      if (response.status >= 500 || response.status === 429 || response.status === 401) {
        throw new Error("retry");
      }
      return response.json().then(function (data) {
        // Final answer: drop exactly this item (others may have been queued meanwhile).
        save(load().filter(function (q) { return q.nonce !== item.nonce; }));
        if (item.kind === "tally") return;
        if (response.ok && data.result === "accepted") {
          show(msg.msgAccepted + (data.name ? ": " + data.name : ""), true);
        } else {
          show(data.message || data.detail || data.reason || "?", false);
        }
      });
    }).then(function () {
      syncing = false;
      sync();
    }, function () {
      syncing = false;
      render("offline");
    });
  }

  // --- Decoding: camera frames and photos both go through jsQR ---------------------------
  var canvas = document.getElementById("frame");
  var context = canvas.getContext("2d", { willReadFrequently: true });
  var lastText = "";
  var lastAt = 0;

  function decode(source, width, height) {
    canvas.width = width;
    canvas.height = height;
    context.drawImage(source, 0, 0, width, height);
    var image = context.getImageData(0, 0, width, height);
    var code = window.jsQR(image.data, width, height, { inversionAttempts: "attemptBoth" });
    return code ? code.data : null;
  }

  function scanned(text) {
    var now = Date.now();
    if (text === lastText && now - lastAt < 3000) return; // the same QR still in view
    lastText = text;
    lastAt = now;
    enqueue({ kind: "scan", secret: text });
    if (!navigator.onLine) show(msg.msgQueued, true);
  }

  // A photo of the QR code (or a test's image file): decoded like a camera frame. The file
  // is read as a data: URL, which the page's Content Security Policy allows for images.
  function decodeImage(img, width, height) {
    var scale = Math.min(1, 1200 / Math.max(width, height));
    return decode(img, Math.round(width * scale), Math.round(height * scale));
  }

  document.getElementById("qr-file").addEventListener("change", function (event) {
    var input = event.target;
    var file = input.files && input.files[0];
    if (!file) return;
    var reader = new FileReader();
    reader.onload = function () {
      var img = new Image();
      img.onload = function () {
        var text = decodeImage(img, img.naturalWidth, img.naturalHeight);
        input.value = "";
        if (text) { lastText = ""; scanned(text); } else show(msg.msgUnreadable, false);
      };
      img.onerror = function () { show(msg.msgUnreadable, false); };
      img.src = reader.result;
    };
    reader.readAsDataURL(file);
  });

  var video = document.getElementById("camera");
  var startBtn = document.getElementById("camera-start");
  var stopBtn = document.getElementById("camera-stop");
  var stream = null;

  function tick() {
    if (!stream) return;
    if (video.readyState === video.HAVE_ENOUGH_DATA) {
      var text = decode(video, video.videoWidth, video.videoHeight);
      if (text) scanned(text);
    }
    requestAnimationFrame(tick);
  }

  startBtn.addEventListener("click", function () {
    if (!navigator.mediaDevices || !navigator.mediaDevices.getUserMedia) { show(msg.msgNocamera, false); return; }
    navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" }, audio: false }).then(function (s) {
      stream = s;
      video.srcObject = s;
      video.hidden = false;
      startBtn.hidden = true;
      stopBtn.hidden = false;
      video.play();
      requestAnimationFrame(tick);
    }, function () { show(msg.msgNocamera, false); });
  });

  stopBtn.addEventListener("click", function () {
    if (stream) stream.getTracks().forEach(function (t) { t.stop(); });
    stream = null;
    video.hidden = true;
    startBtn.hidden = false;
    stopBtn.hidden = true;
  });

  // --- Headcount ---------------------------------------------------------------------------
  Array.prototype.forEach.call(root.querySelectorAll("button.tally"), function (button) {
    button.addEventListener("click", function () {
      var segment = button.dataset.segment;
      enqueue({ kind: "tally", segment: segment });
      var badge = root.querySelector('[data-tally-count="' + segment + '"]');
      badge.textContent = String(parseInt(badge.textContent, 10) + 1);
    });
  });

  window.addEventListener("online", sync);
  window.addEventListener("offline", function () { render("offline"); });
  setInterval(sync, 15000);
  render();
  sync();
})();
