"""``python -m jmg_desktop``: the same as the ``jmg-desktop`` command."""

from jmg_desktop.cli import run

run()
