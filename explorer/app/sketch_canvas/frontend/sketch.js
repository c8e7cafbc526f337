// The Digit page's drawing canvas, a Streamlit custom component (components.v1, served from this folder, so the
// page's Content-Security-Policy `script-src 'self'` admits it).
//
// It sends the drawing the moment a stroke ends (pointer up, or the pen lifted by keyboard): a PNG data URL of the
// whole canvas, {"png": "data:image/png;base64,…", "strokes": n}, or null once cleared. The canvas keeps its own
// pixels (size × size, whatever size it is shown at), so a window resized or a phone rotated mid-stroke keeps the
// drawing.
//
// Keyboard drawing: the canvas takes focus (Tab; Tab again leaves it, so focus is never stuck); the arrow keys move
// a pen over a coarse grid of stroke-wide cells, Space or Enter puts the pen down and lifts it again (lifting sends
// the stroke, as a mouse-up does). Where the pen is, whether it is down, and whether a lifted pen is over ink is
// said in a live region.
(function () {
  "use strict";

  const ink = document.getElementById("ink");
  const cursor = document.getElementById("cursor");
  const undoButton = document.getElementById("undo");
  const clearButton = document.getElementById("clear");
  const said = document.getElementById("said");
  const context = ink.getContext("2d");
  const overlay = cursor.getContext("2d");

  let size = ink.width;
  let strokeWidth = 20;
  let strokes = []; // every stroke drawn, each a list of [x, y] points in canvas pixels (for undo), or a picture
  let current = null; // the stroke being drawn, or null
  let pointerId = null;
  let keyPen = { row: 0, col: 0, down: false };
  let lastHeight = -1;

  // ------------------------------------------------------------------ Streamlit's component protocol (v1)
  function post(type, data) {
    window.parent.postMessage(Object.assign({ isStreamlitMessage: true, type: type }, data), "*");
  }

  function sendValue() {
    const count = strokes.reduce((n, s) => n + (s.picture ? s.count : 1), 0);
    const value = strokes.length ? { png: ink.toDataURL("image/png"), strokes: count } : null;
    post("streamlit:setComponentValue", { value: value, dataType: "json" });
  }

  function reportHeight() {
    const height = Math.ceil(document.documentElement.getBoundingClientRect().height);
    if (height !== lastHeight) {
      lastHeight = height;
      post("streamlit:setFrameHeight", { height: height });
    }
  }

  window.addEventListener("message", function (event) {
    const message = event.data;
    if (event.source !== window.parent || !message || message.type !== "streamlit:render") return;
    const args = message.args || {};
    if (typeof args.label === "string") {
      ink.setAttribute("aria-label", args.label);
      try {
        window.frameElement.title = args.label; // the frame's accessible name (Streamlit names it after the module)
      } catch (e) {
        /* a frame of another origin: its name stays */
      }
    }
    const newSize = Number(args.size) || size;
    const newWidth = Number(args.stroke_width) || strokeWidth;
    if (newSize !== size || newWidth !== strokeWidth) {
      size = newSize;
      strokeWidth = newWidth;
      for (const c of [ink, cursor]) {
        c.width = size;
        c.height = size;
      }
      document.querySelector(".board").style.maxWidth = size + "px";
      keyPen = { row: Math.floor(cells() / 2), col: Math.floor(cells() / 2), down: false };
      redraw();
    }
    restore(args.initial);
    if (message.disabled) ink.setAttribute("aria-disabled", "true");
    else ink.removeAttribute("aria-disabled");
    reportHeight();
    document.body.dataset.rendered = "true"; // for the browser tests: drawn at its size, its height reported
  });

  // A drawing brought back from another page (the server sends it once, as the canvas mounts): the picture it left,
  // kept as the first entry of the strokes, so Undo can take it away like a stroke. Drawn only on an empty canvas.
  function restore(initial) {
    if (!initial || typeof initial.png !== "string" || !initial.png.startsWith("data:image/png;base64,")) return;
    if (strokes.length || current) return;
    const picture = new Image();
    picture.onload = function () {
      if (strokes.length || current) return; // a stroke began while it loaded: the new drawing wins
      strokes = [{ picture: picture, count: Number.isInteger(initial.strokes) ? initial.strokes : 1 }];
      redraw();
    };
    picture.src = initial.png;
  }

  // ------------------------------------------------------------------ drawing
  function paint(points) {
    if (points.picture) {
      context.drawImage(points.picture, 0, 0, size, size);
      return;
    }
    context.strokeStyle = "#ffffff";
    context.fillStyle = "#ffffff";
    context.lineWidth = strokeWidth;
    context.lineCap = "round";
    context.lineJoin = "round";
    if (points.length === 1) {
      context.beginPath();
      context.arc(points[0][0], points[0][1], strokeWidth / 2, 0, 2 * Math.PI);
      context.fill();
      return;
    }
    context.beginPath();
    context.moveTo(points[0][0], points[0][1]);
    for (let i = 1; i < points.length; i++) context.lineTo(points[i][0], points[i][1]);
    context.stroke();
  }

  function extend(point) {
    const last = current[current.length - 1];
    current.push(point);
    paint([last, point]);
  }

  function redraw() {
    context.fillStyle = "#000000";
    context.fillRect(0, 0, size, size);
    for (const s of strokes) paint(s);
    if (current) paint(current);
    undoButton.disabled = clearButton.disabled = strokes.length === 0;
    drawCursor();
  }

  function finish() {
    if (!current) return;
    strokes.push(current);
    current = null;
    undoButton.disabled = clearButton.disabled = false;
    sendValue();
  }

  // ------------------------------------------------------------------ pointer: mouse, finger, pen
  function at(event) {
    const box = ink.getBoundingClientRect();
    const x = ((event.clientX - box.left) / box.width) * size;
    const y = ((event.clientY - box.top) / box.height) * size;
    return [Math.min(Math.max(x, 0), size), Math.min(Math.max(y, 0), size)];
  }

  ink.addEventListener("pointerdown", function (event) {
    if (event.pointerType === "mouse" && event.button !== 0) return;
    if (current) finish(); // a second finger: the first stroke ends here
    event.preventDefault();
    pointerId = event.pointerId;
    try {
      ink.setPointerCapture(event.pointerId);
    } catch (e) {
      /* the pointer is already gone */
    }
    keyPen.down = false;
    current = [at(event)];
    paint(current);
  });

  ink.addEventListener("pointermove", function (event) {
    if (!current || event.pointerId !== pointerId) return;
    const events = event.getCoalescedEvents ? event.getCoalescedEvents() : [event];
    for (const e of events.length ? events : [event]) extend(at(e));
  });

  function end(event) {
    if (!current || event.pointerId !== pointerId) return;
    pointerId = null;
    finish(); // a cancelled pointer (a phone rotated, a gesture taken over) keeps what was drawn
  }
  ink.addEventListener("pointerup", end);
  ink.addEventListener("pointercancel", end);
  ink.addEventListener("lostpointercapture", end);

  // ------------------------------------------------------------------ keyboard: a pen on a grid of stroke-wide cells
  function cells() {
    return Math.max(1, Math.floor(size / strokeWidth));
  }

  function centre() {
    const cell = size / cells();
    return [(keyPen.col + 0.5) * cell, (keyPen.row + 0.5) * cell];
  }

  function drawCursor() {
    overlay.clearRect(0, 0, size, size);
    if (document.activeElement !== ink || !ink.matches(":focus-visible")) return; // the keyboard's pen only
    const cell = size / cells();
    overlay.lineWidth = 3;
    overlay.strokeStyle = keyPen.down ? "#ffb000" : "#4aa3ff";
    overlay.strokeRect(keyPen.col * cell + 1.5, keyPen.row * cell + 1.5, cell - 3, cell - 3);
  }

  function onInk() {
    // the drawing under the pen's cell, read back from the canvas: so a keyboard user can feel out what is drawn
    const [x, y] = centre();
    return context.getImageData(Math.floor(x), Math.floor(y), 1, 1).data[0] > 127;
  }

  function announce() {
    said.textContent =
      "Row " + (keyPen.row + 1) + " of " + cells() + ", column " + (keyPen.col + 1) + " of " + cells() + ", pen " +
      (keyPen.down ? "down" : "up") + (!keyPen.down && onInk() ? ", on ink." : ".");
  }

  const MOVES = { ArrowUp: [-1, 0], ArrowDown: [1, 0], ArrowLeft: [0, -1], ArrowRight: [0, 1] };

  ink.addEventListener("keydown", function (event) {
    if (event.altKey || event.ctrlKey || event.metaKey) return;
    if (MOVES[event.key]) {
      event.preventDefault();
      const [dr, dc] = MOVES[event.key];
      keyPen.row = Math.min(Math.max(keyPen.row + dr, 0), cells() - 1);
      keyPen.col = Math.min(Math.max(keyPen.col + dc, 0), cells() - 1);
      if (keyPen.down && current) extend(centre());
    } else if (event.key === " " || event.key === "Enter") {
      event.preventDefault();
      if (keyPen.down) {
        keyPen.down = false;
        finish();
      } else {
        if (current) finish();
        keyPen.down = true;
        current = [centre()];
        paint(current);
      }
    } else if (event.key === "Escape" && keyPen.down) {
      keyPen.down = false;
      finish();
    } else {
      return; // Tab and every other key keep their usual meaning
    }
    drawCursor();
    announce();
  });

  ink.addEventListener("focus", function () {
    drawCursor();
    announce();
  });
  ink.addEventListener("blur", function () {
    if (keyPen.down) {
      keyPen.down = false;
      finish();
    }
    drawCursor();
  });

  // ------------------------------------------------------------------ buttons
  undoButton.addEventListener("click", function () {
    if (!strokes.length) return;
    strokes.pop();
    redraw();
    sendValue();
    said.textContent = strokes.length ? "Last stroke undone." : "Last stroke undone; the canvas is empty.";
  });

  clearButton.addEventListener("click", function () {
    if (!strokes.length) return;
    strokes = [];
    current = null;
    redraw();
    sendValue();
    said.textContent = "Canvas cleared.";
  });

  // ------------------------------------------------------------------ start
  keyPen = { row: Math.floor(cells() / 2), col: Math.floor(cells() / 2), down: false };
  redraw();
  if (window.ResizeObserver) new ResizeObserver(reportHeight).observe(document.body);
  post("streamlit:componentReady", { apiVersion: 1 });
  reportHeight();
})();
