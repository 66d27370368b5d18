"""Start-up: PySide6's per-module source scan is skipped for packages whose answer is known
(never Qt: the store, SQLAlchemy, the standard library; always Qt: our ui package)."""

from __future__ import annotations

import importlib.util
import types
from pathlib import Path

import pytest

from jmg_desktop.ui import app


def _module(tmp_path: Path, name: str) -> types.ModuleType:
    """A module called ``name`` whose source file mentions PySide6."""
    source = tmp_path / f"{name.replace('.', '_')}.py"
    source.write_text("# PySide6 is named here\nVALUE = 1\n", encoding="utf-8")
    spec = importlib.util.spec_from_file_location(name, source)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_qt_free_packages_are_not_scanned_and_the_rest_still_are(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    import PySide6.QtWidgets  # noqa: F401  (installs PySide6's import machinery)

    feature = pytest.importorskip("shibokensupport.feature")
    monkeypatch.setattr(feature, "_mod_uses_pyside", feature._mod_uses_pyside)  # restored afterwards
    mentions = _module(tmp_path, "sqlalchemy.fake_for_test")
    assert feature._mod_uses_pyside(mentions) is True  # PySide6's own scan reads the source
    app.skip_qt_feature_scan_of_qt_free_modules()
    app.skip_qt_feature_scan_of_qt_free_modules()  # a second call does not wrap twice
    scan = feature._mod_uses_pyside
    assert scan(mentions) is False  # answered from the name, without reading the source
    assert scan(_module(tmp_path, "jmg_desktop.store.fake_for_test")) is False
    assert scan(_module(tmp_path, "email.fake_for_test")) is False  # the standard library never uses Qt
    assert scan(_module(tmp_path, "jmg_desktop.ui.fake_for_test")) is True  # our Qt code: no need to read it
    plain = tmp_path / "plain_tool.py"
    plain.write_text("VALUE = 1\n", encoding="utf-8")
    spec = importlib.util.spec_from_file_location("plain_tool", plain)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    assert scan(module) is False  # a third-party module is still read: this one never names Qt
    assert scan(_module(tmp_path, "somebody_elses_widgets")) is True  # everything else is scanned
