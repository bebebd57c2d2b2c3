/* Downloads of the verification page's QR code, made here from the inline SVG so the build writes no image per
   product: the SVG as it is (for print) and a PNG at 8 pixels per module, drawn on a canvas. Without JavaScript
   the links stay hidden; the code on screen still scans. */
(function () {
  "use strict";
  var figure = document.querySelector("figure.qr[data-name]");
  var svg = figure && figure.querySelector("svg");
  if (!svg || !window.Blob || !window.URL) return;
  var markup = new XMLSerializer().serializeToString(svg);
  var name = figure.dataset.name;
  function save(blob, file) {
    var link = document.createElement("a");
    link.href = URL.createObjectURL(blob);
    link.download = file;
    document.body.appendChild(link);
    link.click();
    link.remove();
    setTimeout(function () { URL.revokeObjectURL(link.href); }, 60000);
  }
  function png(done) {
    var side = svg.viewBox.baseVal.width * 8, image = new Image();
    image.onload = function () {
      var canvas = document.createElement("canvas");
      canvas.width = canvas.height = side;
      var context = canvas.getContext("2d");
      context.imageSmoothingEnabled = false;
      context.drawImage(image, 0, 0, side, side);
      canvas.toBlob(done, "image/png");
    };
    image.src = "data:image/svg+xml;charset=utf-8," + encodeURIComponent(markup);
  }
  figure.querySelector("[data-format=svg]").addEventListener("click", function (event) {
    event.preventDefault();
    save(new Blob([markup], { type: "image/svg+xml" }), name + ".svg");
  });
  figure.querySelector("[data-format=png]").addEventListener("click", function (event) {
    event.preventDefault();
    png(function (blob) { save(blob, name + ".png"); });
  });
  figure.querySelector(".qr-downloads").hidden = false;
})();
