"""The ``jmg-desktop`` command: the GUI by default, and headless sub-commands.

Sub-commands exit 0 on success, 1 when a check finds problems, 2 on bad input or an unusable file,
always with a one-line message and never a traceback. Each feature registers its sub-commands from
its own module, listed in :data:`COMMAND_MODULES`.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

from jmg_desktop import APP_NAME, __version__
from jmg_desktop.cli.common import EXIT_BAD_INPUT, CommandError, UsageError

__all__ = ["COMMAND_MODULES", "main"]

#: Modules that define ``register(subparsers)``; each sub-command sets ``func(args) -> int``.
COMMAND_MODULES: list[str] = [
    "jmg_desktop.cli.workspace",
    "jmg_desktop.cli.projection",
    "jmg_desktop.cli.backups",
    "jmg_desktop.cli.papers",
]


class _Parser(argparse.ArgumentParser):
    """An argument parser whose usage errors become :class:`UsageError` (one line, exit 2)."""

    def error(self, message: str) -> None:  # type: ignore[override]
        command = self.prog.removeprefix("jmg-desktop").strip()
        where = f"{command}: " if command else ""
        raise UsageError(f"{where}{message} (see 'jmg-desktop {command + ' ' if command else ''}--help')")


def build_parser() -> argparse.ArgumentParser:
    """The full command line: GUI options and every registered sub-command."""
    parser = _Parser(
        prog="jmg-desktop",
        description=f"{APP_NAME}: pooled budgets, in-principle agreements and cabinet annex papers.",
        epilog="With no sub-command, opens the application (on FILE if given). "
        "Run 'jmg-desktop COMMAND --help' for a sub-command's options.",
    )
    parser.add_argument("--version", action="version", version=f"{APP_NAME} {__version__}")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    for module_name in COMMAND_MODULES:
        importlib.import_module(module_name).register(subparsers)
    return parser


def _build_gui_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="jmg-desktop", add_help=False)
    parser.add_argument("file", nargs="?", help="a workspace file (.jmg) to open")
    parser.add_argument("--demo", action="store_true", help="open a fresh copy of the demo workspace")
    return parser


def _gui_usage() -> str:
    return (
        "  jmg-desktop [FILE]       open the application, on FILE if given\n"
        "  jmg-desktop --demo       open a fresh copy of the demo workspace\n"
    )


def _is_plain_gui_launch(args: list[str]) -> bool:
    """``jmg-desktop``, ``jmg-desktop --demo`` or ``jmg-desktop FILE.jmg``: no sub-command can match."""
    return (
        not args
        or args == ["--demo"]
        or (len(args) == 1 and not args[0].startswith("-") and args[0].lower().endswith(".jmg"))
    )


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the process exit code."""
    args_list = list(sys.argv[1:] if argv is None else argv)
    try:
        if _is_plain_gui_launch(args_list):
            # Straight to the window, without importing every sub-command (and SQLAlchemy) first.
            from jmg_desktop.ui.app import run_gui

            demo = args_list == ["--demo"]
            return run_gui(None if demo or not args_list else args_list[0], demo=demo)
        parser = build_parser()
        commands = set(parser._subparsers._group_actions[0].choices) if parser._subparsers else set()  # type: ignore[union-attr]
        if args_list and (args_list[0] in commands or args_list[0] in {"-h", "--help", "--version"}):
            if args_list[0] in {"-h", "--help"}:
                parser.print_help()
                print("\nApplication:\n" + _gui_usage())
                return 0
            args = parser.parse_args(args_list)
            return int(args.func(args))
        gui_args = _build_gui_parser().parse_args(args_list)
        from jmg_desktop.ui.app import run_gui  # Qt only when the GUI is wanted

        return run_gui(gui_args.file, demo=gui_args.demo)
    except CommandError as error:
        print(f"jmg-desktop: {error}", file=sys.stderr)
        return error.exit_code
    except KeyboardInterrupt:
        print("jmg-desktop: interrupted", file=sys.stderr)
        return 130
    except SystemExit as exit_:  # argparse's own --version exits this way
        return int(exit_.code or 0)
    except Exception as error:  # the last line of defence: never a traceback on a user's screen
        print(f"jmg-desktop: unexpected error: {type(error).__name__}: {error}", file=sys.stderr)
        return EXIT_BAD_INPUT
