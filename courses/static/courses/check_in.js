// The check-in screen (courses/templates/courses/admin/check_in.html) fetches itself every few
// seconds and swaps in the new QR code and count, so it can stay open on a projector; a button
// shows it full screen.
(function () {
  "use strict";
  var live = document.getElementById("check-in-live");
  if (!live) {
    return;
  }
  var every = Number(live.dataset.refreshSeconds || 10) * 1000;

  function refresh() {
    fetch(window.location.href, { credentials: "same-origin", cache: "no-store" })
      .then(function (response) {
        return response.ok ? response.text() : null;
      })
      .then(function (html) {
        if (!html) {
          return;
        }
        var fresh = new DOMParser().parseFromString(html, "text/html").getElementById("check-in-live");
        var current = document.getElementById("check-in-live");
        if (fresh && current) {
          current.replaceWith(fresh);
        }
      })
      .catch(function () {
        // Offline for a moment: the next round tries again.
      })
      .then(function () {
        window.setTimeout(refresh, every);
      });
  }
  window.setTimeout(refresh, every);

  var button = document.getElementById("check-in-fullscreen");
  var screen = document.getElementById("check-in-screen");
  if (button && screen && screen.requestFullscreen) {
    button.hidden = false;
    button.addEventListener("click", function () {
      screen.requestFullscreen();
    });
  }
})();
