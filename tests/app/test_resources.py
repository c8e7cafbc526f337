"""The resource registry: every entry loads with the shipped weights, the warm-up fills exactly the registry's warm
entries and says so on its last line, and neither the registry nor the shared UI module imports a page."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from explorer.app import resources, ui

APP = Path(resources.__file__).parent


@pytest.mark.parametrize("entry", resources.REGISTRY, ids=lambda r: r.name)
def test_every_registry_entry_loads_from_the_shipped_weights(entry):
    found = entry.fill(resources.weights_folder())
    assert found is not None
    if entry.name == "models":
        assert found == []  # no model missing
    if isinstance(found, tuple) and len(found) == 2 and isinstance(found[1], str):
        assert found[1] == ""  # (what was loaded, the message of a missing one)


def test_the_warm_up_fills_the_registrys_warm_entries_in_order_and_says_so(monkeypatch, capsys):
    filled = []
    registry = tuple(
        resources.Resource(r.name, lambda folder, name=r.name: filled.append((name, folder)), r.warm)
        for r in resources.REGISTRY
    )
    monkeypatch.setattr(resources, "REGISTRY", registry)
    monkeypatch.delenv(ui.WARM_UP_ENV, raising=False)
    ui.warm_registry()
    assert filled == [(r.name, resources.weights_folder()) for r in registry if r.warm]
    assert capsys.readouterr().err.startswith(ui.WARM_UP_DONE + " in ")


def test_the_warm_up_does_nothing_when_switched_off(monkeypatch, capsys):
    monkeypatch.setattr(resources, "REGISTRY", (resources.Resource("boom", lambda folder: 1 / 0, True),))
    monkeypatch.setenv(ui.WARM_UP_ENV, "0")
    ui.warm_registry()
    assert capsys.readouterr().err == ""


@pytest.mark.parametrize("module", ["ui.py", "resources.py", "state.py"])
def test_shared_app_modules_import_no_page(module):
    tree = ast.parse((APP / module).read_text())
    imported = [n.module or "" for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)]
    imported += [a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names]
    assert imported and not [m for m in imported if m.startswith("explorer.app.pages")]
