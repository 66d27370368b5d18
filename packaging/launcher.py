"""Entry point of the bundled application: exactly the ``jmg-desktop`` command."""

import sys

from jmg_desktop.cli import main

if __name__ == "__main__":
    sys.exit(main())
