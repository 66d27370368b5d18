"""Entry point of the bundled application: exactly the ``jmg-desktop`` command."""

from jmg_desktop.cli import run

if __name__ == "__main__":
    run()
