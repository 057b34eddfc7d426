"""ARQ jobs: draining an athlete's inbox, sending one text, sweeping what was left behind."""
