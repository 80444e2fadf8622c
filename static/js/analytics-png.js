// Charts as PNG: the inline SVG chart is drawn on a canvas in the browser and saved as PNG.
// serialise the <svg> → load it as an image from a data: URL (CSP img-src allows data:) →
// draw it on a white canvas at twice its size → canvas.toBlob → a download link.
// The buttons are hidden until this script runs, so without JavaScript only "Unduh SVG" shows.
(function () {
  "use strict";
  var SCALE = 2;

  function sizeOf(svg) {
    var box = svg.viewBox && svg.viewBox.baseVal;
    var rect = svg.getBoundingClientRect();
    return {
      width: (box && box.width) || rect.width || 640,
      height: (box && box.height) || rect.height || 400
    };
  }

  function save(blob, filename) {
    var link = document.createElement("a");
    link.href = URL.createObjectURL(blob);
    link.download = filename;
    link.hidden = true;
    document.body.appendChild(link);
    link.click();
    link.remove();
    window.setTimeout(function () { URL.revokeObjectURL(link.href); }, 10000);
  }

  function toPng(svg, filename, done) {
    var size = sizeOf(svg);
    var copy = svg.cloneNode(true);
    copy.setAttribute("xmlns", "http://www.w3.org/2000/svg");
    copy.setAttribute("width", String(size.width));
    copy.setAttribute("height", String(size.height));
    var text = new XMLSerializer().serializeToString(copy);
    var image = new Image();
    image.onload = function () {
      var canvas = document.createElement("canvas");
      canvas.width = Math.round(size.width * SCALE);
      canvas.height = Math.round(size.height * SCALE);
      var context = canvas.getContext("2d");
      context.fillStyle = "#ffffff";
      context.fillRect(0, 0, canvas.width, canvas.height);
      context.drawImage(image, 0, 0, canvas.width, canvas.height);
      canvas.toBlob(function (blob) {
        if (blob) { save(blob, filename); }
        done(Boolean(blob));
      }, "image/png");
    };
    image.onerror = function () { done(false); };
    image.src = "data:image/svg+xml;charset=utf-8," + encodeURIComponent(text);
  }

  var buttons = document.querySelectorAll("button[data-png]");
  Array.prototype.forEach.call(buttons, function (button) {
    var figure = button.closest("figure");
    var svg = figure && figure.querySelector("svg");
    if (!svg || !window.HTMLCanvasElement || !window.XMLSerializer) { return; }
    button.hidden = false;
    var separator = button.previousElementSibling;
    if (separator && separator.hasAttribute("data-png-sep")) { separator.hidden = false; }
    button.addEventListener("click", function () {
      button.disabled = true;
      toPng(svg, button.getAttribute("data-png"), function (ok) {
        button.disabled = false;
        if (!ok) { button.textContent = button.getAttribute("data-png-error") || "PNG gagal"; }
      });
    });
  });
})();
