"""Benchmarks: `make bench`, or `python -m bench [SECTION ...] [--database-url URL] [--quick]`.

Each run builds a throwaway database (a SQLite file in a temporary directory under var/, or with
`--database-url` a PostgreSQL database the bench creates itself, refusing one that already
exists, and drops afterwards), migrates it, runs the chosen sections (all by default) and
rewrites docs/benchmarks.md from docs/benchmarks.json, where every section keeps its last result
per database engine. The app runs with production-like settings (DEBUG off, collected static).
A section that raises is recorded as failed with its error and the run exits non-zero.

Adding a section
----------------
1. Write `bench/<name>.py` with a `TITLE` and a `run(report)` function::

       from bench.measure import measure_get, signed_in_client
       from bench.synthetic import england_register

       TITLE = "Policy evaluation (issue 7)"

       def run(report):
           reg = england_register()          # the 25,000-school register, built once per run
           report.fact("Schools", f"{reg.schools:,}")
           timing = ...                      # bench.report.Timing(samples_ms) from your own loop,
                                             # or measure_get(signed_in_client(reg.user), url).timing
           report.row("Evaluate every school", timing=timing, target_p95_ms=5000, queries=3)
           report.note("Anything a reader should know: causes, recommendations.")

   `report.row` takes a `Timing` (median and p95 are worked out), a target and a query count;
   pass `met=` yourself for targets that are not a p95 (throughput, totals). `report.note`
   adds markdown under this run's table; a module-level `NOTES` list of markdown paragraphs
   (findings that do not change from run to run) is shown once under the section's heading.
   `report.options` is the parsed command line (`quick`, `requests`).
2. Add its module name to `SECTIONS` in `bench/__main__.py`.
3. Run `python -m bench <name>` (`--quick` while developing: smaller data, nothing written)
   and commit docs/benchmarks.json and docs/benchmarks.md with your section.
   `--keep-database` keeps the throwaway database for profiling; `--render` redraws the
   markdown from the JSON.

Modules: `report` (rows, storage, markdown), `measure` (timing pages with the test client),
`synthetic` (the generated register), `register` (the issue 2 section).
"""
