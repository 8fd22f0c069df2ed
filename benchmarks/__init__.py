"""Speed and memory ratios (``make bench``, ``python -m benchmarks``); they never feed the paper's verdicts.

Every ``benchmarks/bench_NAME.py`` (and ``figures_vs.py``) is a script with

* ``run(profile: str) -> dict``: measures in this process and returns plain JSON with at least
  ``"targets"``: a list of ``{"id", "statement", "measured", "bound", "met"}`` (``met`` a bool; ``bound`` a
  string such as ``"<= 1.5"``), the issue's speed targets it checks (may be empty);
* ``THREADS``: the BLAS thread settings to run it under, e.g. ``("1", "default")`` (default ``("1",)``);
* ``main(argv)`` = ``benchmarks._common.bench_main(run, argv)``: ``python -m benchmarks.bench_NAME
  [--quick] [--out FILE]``.

``python -m benchmarks [--quick] [--only NAME ...]`` runs each script in a fresh interpreter per thread setting
(BLAS reads its thread count at start-up), reads back the JSON it wrote, and merges everything into
``benchmarks/results.json`` (``{"machine", "profile", "results": {NAME: {THREADS: result}}, "targets"}``),
then prints the targets. Timings are minima over interleaved, order-rotated repetitions
(:func:`benchmarks._common.interleaved`); no timing is ever asserted by a test.
"""
