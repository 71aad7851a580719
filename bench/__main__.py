"""`python -m bench [SECTION ...]`: see bench/__init__.py."""

from __future__ import annotations

import argparse
import importlib
import os
import secrets
import shutil
import sys
import tempfile
import time
import traceback
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

# The one list of sections, in the order they run and appear in docs/benchmarks.md.
SECTIONS = [
    "register",
    "imports",
    "records",
    "policy",
    "planning",
    "boardpack",
]

ROOT = Path(__file__).resolve().parent.parent


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("sections", nargs="*", metavar="SECTION",
                        help=f"sections to run (default: all): {', '.join(SECTIONS)}")
    parser.add_argument("--database-url", metavar="URL",
                        help="run on PostgreSQL: the bench creates this database (it must not exist) "
                        "and drops it afterwards; default: a temporary SQLite file")
    parser.add_argument("--quick", action="store_true",
                        help="smaller data for a fast check while developing; implies --no-write")
    parser.add_argument("--requests", type=int, default=30, help="timed requests per page (default 30)")
    parser.add_argument("--no-write", action="store_true",
                        help="print results only; leave docs/benchmarks.* alone")
    parser.add_argument("--keep-database", action="store_true",
                        help="keep the throwaway database afterwards (for profiling) and print where it is")
    parser.add_argument("--list", action="store_true", help="list the sections and exit")
    parser.add_argument("--render", action="store_true",
                        help="only redraw docs/benchmarks.md from docs/benchmarks.json")
    args = parser.parse_args(argv)
    unknown = [s for s in args.sections if s not in SECTIONS]
    if unknown:
        parser.error(f"unknown section(s) {', '.join(unknown)}; choose from {', '.join(SECTIONS)}")
    if args.quick:
        args.no_write = True
    return args


class ThrowawayDatabase:
    """A database that exists only for this run: never the developer's."""

    def __init__(self, url: str | None, keep: bool) -> None:
        self.url = url
        self.keep = keep
        self.var_dir = Path(tempfile.mkdtemp(prefix="bench-", dir=_var_root()))
        self.created_pg = False

    def __enter__(self) -> ThrowawayDatabase:
        os.environ["VAR_DIR"] = str(self.var_dir)
        if self.url:
            self._create_postgres()
            os.environ["DATABASE_URL"] = self.url
        else:
            if os.environ.pop("DATABASE_URL", None):
                print("Ignoring DATABASE_URL: the bench uses its own database (see --database-url).")
        return self

    def _maintenance(self):
        import psycopg

        parts = urlsplit(self.url)
        name = parts.path.lstrip("/")
        if not name or parts.scheme not in ("postgres", "postgresql", "pgsql"):
            raise SystemExit(f"--database-url must be postgres://user@host:port/NEW_DATABASE_NAME, not {self.url}")
        maintenance = urlunsplit(parts._replace(path="/postgres"))
        return psycopg.connect(maintenance, autocommit=True), name

    def _create_postgres(self) -> None:
        from psycopg import sql

        conn, name = self._maintenance()
        with conn:
            exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
            if exists:
                raise SystemExit(
                    f"Database {name!r} already exists. The bench only runs on a database it creates "
                    "itself, so it can never touch your data: give a new name, or drop that one."
                )
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
        self.created_pg = True

    def __exit__(self, *exc) -> None:
        from django.db import connections

        connections.close_all()
        if self.keep:
            where = self.url or self.var_dir / "improvement.sqlite3"
            print(f"Kept the bench database: {where} (VAR_DIR={self.var_dir})")
            return
        if self.created_pg:
            from psycopg import sql

            conn, name = self._maintenance()
            with conn:
                conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
        shutil.rmtree(self.var_dir, ignore_errors=True)


def _var_root() -> Path:
    root = Path(os.environ.get("VAR_DIR", ROOT / "var"))
    root.mkdir(parents=True, exist_ok=True)
    return root


def production_like_environment() -> None:
    """Settings as production runs them (DEBUG off), minus what needs TLS or a real host name."""
    os.environ.update(
        {
            "DEBUG": "false",
            "SECRET_KEY": secrets.token_urlsafe(50),
            "ALLOWED_HOSTS": "testserver",
            "SECURE_SSL_REDIRECT": "false",
            "SESSION_COOKIE_SECURE": "false",
            "CSRF_COOKIE_SECURE": "false",
            "SECURE_HSTS_SECONDS": "0",
            "LOG_LEVEL": "ERROR",
        }
    )
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "improvement.settings")


def prepare_database() -> None:
    from django.core.management import call_command

    started = time.perf_counter()
    call_command("migrate", interactive=False, verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)
    print(f"Migrated the throwaway database and collected static files in "
          f"{time.perf_counter() - started:.0f} s")


def run_sections(args: argparse.Namespace) -> int:
    from bench import report as reporting

    if args.quick:
        from bench import synthetic

        synthetic.use_quick_size()
    machine = reporting.machine_info()
    engine = "postgresql" if machine["database"].startswith("postgresql") else "sqlite"
    print(f"Machine: {reporting.machine_line(machine)}; database {machine['database']}")
    load = os.getloadavg()[0]
    if load > (os.cpu_count() or 1) * 0.5:
        print(f"Warning: load average {load:.1f} on {os.cpu_count()} cores; other work on this "
              "machine will slow the timings (the load is recorded with the results).")
    failures = 0
    missed = 0
    for name in args.sections or SECTIONS:
        print(f"\n== {name}", flush=True)
        started_at = datetime.now(UTC)
        started = time.perf_counter()
        load_before = os.getloadavg()[0]
        error: BaseException | None = None
        section = reporting.SectionReport(name=name, title=name, options=args)
        section_notes: list[str] = []
        try:
            module = importlib.import_module(f"bench.{name}")
            section.title = getattr(module, "TITLE", name)
            section_notes = list(getattr(module, "NOTES", []))
            module.run(section)
        except Exception as exc:  # a failed section is reported, never skipped
            error = exc
            failures += 1
            traceback.print_exc()
        seconds = time.perf_counter() - started
        missed += sum(1 for row in section.rows if row.met is False)
        print(f"== {name}: {'FAILED' if error else 'done'} in {seconds:.0f} s", flush=True)
        # Re-read just before writing: another bench run may have saved other sections meanwhile.
        results = reporting.load_results()
        reporting.store_result(results, section=section, engine=engine, machine=machine,
                               started=started_at, seconds=seconds, error=error,
                               load=(load_before, os.getloadavg()[0]), section_notes=section_notes)
        if not args.no_write:
            reporting.save_results(results, SECTIONS)
    if not args.no_write:
        print(f"\nWrote {reporting.RESULTS_MD.relative_to(ROOT)} and {reporting.RESULTS_JSON.relative_to(ROOT)}")
    if missed:
        print(f"{missed} target(s) missed: see the table.")
    return 1 if failures else 0


def main(argv: list[str] | None = None) -> int:
    args = parse_args(sys.argv[1:] if argv is None else argv)
    if args.list:
        for name in SECTIONS:
            print(name)
        return 0
    if args.render:
        from bench import report as reporting

        reporting.save_results(reporting.load_results(), SECTIONS)
        return 0
    started = time.perf_counter()
    production_like_environment()
    with ThrowawayDatabase(args.database_url, keep=args.keep_database):
        import django

        django.setup()
        prepare_database()
        status = run_sections(args)
    print(f"Bench finished in {time.perf_counter() - started:.0f} s")
    return status


if __name__ == "__main__":
    sys.exit(main())
