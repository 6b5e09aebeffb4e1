"""A story as one HTML file that plays with no server and no network.

Every step is drawn on the server as an SVG picture of its view (:mod:`ecosystem.web.picture`),
with its title and caption as escaped text. The page holds its own style and script, nothing
else: a Content-Security-Policy allows only that style and that script (by their SHA-256) and
data: images, so the file can fetch nothing, and markup that slipped into a caption could not
run. Keys: right arrow, space or Page Down for the next step, left arrow or Page Up for the
previous, Home and End; ``#step=3`` in the address opens step 3.
"""

from __future__ import annotations

import base64
import hashlib
import re
from html import escape

from ecosystem.explorer import Model
from ecosystem.stories import Step, Story, StoryError, StoryProblem
from ecosystem.web import spec
from ecosystem.web.picture import svg_picture

STYLE = """
* { box-sizing: border-box; }
html, body { margin: 0; height: 100%; background: #f4f5f7; color: #1b1f24;
  font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; }
body { display: grid; grid-template-rows: auto 1fr auto; }
header { display: flex; align-items: baseline; gap: 1.5rem; padding: 0.9rem 1.6rem;
  background: #1b1f24; color: #ffffff; }
header h1 { margin: 0; font-size: 1.35rem; font-weight: 600; flex: 1; }
#counter { font-size: 1.05rem; font-variant-numeric: tabular-nums; }
#steps { position: relative; min-height: 0; }
.step { position: absolute; inset: 0; display: grid; grid-template-columns: 1fr 30rem;
  gap: 1.2rem; padding: 1.2rem 1.6rem; opacity: 0; visibility: hidden;
  transition: opacity 0.45s ease, visibility 0.45s; }
.step.current { opacity: 1; visibility: visible; }
.picture { min-width: 0; min-height: 0; background: #ffffff; border-radius: 8px;
  box-shadow: 0 1px 4px rgba(0, 0, 0, 0.12); display: flex; }
.picture svg { width: 100%; height: 100%; }
.words { align-self: center; }
.words h2 { margin: 0 0 0.8rem; font-size: 1.9rem; line-height: 1.2; overflow-wrap: anywhere; }
.caption { margin: 0; font-size: 1.3rem; line-height: 1.5; white-space: pre-line;
  overflow-wrap: anywhere; }
nav { display: flex; justify-content: center; gap: 1rem; padding: 0.7rem; }
nav button { font: inherit; font-size: 1.05rem; padding: 0.45rem 1.3rem; border-radius: 6px;
  border: 1px solid #8a939e; background: #ffffff; color: #1b1f24; cursor: pointer; }
nav button:disabled { opacity: 0.4; cursor: default; }
nav button:focus-visible { outline: 3px solid #1f6feb; outline-offset: 2px; }
.hint { position: absolute; right: 1.6rem; bottom: 0.2rem; font-size: 0.85rem; color: #5b6470; }
@media (max-width: 1100px) { .step { grid-template-columns: 1fr; grid-template-rows: 1fr auto; } }
@media (prefers-reduced-motion: reduce) { .step { transition: none; } }
"""

SCRIPT = """
(function () {
  var steps = document.querySelectorAll('.step');
  var counter = document.getElementById('counter');
  var previous = document.getElementById('previous');
  var next = document.getElementById('next');
  var at = -1;
  function asked() {
    var match = /^#step=(\\d{1,4})$/.exec(window.location.hash);
    return match ? parseInt(match[1], 10) - 1 : 0;
  }
  function show(index) {
    index = Math.max(0, Math.min(steps.length - 1, index));
    if (index === at) { return; }
    at = index;
    for (var i = 0; i < steps.length; i++) {
      steps[i].classList.toggle('current', i === index);
      steps[i].setAttribute('aria-hidden', i === index ? 'false' : 'true');
    }
    counter.textContent = 'Step ' + (index + 1) + ' of ' + steps.length;
    previous.disabled = index === 0;
    next.disabled = index === steps.length - 1;
    document.body.setAttribute('data-step', String(index + 1));
    var address = '#step=' + (index + 1);
    if (window.location.hash !== address) { window.location.replace(address); }
  }
  var keys = {ArrowRight: 1, ' ': 1, PageDown: 1, ArrowLeft: -1, PageUp: -1};
  document.addEventListener('keydown', function (event) {
    if (event.altKey || event.ctrlKey || event.metaKey) { return; }
    var onButton = event.target && event.target.tagName === 'BUTTON';
    if (onButton && (event.key === ' ' || event.key === 'Enter')) { return; }
    if (event.key in keys) { show(at + keys[event.key]); }
    else if (event.key === 'Home') { show(0); }
    else if (event.key === 'End') { show(steps.length - 1); }
    else { return; }
    event.preventDefault();
  });
  previous.addEventListener('click', function () { show(at - 1); });
  next.addEventListener('click', function () { show(at + 1); });
  window.addEventListener('hashchange', function () { show(asked()); });
  show(asked());
})();
"""


def _digest(text: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode()).digest()).decode() + "'"


def content_policy() -> str:
    """The page's Content-Security-Policy: its own style and script, data: images, nothing
    else (no connection, no frame, no form, no other script)."""
    return (
        f"default-src 'none'; img-src data:; style-src {_digest(STYLE)}; "
        f"script-src {_digest(SCRIPT)}; base-uri 'none'; form-action 'none'"
    )


def step_picture(model: Model, step: Step) -> str:
    """The SVG of ``step``'s view, its chosen path highlighted, for inlining in HTML: the part
    its camera looked at when the camera knows the area it was recorded in, else all of it."""
    from ecosystem.web.paths import handle_path

    state = spec.parse_url(model, step.query)
    _, store, _ = handle_path(model, state)
    camera = step.camera
    region = camera.region() if camera is not None else None
    size = camera.area() if camera is not None else None
    svg = svg_picture(model, state, store["nodes"] if store else None, region=region, size=size)
    # Inline SVG needs no namespace declaration; without it the file names no address at all.
    return re.sub(r'^<svg xmlns="[^"]*"', "<svg", svg, count=1)


MAX_PAGE_BYTES = 25_000_000  # an offline story opens in a second or two on a forum laptop


def render_offline(
    story: Story, model: Model, *, name: str = "story", limit: int = MAX_PAGE_BYTES
) -> str:
    """One self-contained HTML page that plays ``story`` on ``model``'s network.

    Raises :class:`~ecosystem.stories.StoryError` (naming the story ``name``) for a story with
    no steps, and for one whose page would pass ``limit`` bytes (UTF-8): the error names the
    step at which it does, and the page is not made.
    """
    count = len(story.steps)
    if not count:
        problem = StoryProblem(name, 0, "", "steps", "has no steps", "add a step first")
        raise StoryError([problem])
    sections = []
    size = len(STYLE) + len(SCRIPT) + 2_000
    for number, step in enumerate(story.steps, start=1):
        section = (
            f'<section class="step" id="step-{number}" data-step="{number}" aria-hidden="true" '
            f'aria-label="Step {number} of {count}">\n'
            f'<div class="picture" role="img" aria-label="{escape(step.title)}">'
            f"{step_picture(model, step)}</div>\n"
            f'<div class="words"><h2 class="step-title">{escape(step.title)}</h2>\n'
            f'<p class="caption">{escape(step.caption)}</p></div>\n</section>'
        )
        size += len(section.encode("utf-8"))
        if size > limit:
            problem = StoryProblem(
                name,
                number,
                step.title,
                "view",
                f"takes the offline page past {limit / 1e6:g} MB",
                "show fewer entities in the steps' views (a filter, a neighbourhood, a closer "
                "camera) or split the story in two",
            )
            raise StoryError([problem])
        sections.append(section)
    title = escape(story.title)
    return "\n".join(
        [
            "<!DOCTYPE html>",
            '<html lang="en">',
            "<head>",
            '<meta charset="utf-8">',
            f'<meta http-equiv="Content-Security-Policy" content="{content_policy()}">',
            '<meta name="referrer" content="no-referrer">',
            '<meta name="viewport" content="width=device-width, initial-scale=1">',
            f"<title>{title}</title>",
            f"<style>{STYLE}</style>",
            "</head>",
            "<body>",
            f'<header><h1 id="story-title">{title}</h1>'
            f'<span id="counter" aria-live="polite">Step 1 of {count}</span></header>',
            '<main id="steps">',
            *sections,
            '<span class="hint">← → space, Home, End</span>',
            "</main>",
            '<nav><button id="previous" type="button">← Previous</button>'
            '<button id="next" type="button">Next →</button></nav>',
            f"<script>{SCRIPT}</script>",
            "</body>",
            "</html>",
            "",
        ]
    )
