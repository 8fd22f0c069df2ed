"""The zosoftmax test suite (a package, so that ``tests.strategies`` and the ``tests.mutants`` plugin import)."""
