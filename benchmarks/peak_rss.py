"""Run a command and report its own peak RSS: ``python peak_rss.py OUTPUT COMMAND...``.

Prints the command's pid on the first line of stdout as soon as it runs (so
the caller can watch or kill it), then, when it has ended, one JSON line:
``{"status": <exit status>, "maxrss_kib": <ru_maxrss>}``. The command's own
stdout and stderr go to the file OUTPUT.

Why a process of its own: Linux counts in a process's ``ru_maxrss`` the
memory of the process it was forked from, up to its ``exec`` (``fork`` and
``vfork`` alike). Started from the benchmark, which holds hundreds of MB by
then, a 35 MB command would be reported as big as the benchmark; started
from this small interpreter, the number is the command's own.
"""

from __future__ import annotations

import json
import os
import sys


def main() -> None:
    output, command = sys.argv[1], sys.argv[2:]
    pid = os.fork()
    if pid == 0:  # the command: its output to OUTPUT, then exec
        sink = os.open(output, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
        os.dup2(sink, 1)
        os.dup2(sink, 2)
        os.execvp(command[0], command)
    print(pid, flush=True)
    _, status, usage = os.wait4(pid, 0)
    result = {"status": os.waitstatus_to_exitcode(status), "maxrss_kib": usage.ru_maxrss}
    print(json.dumps(result), flush=True)


if __name__ == "__main__":
    main()
