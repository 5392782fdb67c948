// Permit verifier: camera scanning as progressive enhancement. Without BarcodeDetector (or
// without this file, or with scripts off) the form on the page is the whole verifier.
// A file, not an inline script, so that the Content-Security-Policy can forbid inline code.
(function () {
  "use strict";
  var button = document.getElementById("camera-button");
  if (!button) { return; }
  if (!("BarcodeDetector" in window) || !navigator.mediaDevices) {
    document.getElementById("camera-unsupported").hidden = false;
    return;
  }
  button.hidden = false;
  button.addEventListener("click", function () {
    var detector = new window.BarcodeDetector({formats: ["qr_code"]});
    var video = document.getElementById("camera-video");
    navigator.mediaDevices.getUserMedia({video: {facingMode: "environment"}}).then(function (stream) {
      document.getElementById("camera-area").hidden = false;
      video.srcObject = stream;
      video.play();
      var timer = setInterval(function () {
        detector.detect(video).then(function (codes) {
          var hit = codes.find(function (c) { return c.rawValue.indexOf("RUTA1:") === 0; });
          if (!hit) { return; }
          clearInterval(timer);
          stream.getTracks().forEach(function (track) { track.stop(); });
          document.getElementById("payload").value = hit.rawValue;
          document.getElementById("verify-form").submit();
        }).catch(function () {});
      }, 300);
    }).catch(function () {
      button.hidden = true;
      document.getElementById("camera-unsupported").hidden = false;
    });
  });
})();
