/* Toolbar actions and keyboard shortcuts that act on the Cytoscape instance directly.
 * f: fit · + / -: zoom · n / →: next highlighted entity · p / ←: previous · g: play the years
 * · Esc: leave presenter mode. Playing a story in presenter mode: → / space / PageDown next step,
 * ← / PageUp previous.
 * The view is brought to what the server names in #eco-camera (a step, a path, a pick).
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
    if (action === "fit") { fitAbove(instance, 30); }
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
    // Once per frame at most: a mode change is fitted in the next frame, a window's edge
    // dragged is followed as it moves. Only when Cytoscape's idea of its size is not the box's:
    // an observer also reports the size it starts with, and the network may be on screen by
    // then (drawn with the page), perhaps zoomed into already, at the size it was drawn for.
    new ResizeObserver(function () {
      cancelAnimationFrame(refit);
      refit = requestAnimationFrame(function () {
        var instance = cy();
        if (instance && resized(instance)) { fitAbove(instance, 30); }
      });
    }).observe(box);
  }, 500);

  function captionHeight() {
    var area = document.getElementById("eco-graph");
    if (!area) { return 0; }
    var floor = area.getBoundingClientRect().bottom;
    var highest = 0;
    document.querySelectorAll(".graph-area .caption").forEach(function (el) {
      var box = el.getBoundingClientRect();
      if (box.height && floor - box.bottom < 40) {  // sits on the bottom of the network
        highest = Math.max(highest, floor - box.top + 8);
      }
    });
    return highest;
  }

  // The whole network in the part of its area a caption leaves free: a story's caption sits
  // over the bottom of the network, and what a step shows must not be hidden under it.
  // Whether Cytoscape had to learn its box's size again: it keeps the size it first measured,
  // and the page around the network may have settled since (the first view comes with the page).
  function resized(instance) {
    var area = instance.container();
    if (!area || (area.clientWidth === instance.width() && area.clientHeight === instance.height())) {
      return false;
    }
    instance.resize();
    return true;
  }

  function fitAbove(instance, padding) {
    resized(instance);  // fitted to the box as it is now
    var covered = captionHeight();
    if (!covered) { instance.fit(undefined, padding); return; }
    var box = instance.elements().boundingBox();
    var zoom = Math.min(instance.maxZoom(), (instance.width() - 2 * padding) / Math.max(box.w, 1),
      (instance.height() - covered - 2 * padding) / Math.max(box.h, 1));
    instance.viewport({ zoom: zoom, pan: { x: instance.width() / 2 - (box.x1 + box.x2) / 2 * zoom,
      y: (instance.height() - covered) / 2 - (box.y1 + box.y2) / 2 * zoom } });
  }

  // Entities coming and going (a filter, a metric, a neighbourhood, a path kept in view).
  // Cytoscape's Dash component answers each change 100 ms later twice over: it lays the network
  // out again (a second redraw, the camera refitted after the picture was already shown), and it
  // copies every element back into its `elements` property, so that the server's next answer is
  // compared with elements that carry no classes and every element is restyled. Here the copy
  // is dropped, the layout run is left to the layouts the browser computes (the server turns the
  // component's autoRefreshLayout on for them), and the view is refitted before the first
  // redraw, unless a camera is asked for. Each entity's place as the server or a layout puts it
  // is kept, so that Reset can put back an entity that was dragged away.
  var adoptedCy = null;
  // Taken up as soon as the instance is there; the first view's script (FIRST_VIEW_SCRIPT in
  // ecosystem/web/network.py) asks for it before it hands over the elements, so that they are
  // fitted before they are first drawn.
  window.ecoAdopt = adopt;
  setInterval(adopt, 100);
  function adopt() {
    var instance = cy();
    if (!instance || instance === adoptedCy) { return; }
    adoptedCy = instance;
    instance.emitter().listeners
      .filter(function (listener) { return listener.event === "dragfree"; })
      .forEach(function (listener) { instance.off("dragfree add remove", listener.callback); });
    var fitting = false;
    var home = function (node) { node.scratch("ecoHome", { x: node.position("x"), y: node.position("y") }); };
    instance.nodes().forEach(home);
    // Drawn before this script took the instance up (the first view comes with the page, in the
    // same task as the component's first render): fitted now, as a change below would be.
    if (instance.nodes().length && !cameraAsked()) {
      fitAbove(instance, 30);
      instance.emit("ecochange");
    }
    instance.on("add remove", function () {
      if (fitting) { return; }
      fitting = true;
      // After the change that is being made (the whole update is one task), before it is drawn.
      Promise.resolve().then(function () {
        fitting = false;
        if (!cameraAsked()) { fitAbove(instance, 30); }
        instance.emit("ecochange");
        frame();
      });
    });
    instance.on("add", "node", function (event) { home(event.target); });
    instance.on("position", "node", function (event) {
      if (!event.target.grabbed()) { home(event.target); }
    });
    instance.on("free", "node", function (event) { event.target.scratch("ecoMoved", true); });
  }

  // Reset: every entity dragged away goes back to its place.
  document.addEventListener("click", function (event) {
    if (!(event.target.closest && event.target.closest("#eco-reset"))) { return; }
    var instance = cy();
    if (!instance) { return; }
    instance.batch(function () {
      instance.nodes().forEach(function (node) {
        var place = node.scratch("ecoHome");
        if (node.scratch("ecoMoved") && place) { node.position(place); }
        node.removeScratch("ecoMoved");
      });
    });
  });

  // When no camera is asked for (a step saved without one, nothing to frame), the network is
  // fitted again above a caption as it appears or changes height, and after each layout (whose
  // own fit uses the whole area).
  function cameraAsked() {
    return Boolean(document.querySelector('#eco-camera [data-fit]:not([data-fit=""])') ||
      document.querySelector('#eco-story-camera [data-camera]:not([data-camera=""])'));
  }
  var coveredBefore = 0;
  var fittingCy = null;
  setInterval(function () {
    var instance = cy();
    if (!instance) { return; }
    if (instance !== fittingCy) {
      fittingCy = instance;
      instance.on("layoutstop", function () {
        setTimeout(function () {
          if (captionHeight() && !cameraAsked()) { fitAbove(instance, 30); }
        }, 0);
      });
    }
    var covered = captionHeight();
    if (covered === coveredBefore) { return; }
    coveredBefore = covered;
    if (!cameraAsked()) { fitAbove(instance, 30); }
  }, 200);

  // Bring into view what the server asks for: the entity stepped to and where it is reached
  // from, or the chosen path, or a picked candidate (#eco-camera's data-fit, space-separated ids).
  // Framed as soon as both are in: when the server's answer names what to frame (watched as
  // it changes), and when the elements it names are drawn (the "ecochange" event above).
  var framed = null;
  var MAX_ZOOM = 1.4;
  var cameraBox = null;
  setInterval(function () {
    var box = document.getElementById("eco-camera");
    if (!box || box === cameraBox) { return; }
    cameraBox = box;
    new MutationObserver(frame).observe(box, { subtree: true, childList: true, attributes: true });
    frame();
  }, 100);
  setInterval(frame, 500);  // and now and then, should an element have been missed
  function frame() {
    var holder = document.querySelector("#eco-camera [data-fit]");
    var wanted = holder ? holder.getAttribute("data-fit") : "";
    var instance = cy();
    if (!instance || wanted === framed) { return; }
    if (!wanted) { framed = wanted; return; }
    var ids = wanted.split(" ");
    var chosen = instance.collection();
    ids.forEach(function (id) { chosen = chosen.union(instance.getElementById(id)); });
    if (chosen.length < ids.length) { return; }  // not drawn yet: again when they are
    framed = wanted;
    instance.stop();
    // Fit them, but never closer than MAX_ZOOM: a step's two entities stay in their setting.
    var box = chosen.boundingBox();
    var padding = chosen.length > 2 ? 80 : 220;
    // A caption over the bottom of the network takes room: fit what is named above it.
    var covered = captionHeight();
    var zoom = Math.min(MAX_ZOOM, (instance.width() - 2 * padding) / Math.max(box.w, 1),
      (instance.height() - covered - 2 * padding) / Math.max(box.h, 1));
    var middle = { x: (box.x1 + box.x2) / 2, y: (box.y1 + box.y2) / 2 };
    move(instance, {
      zoom: zoom,
      pan: { x: instance.width() / 2 - middle.x * zoom,
        y: (instance.height() - covered) / 2 - middle.y * zoom }
    }, 450);
  }

  // A camera move glides where the network is small enough to redraw many times a second; on a
  // large one (each frame of thousands of named entities takes a tenth of a second or more) it
  // cuts straight there, in the same frame as what it brings into view.
  var GLIDE_MAX_ELEMENTS = 1000;
  function move(instance, viewport, duration) {
    if (instance.elements().length > GLIDE_MAX_ELEMENTS) {
      instance.viewport(viewport);
      return;
    }
    instance.animate(viewport, { duration: duration, easing: "ease-in-out-cubic" });
  }

  // Names are shown only where they have room, the most central first: each only if it would
  // cover no name already shown (a label grows with the zoom as the network does, so what
  // covers what does not change as one zooms; a name too small to be drawn takes no room). In
  // the whole view the most central entities are named ("labelled" by the server), and one is
  // marked "crowded" (no name) where it would cover a more central one's. Past ZOOMED_IN the
  // entities in sight are named too ("zoomed"), and those within half a view of it (a pan
  // shows them named); the whole view's names are marked "zoomed" then as well, which gives
  // them the usual type instead of a large network overview's large one. Never those a
  // highlight dims (they show no name), nor further out: naming every entity of a large
  // network restyles and measures hundreds of labels at each camera move that zooms in (0.7 s
  // for the 666 entities of H2020's overview, most of them off screen or dimmed).
  var ZOOMED_IN = 1.1;
  var SHOWN = ["named", "focus", "numbered"];  // a highlight's names, shown whatever the room
  var measuring = null;
  // Where a node's name would be drawn, in the network's coordinates: under it, as wide as the
  // text in its font, with room for the outline around the letters. A name that wraps takes
  // its label's whole width, as Cytoscape's own box of it does: where its lines break depends
  // on measures a few pixels apart, and a narrower guess let a wrapped name touch its
  // neighbour's on a projector.
  function labelBox(node, text) {
    measuring = measuring || document.createElement("canvas").getContext("2d");
    var size = node.pstyle("font-size").pfValue;
    measuring.font = node.pstyle("font-weight").strValue + " " + size + "px " +
      node.pstyle("font-family").strValue;
    var width = measuring.measureText(text).width;
    var widest = node.pstyle("text-max-width").pfValue;
    var lines = 1;
    if (width > widest && node.pstyle("text-wrap").strValue === "wrap") {
      // Its lines: wrapped at spaces, as many words to a line as fit (with a little to spare,
      // so a line is never one too few).
      var line = "";
      text.split(" ").forEach(function (word) {
        var longer = line ? line + " " + word : word;
        if (line && measuring.measureText(longer).width > 0.92 * widest) {
          lines += 1;
          line = word;
        } else {
          line = longer;
        }
      });
    }
    width = Math.min(width, widest);
    var pad = node.pstyle("text-outline-width").pfValue + 2;
    var at = node.position();
    var top = at.y + node.height() / 2 + node.pstyle("text-margin-y").pfValue;
    return { x1: at.x - width / 2 - pad, x2: at.x + width / 2 + pad, y1: top - pad,
      y2: top + lines * size * 1.25 + pad };
  }
  function covers(box, boxes) {
    return boxes.some(function (other) {
      return box.x1 < other.x2 && other.x1 < box.x2 && box.y1 < other.y2 && other.y1 < box.y2;
    });
  }
  var watchedCy = null;
  setInterval(function () {
    var instance = cy();
    if (!instance || instance === watchedCy) { return; }
    watchedCy = instance;
    var mark = function () {
      var zoom = instance.zoom(), close = zoom >= ZOOMED_IN;
      var view = instance.extent(), marginX = view.w / 2, marginY = view.h / 2;
      var presenting = document.querySelector(".app.presenter") !== null;
      var change = { zoomed: [[], []], crowded: [[], []] };  // [to add, to remove] per class
      var want = function (node, name, on) {
        if (on !== node.hasClass(name)) { change[name][on ? 0 : 1].push(node); }
      };
      var taken = [], candidates = [];
      instance.nodes().forEach(function (node) {
        var shown = SHOWN.some(function (name) { return node.hasClass(name); });
        if (node.hasClass("dim") || shown) {
          if (shown) { taken.push(labelBox(node, node.pstyle("label").strValue)); }
          want(node, "zoomed", false);
          want(node, "crowded", false);
          return;
        }
        var at = node.position();
        var near = at.x >= view.x1 - marginX && at.x <= view.x2 + marginX &&
          at.y >= view.y1 - marginY && at.y <= view.y2 + marginY;
        if (node.hasClass("labelled") || (close && near)) {
          candidates.push(node);
        } else {
          want(node, "zoomed", false);
          want(node, "crowded", false);
        }
      });
      candidates.sort(function (a, b) {
        return b.data("size") - a.data("size") || (a.id() < b.id() ? -1 : 1);
      });
      candidates.forEach(function (node) {
        var drawn = node.pstyle("font-size").pfValue * zoom >=
          node.pstyle("min-zoomed-font-size").pfValue;
        var room = true;
        if (drawn) {
          var box = labelBox(node, String(node.data(presenting ? "title" : "label") || ""));
          room = !covers(box, taken);
          if (room) { taken.push(box); }
        }
        if (node.hasClass("labelled")) {
          want(node, "zoomed", close);
          want(node, "crowded", !room);
        } else {
          want(node, "zoomed", room);
        }
      });
      if (!change.zoomed[0].length && !change.zoomed[1].length && !change.crowded[0].length &&
        !change.crowded[1].length) { return; }
      // A class changed brings one more pass (the "class" event below), which measures the
      // whole view's names again in the type "zoomed" gives them.
      instance.batch(function () {
        ["zoomed", "crowded"].forEach(function (name) {
          instance.collection(change[name][0]).addClass(name);
          instance.collection(change[name][1]).removeClass(name);
        });
      });
    };
    // Once per change of the camera however many zoom and pan events it makes, before the
    // frame that shows it.
    var moving = false;
    instance.on("viewport", function () {
      if (moving) { return; }
      moving = true;
      Promise.resolve().then(function () { moving = false; mark(); });
    });
    // Elements arrive one "add" event each (thousands on a large network): mark them once,
    // after the last of a batch (the whole update is one task) and before it is drawn. New
    // classes from the server (a highlight moving) replace an element's own, "zoomed" with
    // them: mark those again too. So does a new stylesheet (presenter mode's larger type,
    // each element restyled: "style"), and presenter mode turned on or off (its names are the
    // entities' titles), whichever of the three arrives last.
    var pending = false;
    var presenter = null;
    var again = function () {
      if (instance.destroyed()) {  // a new network took its place: it watches for itself
        if (presenter) { presenter.disconnect(); }
        return;
      }
      if (pending) { return; }
      pending = true;
      Promise.resolve().then(function () { pending = false; mark(); });
    };
    instance.on("add class style", again);
    var root = document.getElementById("eco-root");
    if (root && window.MutationObserver) {
      presenter = new MutationObserver(again);
      presenter.observe(root, { attributes: true, attributeFilter: ["class"] });
    }
    mark();
  }, 300);

  // The PNG picture: the network as drawn, under the view's title, beside the legend.
  function exportPng() {
    var instance = cy();
    if (!instance) { return; }
    var scale = 2;
    var heading = document.getElementById("eco-picture-title");
    var title = (heading && heading.textContent) || "The ecosystem network";
    var rows = Array.prototype.map.call(document.querySelectorAll("#eco-legend li"), function (li) {
      var swatch = li.querySelector(".swatch");
      return { colour: swatch ? swatch.style.backgroundColor : "", text: li.textContent };
    });
    var network = new Image();
    network.onload = function () {
      var band = 70 * scale, side = 300 * scale, row = 26 * scale;
      var canvas = document.createElement("canvas");
      canvas.width = network.width + side;
      canvas.height = Math.max(network.height + band, band + (rows.length + 2) * row);
      var g = canvas.getContext("2d");
      g.fillStyle = "#ffffff";
      g.fillRect(0, 0, canvas.width, canvas.height);
      g.drawImage(network, 0, band);
      g.fillStyle = "#1b1f24";
      g.font = "bold " + (26 * scale) + "px sans-serif";
      g.fillText(title, 24 * scale, 44 * scale, canvas.width - 48 * scale);
      g.font = (15 * scale) + "px sans-serif";
      var x = network.width + 20 * scale;
      rows.forEach(function (item, number) {
        var y = band + (number + 1) * row;
        if (item.colour) {
          g.fillStyle = item.colour;
          g.beginPath();
          g.arc(x + 7 * scale, y - 5 * scale, 7 * scale, 0, 2 * Math.PI);
          g.fill();
        }
        g.fillStyle = "#1b1f24";
        g.fillText(item.text, x + 22 * scale, y);
      });
      canvas.toBlob(function (blob) {
        var link = document.createElement("a");
        link.href = URL.createObjectURL(blob);
        link.download = "ecosystem.png";
        document.body.appendChild(link);
        link.click();
        link.remove();
        setTimeout(function () { URL.revokeObjectURL(link.href); }, 10000);
      }, "image/png");
    };
    network.src = instance.png({ full: true, scale: scale, bg: "#ffffff" });
  }

  // Stories: the camera a step is added with, and the camera of the step played. A camera is
  // the zoom and the pan measured from the centre of the view, with the size of the network
  // area it was recorded in: on a screen of another size the same part of the network is
  // brought into sight, scaled to fit.
  window.ecoCamera = function (clicks) {
    var instance = cy();
    if (!instance) { return null; }
    var pan = instance.pan();
    return { zoom: instance.zoom(), pan: { x: pan.x - instance.width() / 2,
      y: pan.y - instance.height() / 2 },
      area: { width: instance.width(), height: instance.height() }, clicks: clicks };
  };
  var placed = "";
  var placing = null;
  var awaiting = null;
  function place(instance, camera) {
    var scale = 1;
    if (camera.width && camera.height) {
      scale = Math.min(instance.width() / camera.width, instance.height() / camera.height);
    }
    instance.stop();
    move(instance, { zoom: camera.zoom * scale, pan: { x: instance.width() / 2 + camera.x * scale,
      y: instance.height() / 2 + camera.y * scale } }, 600);
  }
  setInterval(function () {
    var holder = document.querySelector("#eco-story-camera [data-camera]");
    var wanted = holder ? holder.getAttribute("data-camera") : "";
    var instance = cy();
    if (!instance || wanted === placed) { return; }
    placed = wanted;
    if (!wanted) { return; }
    var camera = JSON.parse(wanted);
    // The step's elements and layout arrive after its camera: place it once they are drawn,
    // and again after a layout's own fit.
    clearTimeout(placing);
    placing = setTimeout(function () { place(instance, camera); }, 700);
    if (awaiting) { instance.off("layoutstop ecochange", awaiting); }
    awaiting = function () {
      instance.off("layoutstop ecochange", awaiting);
      awaiting = null;
      clearTimeout(placing);
      placing = setTimeout(function () { place(instance, camera); }, 60);
    };
    instance.on("layoutstop ecochange", awaiting);
  }, 200);

  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("[data-cy-action]");
    if (button) { act(button.getAttribute("data-cy-action")); }
    if (event.target.closest && event.target.closest("#eco-export-png")) { exportPng(); }
  });

  document.addEventListener("keydown", function (event) {
    var target = event.target;
    var typing = target && (target.isContentEditable ||
      /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName));
    if (typing || event.ctrlKey || event.metaKey || event.altKey) { return; }
    var presenting = document.querySelector(".app.presenter") !== null;
    var telling = presenting && document.querySelector("#eco-story-caption .caption-title");
    if (telling) {
      var by = { ArrowRight: 1, " ": 1, PageDown: 1, ArrowLeft: -1, PageUp: -1 }[event.key];
      if (by) {
        event.preventDefault();
        click(by > 0 ? "eco-story-next" : "eco-story-previous");
        return;
      }
    }
    switch (event.key) {
      case "f": act("fit"); break;
      case "+": case "=": act("zoom-in"); break;
      case "-": act("zoom-out"); break;
      case "n": case "ArrowRight": if (presenting || event.key === "n") { click("eco-next"); } break;
      case "p": case "ArrowLeft": if (presenting || event.key === "p") { click("eco-previous"); } break;
      case "Escape": if (presenting) { click("eco-leave-presenter"); } break;
      case "g": click("eco-play"); break;
      default: return;
    }
  });
})();
