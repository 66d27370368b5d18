"""``python -m jmg_desktop``: the same as the ``jmg-desktop`` command."""

import sys

from jmg_desktop.cli import main

sys.exit(main())
