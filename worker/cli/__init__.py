"""The ``textcoach`` command line."""
