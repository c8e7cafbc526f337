"""axe-core, the accessibility checker, in a page of the running app: injected from the copy npm installed
(package.json pins its version; `npm ci` in scripts/test.sh installs it), run against WCAG 2.1 A and AA."""

from __future__ import annotations

from pathlib import Path

AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
WCAG_21_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]  # axe's tags for every WCAG 2.0/2.1 A and AA rule

# Each violation with the rule, its impact and the first few elements (their CSS path and axe's own summary).
_RUN_JS = """async (tags) => {
  const result = await axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations'],
                                         iframes: false});
  return {version: axe.version, violations: result.violations.map((v) => ({
    id: v.id, impact: v.impact, count: v.nodes.length,
    nodes: v.nodes.slice(0, 4).map((n) => ({target: n.target.join(' '), summary: n.failureSummary})),
  }))};
}"""


def installed_axe() -> Path:
    """The path of axe.min.js; AssertionError (a failure, never a skip) when `npm ci` has not installed it."""
    assert AXE.is_file(), (
        f"axe-core is not installed ({AXE} missing): run `npm ci` in the repository (scripts/test.sh does)"
    )
    return AXE


def violations(page) -> tuple[str, list[dict]]:
    """(axe-core's version, the WCAG 2.1 A/AA violations of what `page` shows now), the page and each of its frames
    checked by their own copy of axe (the drawing canvas is a frame; axe run in the page did not reach into it: a
    frame missing its `lang` went unreported), injected once per document."""
    from playwright.sync_api import Error as PlaywrightError

    version, found = "", {}
    for frame in page.frames:
        try:
            if not frame.evaluate("() => typeof window.axe !== 'undefined'"):
                # evaluated through the browser's debugging protocol, not as a <script> element of the page: the
                # app's Content-Security-Policy refuses inline scripts, and the tests check that none is refused
                frame.evaluate(installed_axe().read_text(encoding="utf-8"))
            result = frame.evaluate(_RUN_JS, WCAG_21_AA)
        except PlaywrightError:
            if frame == page.main_frame or not frame.is_detached():
                raise
            continue  # a frame the page removed while it was being checked is no longer part of the view
        version = result["version"]
        where = "" if frame == page.main_frame else f"frame {frame.url.split('?')[0]}: "
        for v in result["violations"]:
            seen = found.setdefault(v["id"], {**v, "count": 0, "nodes": []})
            seen["count"] += v["count"]
            seen["nodes"] += [{**n, "target": where + n["target"]} for n in v["nodes"]]
    return version, list(found.values())


def described(found: list[dict]) -> str:
    """The violations as lines a failing test prints: rule (impact, how many elements): element: why."""
    lines = []
    for v in found:
        lines.append(f"{v['id']} ({v['impact']}, {v['count']} elements)")
        lines += [f"    {n['target']}: {n['summary']}".replace("\n", " ") for n in v["nodes"]]
    return "\n".join(lines)
