"""One person's JMG Desktop, run as its own process by ``test_two_gui_processes.py``.

``python shared_gui_driver.py ADDRESS`` opens the shared workspace at ADDRESS in the real main
window (offscreen), with every feature installed, and prints ``{"event": "ready", ...}`` once its
change listener is connected. It then takes one JSON command a line on standard input and answers
each with one JSON line on standard output:

* ``{"cmd": "type", "row": R, "text": "1,234"}`` types the text over row R's amount and presses
  Enter, as a user does; answers with the amount the row then holds, the status bar's message and
  the times the typing started and the edit finished (``time.time()``);
* ``{"cmd": "watch", "row": R, "pence": P}`` answers when row R shows P pence (or after 20 s),
  with the time it did;
* ``{"cmd": "deaf"}`` stops listening for other people's changes, as if their notification had not
  arrived yet (to make a conflict certain);
* ``{"cmd": "status"}`` answers with the status bar's text after refreshing who is connected now
  (the window itself refreshes it every few seconds);
* ``{"cmd": "quit"}`` closes the window and ends the process.
"""

from __future__ import annotations

import json
import os
import queue
import sys
import threading
import time
from typing import Any

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

_WATCH_LIMIT_S = 20.0


def _say(**fields: Any) -> None:
    """One answer line for the test."""
    print(json.dumps(fields), flush=True)


def main(address: str) -> int:
    """Open ``address`` in a main window and follow the commands on standard input."""
    from PySide6.QtCore import Qt, QTimer
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QApplication, QLineEdit

    from jmg_desktop.ui.lines.model import COLUMN_AMOUNT
    from jmg_desktop.ui.main_window import MainWindow

    app = QApplication([sys.argv[0]])
    window = MainWindow()
    window.install_features()
    if not window.open_path(address):
        _say(event="failed", message=window.statusBar().currentMessage())
        return 1
    window.resize(1366, 768)
    window.show()
    follower = window.shared_follower  # type: ignore[attr-defined]
    model = window.lines_model
    table = window.lines_view.table
    commands: queue.Queue[dict[str, Any]] = queue.Queue()

    def read_commands() -> None:
        for line in sys.stdin:
            if line.strip():
                commands.put(json.loads(line))
        commands.put({"cmd": "quit"})

    threading.Thread(target=read_commands, daemon=True).start()
    watches: list[tuple[int, int, float]] = []

    def type_amount(row: int, text: str) -> None:
        started = time.time()
        window.activateWindow()
        table.setCurrentIndex(model.index(row, COLUMN_AMOUNT))
        table.setFocus()
        QTest.keyClick(table, text[0])
        editor = next(e for e in table.viewport().findChildren(QLineEdit) if e.isVisible())
        QTest.keyClicks(editor, text[1:])
        QTest.keyClick(editor, Qt.Key.Key_Return)
        for _ in range(5):  # the view commits on a later turn of the event loop, as for a user
            app.processEvents()
        _say(
            event="typed",
            row=row,
            pence=model.record(row).amount_pence,
            message=window.statusBar().currentMessage(),
            started=started,
            at=time.time(),
        )

    ready = [False]

    def tick() -> None:
        if not ready[0]:
            listener = follower._listener
            if listener is None or not listener.connected.is_set():
                return  # other people's changes could not reach this window yet
            ready[0] = True
            _say(event="ready", status=follower.status.text(), actor=window.workspace().actor)
        for watch in list(watches):
            row, pence, since = watch
            if model.record(row).amount_pence == pence:
                watches.remove(watch)
                _say(event="seen", row=row, pence=pence, at=time.time())
            elif time.monotonic() - since > _WATCH_LIMIT_S:
                watches.remove(watch)
                _say(event="not seen", row=row, pence=model.record(row).amount_pence)
        while not commands.empty():
            command = commands.get()
            if command["cmd"] == "type":
                type_amount(int(command["row"]), str(command["text"]))
            elif command["cmd"] == "watch":
                watches.append((int(command["row"]), int(command["pence"]), time.monotonic()))
            elif command["cmd"] == "deaf":
                follower._listener.stop()
                _say(event="deaf")
            elif command["cmd"] == "status":
                follower.update_people()
                _say(event="status", status=follower.status.text())
            elif command["cmd"] == "quit":
                window.close()
                app.quit()
                return

    timer = QTimer()
    timer.timeout.connect(tick)
    timer.start(10)
    app.exec()
    follower.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
