/* Toolbar actions and keyboard shortcuts that act on the Cytoscape instance directly.
 * f: fit · + / -: zoom · n / →: next highlighted entity · p / ←: previous · Esc: leave presenter mode.
 * Keys are ignored while typing in a field. */
(function () {
  "use strict";

  function cy() {
    var box = document.getElementById("eco-graph");
    if (!box) { return null; }
    var inner = box.querySelector("div") || box;
    var holder = [box, inner].concat(Array.prototype.slice.call(box.querySelectorAll("div")))
      .find(function (el) { return el._cyreg && el._cyreg.cy; });
    return holder ? holder._cyreg.cy : null;
  }

  function act(action) {
    var instance = cy();
    if (!instance) { return; }
    var centre = { x: instance.width() / 2, y: instance.height() / 2 };
    if (action === "fit") { instance.fit(undefined, 30); }
    if (action === "zoom-in") { instance.zoom({ level: instance.zoom() * 1.25, renderedPosition: centre }); }
    if (action === "zoom-out") { instance.zoom({ level: instance.zoom() / 1.25, renderedPosition: centre }); }
  }

  function click(id) {
    var el = document.getElementById(id);
    if (el) { el.click(); }
  }

  // Refit when the network's box changes size (presenter mode, window resize), so the whole
  // network stays in view. The box appears after Dash renders, hence the wait for it.
  var watched = null;
  var refit = null;
  setInterval(function () {
    var box = document.getElementById("eco-graph");
    if (!box || box === watched || typeof ResizeObserver === "undefined") { return; }
    watched = box;
    new ResizeObserver(function () {
      clearTimeout(refit);
      refit = setTimeout(function () {
        var instance = cy();
        if (instance) { instance.resize(); instance.fit(undefined, 30); }
      }, 150);
    }).observe(box);
  }, 500);

  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("[data-cy-action]");
    if (button) { act(button.getAttribute("data-cy-action")); }
  });

  document.addEventListener("keydown", function (event) {
    var target = event.target;
    var typing = target && (target.isContentEditable ||
      /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName));
    if (typing || event.ctrlKey || event.metaKey || event.altKey) { return; }
    var presenting = document.querySelector(".app.presenter") !== null;
    switch (event.key) {
      case "f": act("fit"); break;
      case "+": case "=": act("zoom-in"); break;
      case "-": act("zoom-out"); break;
      case "n": case "ArrowRight": if (presenting || event.key === "n") { click("eco-next"); } break;
      case "p": case "ArrowLeft": if (presenting || event.key === "p") { click("eco-previous"); } break;
      case "Escape": if (presenting) { click("eco-leave-presenter"); } break;
      default: return;
    }
  });
})();
