"""The ``jmg-desktop`` command: the GUI by default, and headless sub-commands.

Sub-commands exit 0 on success, 1 when a check finds problems, 2 on bad input or an unusable file,
always with a one-line message and never a traceback.

Sub-commands are registered lazily, so that ``--version``, ``--help`` and each sub-command pay
only for what they use (importing every sub-command's module pulled in SQLAlchemy, the ORM and
the paper renderer for every run). :data:`SUBCOMMANDS` names each one with its one-line help;
its module is imported only when that sub-command is run or its own ``--help`` is asked for.

To add a sub-command:

1. In its module (e.g. ``jmg_desktop/cli/excel.py``) write a function that adds the options to the
   sub-command's parser and sets the function that runs it::

       def add_import_excel(parser: argparse.ArgumentParser) -> None:  # plus a docstring
           parser.add_argument("file", metavar="FILE", help="the workspace file")
           parser.set_defaults(func=_import_excel)  # func(args) -> exit code

   Keep the module's top-level imports cheap (``argparse``, ``jmg_desktop.cli.common``, core
   modules): import SQLAlchemy-backed store modules, Qt or renderers inside the function that
   runs the command. ``tests/cli/test_lazy_registry.py`` fails if a module drags them in.
2. Add one line to :data:`SUBCOMMANDS`:
   ``SubCommand("import-excel", "one-line help", "jmg_desktop.cli.excel:add_import_excel")``.
"""

from __future__ import annotations

import argparse
import contextlib
import importlib
import os
import sys
import textwrap
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import NoReturn

from jmg_desktop import APP_NAME, __version__
from jmg_desktop.cli.common import EXIT_BAD_INPUT, CommandError, UsageError
from jmg_desktop.core.records import Record

__all__ = ["SUBCOMMANDS", "SubCommand", "build_parser", "main", "run"]


class SubCommand(Record):
    """A sub-command declared cheaply: its name, its one-line help and where its options are added."""

    name: str
    help: str
    #: ``"package.module:function"``; the function takes the sub-command's parser and adds its
    #: options and ``func``. The module is imported only when the sub-command is used.
    target: str

    def configure(self, parser: argparse.ArgumentParser) -> None:
        """Import the sub-command's module and let it add its options to ``parser``."""
        module_name, _, function_name = self.target.partition(":")
        add_options: Callable[[argparse.ArgumentParser], None] = getattr(
            importlib.import_module(module_name), function_name
        )
        add_options(parser)


#: Every sub-command, in the order ``--help`` lists them.
SUBCOMMANDS: tuple[SubCommand, ...] = (
    SubCommand(
        "demo", "write a fresh copy of the demo workspace to OUT.jmg", "jmg_desktop.cli.workspace:add_demo"
    ),
    SubCommand(
        "check",
        "check a workspace's integrity, audit trail and stated totals; exit 1 if anything is wrong",
        "jmg_desktop.cli.workspace:add_check",
    ),
    SubCommand(
        "dump", "write a workspace as JSON (every table, losslessly)", "jmg_desktop.cli.workspace:add_dump"
    ),
    SubCommand("load", "make a new workspace from a JSON dump", "jmg_desktop.cli.workspace:add_load"),
    SubCommand(
        "project",
        "project a pool's lines forward year by year (CSV or JSON)",
        "jmg_desktop.cli.projection:add_project",
    ),
    SubCommand(
        "backups",
        "list the automatic backups of a workspace, newest first",
        "jmg_desktop.cli.backups:add_backups",
    ),
    SubCommand(
        "restore",
        "write the workspace held in a backup to a new file",
        "jmg_desktop.cli.backups:add_restore",
    ),
    SubCommand("papers", "list the cabinet papers in a workspace", "jmg_desktop.cli.papers:add_papers"),
    SubCommand(
        "export-paper",
        "write a cabinet paper as a PDF (exit 1 if stated totals differ from the lines, unless accepted)",
        "jmg_desktop.cli.papers:add_export_paper",
    ),
    SubCommand(
        "monitor",
        "a pool's budget monitoring for one period: lines, totals and the risk share (CSV or JSON)",
        "jmg_desktop.cli.monitoring:add_monitor",
    ),
    SubCommand(
        "import-lines",
        "add pool lines from an Excel workbook (.xlsx) or CSV file",
        "jmg_desktop.cli.interchange:add_import_lines",
    ),
    SubCommand(
        "export-xlsx",
        "write the lines, totals, stated totals, agreements and audit trail to an Excel workbook",
        "jmg_desktop.cli.interchange:add_export_xlsx",
    ),
    SubCommand(
        "push",
        "copy a workspace file into an empty PostgreSQL database (a shared workspace)",
        "jmg_desktop.cli.shared:add_push",
    ),
    SubCommand(
        "pull", "copy a shared workspace into a new workspace file", "jmg_desktop.cli.shared:add_pull"
    ),
    SubCommand(
        "server",
        "start or stop a local PostgreSQL server for trials and tests (127.0.0.1 only)",
        "jmg_desktop.cli.shared:add_server",
    ),
    SubCommand(
        "roles",
        "list, grant or revoke people's roles on a shared workspace (administrators)",
        "jmg_desktop.cli.roles:add_roles",
    ),
)
#: Their names, for telling a sub-command from a file to open.
_COMMAND_NAMES: frozenset[str] = frozenset(entry.name for entry in SUBCOMMANDS)


def _terminal_columns() -> int:
    """``shutil.get_terminal_size().columns``: $COLUMNS, else the terminal's width, else 80."""
    with contextlib.suppress(ValueError):
        if int(os.environ.get("COLUMNS", "0")) > 0:
            return int(os.environ["COLUMNS"])
    try:
        return os.get_terminal_size(sys.__stdout__.fileno()).columns or 80  # type: ignore[union-attr]
    except (AttributeError, ValueError, OSError):
        return 80


class _Formatter(argparse.HelpFormatter):
    """Help text wrapped between words only: never inside ``export-paper`` or ``jmg-desktop``."""

    def __init__(self, prog: str, **kwargs: int) -> None:
        kwargs.setdefault("max_help_position", 32)  # the longest command name stays on its line
        # argparse makes a formatter for every option it adds (to check it) and would import
        # shutil each time for the width; the width is found the way shutil finds it.
        kwargs.setdefault("width", _terminal_columns() - 2)
        super().__init__(prog, **kwargs)  # type: ignore[arg-type]

    def _split_lines(self, text: str, width: int) -> list[str]:
        return textwrap.wrap(" ".join(text.split()), width, break_on_hyphens=False, break_long_words=False)

    def _fill_text(self, text: str, width: int, indent: str) -> str:
        return "\n".join(
            textwrap.fill(
                " ".join(paragraph.split()),
                width,
                initial_indent=indent,
                subsequent_indent=indent,
                break_on_hyphens=False,
                break_long_words=False,
            )
            for paragraph in text.split("\n\n")
        ).replace("\n" + indent + "\n", "\n\n")


#: What exit code 1 means for the sub-commands that use it; every other one exits 0 or 2.
_EXIT_ONE: dict[str, str] = {
    "check": "problems were found (each is printed)",
    "export-paper": "stated totals differ from the lines (nothing is written unless --accept-differences)",
}


def _exit_codes(command: str) -> str:
    """The exit-code paragraph of a sub-command's help."""
    one = f" 1 {_EXIT_ONE[command]};" if command in _EXIT_ONE else ""
    return f"Exit codes: 0 done;{one} 2 bad input or an unusable file (one line on standard error)."


class _Parser(argparse.ArgumentParser):
    """An argument parser whose usage errors become :class:`UsageError` (one line, exit 2)."""

    def __init__(self, *args: object, **kwargs: object) -> None:
        kwargs.setdefault("formatter_class", _Formatter)
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]

    def error(self, message: str) -> None:  # type: ignore[override]
        command = self.prog.removeprefix("jmg-desktop").strip()
        where = f"{command}: " if command else ""
        raise UsageError(f"{where}{message} (see 'jmg-desktop {command + ' ' if command else ''}--help')")


def build_parser(only: Iterable[str] | None = None) -> argparse.ArgumentParser:
    """The command line: GUI options and sub-commands by name and help.

    With ``None``, every sub-command is listed with its options (for tests and documentation
    tools). An empty ``only`` lists every sub-command without options (the top-level ``--help``).
    Otherwise only the sub-commands named are added, with their options: running one command
    builds (and imports) nothing for the other sixteen.
    """
    wanted = {entry.name for entry in SUBCOMMANDS} if only is None else set(only)
    listed = [entry for entry in SUBCOMMANDS if not wanted or entry.name in wanted]
    parser = _Parser(
        prog="jmg-desktop",
        description=f"{APP_NAME}: pooled budgets, in-principle agreements and cabinet annex papers.",
        epilog="With no sub-command, opens the application (on FILE if given). "
        "Run 'jmg-desktop COMMAND --help' for a sub-command's options.\n\n"
        "Exit codes: 0 done; 1 a check found problems (check, export-paper); 2 bad input or an "
        "unusable file, with one line on standard error and never a traceback.",
    )
    parser.add_argument("--version", action="version", version=f"{APP_NAME} {__version__}")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    for entry in listed:
        sub = subparsers.add_parser(
            entry.name,
            help=entry.help,
            description=f"{entry.help[0].upper()}{entry.help[1:]}.",
            epilog=_exit_codes(entry.name),
        )
        if entry.name in wanted:
            entry.configure(sub)
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


def _refuse_unknown_word(args: list[str], commands: frozenset[str]) -> None:
    """``jmg-desktop papres``: a word that is neither a sub-command nor an existing file is refused.

    Without this the window would open on a new file called ``papres`` (or, with no display,
    Qt would abort). A close match is suggested.
    """
    if not args or args[0].startswith("-") or Path(args[0]).exists():
        return
    word = args[0]
    if len(args) == 1 and word.lower().endswith(".jmg"):
        return  # a new workspace's name: the window offers to create it
    import difflib  # only for a mistyped word: not on every command's path

    guess = difflib.get_close_matches(word.lower(), sorted(commands), n=1, cutoff=0.6)
    hint = f" (did you mean '{guess[0]}'?)" if guess else " (see 'jmg-desktop --help' for the commands)"
    raise UsageError(f"no such command or file: '{word}'{hint}")


def _silence_stdout() -> None:
    """Point standard output at the null device, so the interpreter's last flush cannot fail."""
    with contextlib.suppress(OSError, ValueError):
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the process exit code."""
    args_list = list(sys.argv[1:] if argv is None else argv)
    try:
        if _is_plain_gui_launch(args_list):
            # Straight to the window, without importing any sub-command (and SQLAlchemy) first.
            from jmg_desktop.ui.app import run_gui

            demo = args_list == ["--demo"]
            return run_gui(None if demo or not args_list else args_list[0], demo=demo)
        if _names_a_command(args_list):
            if args_list[0] in {"-h", "--help"}:
                build_parser(only=()).print_help()
                print("\nApplication:\n" + _gui_usage())
                return 0
            parser = build_parser(only=[args_list[0]])
            args = parser.parse_args(args_list)
            return int(args.func(args))
        _refuse_unknown_word(args_list, _COMMAND_NAMES)
        gui_args = _build_gui_parser().parse_args(args_list)
        from jmg_desktop.ui.app import run_gui  # Qt only when the GUI is wanted

        return run_gui(gui_args.file, demo=gui_args.demo)
    except CommandError as error:
        print(f"jmg-desktop: {error}", file=sys.stderr)
        return error.exit_code
    except KeyboardInterrupt:
        print("jmg-desktop: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        # The reader went away (``--help | head -1``): stop quietly, as other command-line tools do.
        _silence_stdout()
        return 0
    except SystemExit as exit_:  # argparse's own --version exits this way
        return int(exit_.code or 0)
    except Exception as error:  # the last line of defence: never a traceback on a user's screen
        print(f"jmg-desktop: unexpected error: {type(error).__name__}: {error}", file=sys.stderr)
        return EXIT_BAD_INPUT


def _names_a_command(args: Sequence[str]) -> bool:
    """Whether ``args`` run a headless sub-command (or ``--help``/``--version``), not the window."""
    return bool(args) and (args[0] in {"-h", "--help", "--version"} or args[0] in _COMMAND_NAMES)


def _leave_now(code: int) -> NoReturn:
    """End the process at once, once what it printed is out.

    A sub-command has closed its files and committed its work by the time it returns, so the
    interpreter's teardown (freeing every module and object one by one) buys nothing: it costs a
    short command a tenth of its time. Output is flushed first, because ``os._exit`` does not.
    """
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except BrokenPipeError:  # the reader went away (``dump | head``): nothing more to say
            _silence_stdout()
        except (OSError, ValueError):
            pass
    os._exit(code)


def run() -> NoReturn:
    """The ``jmg-desktop`` console script: :func:`main`, leaving at once after a sub-command."""
    args = sys.argv[1:]
    code = main(args)
    if _names_a_command(args):
        _leave_now(code)
    sys.exit(code)
