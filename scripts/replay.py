"""Replay conversation scenarios: ``python scripts/replay.py tests/scenarios/*.yaml``.

The same as ``textcoach replay``; see the README for the scenario format.
"""

import sys

from worker.cli.main import main

if __name__ == "__main__":
    raise SystemExit(main(["replay", *sys.argv[1:]]))
