"""One client of the shared-workspace commit benchmark, run as its own process.

``python shared_edit_client.py ADDRESS SEED EDITS THINK_MS LINE_ID...`` opens the shared workspace,
prints ``ready``, waits for a line on standard input (so every client starts together), then makes
EDITS amount edits to lines chosen from LINE_ID, pausing a random time (exponential, mean
THINK_MS; 0 for flat out) between them, as a person at a keyboard does, far faster. Each edit is
read as the view would show it, then committed through the lines store; the time of the commit
alone is measured. Prints one JSON line: the commit times in seconds, the number refused as
conflicts, and the process's CPU seconds.
"""

from __future__ import annotations

import json
import random
import resource
import sys
import time


def main(argv: list[str]) -> int:
    """Run the client; see the module's docstring for the arguments."""
    from jmg_desktop.core.commands import FieldUpdate, edit_fields
    from jmg_desktop.store.lines_repo import LinesStore, StaleEditError, fetch_lines
    from jmg_desktop.store.pg_workspace import SharedWorkspace

    address, seed, edits, think_ms = argv[0], int(argv[1]), int(argv[2]), float(argv[3])
    lines = [int(value) for value in argv[4:]]
    rng = random.Random(seed)
    times: list[float] = []
    conflicts = 0
    with SharedWorkspace.open(address) as workspace:
        store = LinesStore(workspace)
        print("ready", flush=True)
        sys.stdin.readline()
        for _ in range(edits):
            if think_ms:
                time.sleep(rng.expovariate(1000.0 / think_ms))
            line = rng.choice(lines)
            workspace.mark_seen()  # the view re-reads: it now shows everything up to here
            shown = fetch_lines(workspace, [line])[line].amount_pence
            changes = edit_fields([FieldUpdate(line, "amount_pence", shown, shown + 100)]).changes
            started = time.perf_counter()
            try:
                store.apply_changes(changes, action="edit_lines")
            except StaleEditError:
                conflicts += 1
                continue
            times.append(time.perf_counter() - started)
    usage = resource.getrusage(resource.RUSAGE_SELF)
    print(json.dumps({"times": times, "conflicts": conflicts, "cpu": usage.ru_utime + usage.ru_stime}))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
