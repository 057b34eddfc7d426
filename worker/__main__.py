"""``python -m worker`` is the ``textcoach`` command."""

from worker.cli.main import main

raise SystemExit(main())
