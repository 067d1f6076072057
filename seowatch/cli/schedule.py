"""`seowatch schedule` (the long-running scheduler) and `seowatch cron-example` (cron and systemd lines)."""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path
from zoneinfo import ZoneInfo

import click

from seowatch.cli import EXIT_CONFIG, EXIT_LOCKED, App, fail, pass_app
from seowatch.config import Config
from seowatch.crontab import CronError, on_calendar, parse_crontab
from seowatch.runlock import LockHeld, RunLock

DEFAULT_CRON = "0 6 * * *"
LOCK_FILE = "schedule.lock"
LOG_FILE = "schedule.log"


def _specs(app: App):
    from seowatch.schedule import job_specs

    cfg = app.config
    if not cfg.schedule.jobs:
        fail(f"{app.config_path}: no [[schedule.jobs]] configured (`seowatch init` writes an example to start from)",
             EXIT_CONFIG)
    tz = ZoneInfo(cfg.schedule_timezone)
    return job_specs(cfg, Path(app.config_path).resolve(), tz), tz


@click.command()
@click.option("--list", "as_list", is_flag=True, help="Print each job with its trigger and next run time, and exit.")
@click.option("--run-now", "run_now", multiple=True, metavar="JOB",
              help="Also run this job once as soon as the scheduler starts (repeatable).")
@pass_app
def schedule(app: App, as_list: bool, run_now: tuple[str, ...]) -> None:
    """Run the jobs of [schedule] on their crontab times until stopped (an APScheduler 3 scheduler).

    Each job runs a seowatch command (run-daily, crawl, partners, report or alerts), for a site or
    a keyword group if given, as a child process; jobs run one at a time, a job never overlaps
    itself, and a run the scheduler could not start within [schedule] misfire_grace_seconds of
    its time (default 6 hours: it was down, or another job ran long) is skipped and logged; runs
    missed while it was down are made up once. Times are in [schedule] timezone (default
    settings.timezone). Jobs live in the seowatch database, so a restart keeps their state.
    Output goes to <data_dir>/logs/schedule.log and stderr. SIGTERM or Ctrl-C: no new job
    starts, the running one is stopped cleanly, exit 0. Exit 4 when another scheduler runs on
    the same data folder.

    \b
    Example:
      seowatch schedule --list
      seowatch schedule
      seowatch schedule --run-now daily     # run the job "daily" at once, then on schedule
    """
    specs, tz = _specs(app)
    names = [s.name for s in specs]
    unknown = [n for n in run_now if n not in names]
    if unknown:
        fail(f"--run-now: no job {unknown[0]!r} in [schedule] (jobs: {', '.join(names)})", EXIT_CONFIG)
    if as_list:
        _print_list(app.config, specs, tz, app.now())
        return
    _serve(app, specs, tz, run_now)


def _print_list(cfg: Config, specs, tz: ZoneInfo, now) -> None:
    from seowatch.rundaily import duration
    from seowatch.schedule import next_runs

    jobs = f"{len(specs)} job{'s' if len(specs) != 1 else ''}"
    late = duration(cfg.schedule.misfire_grace_seconds)
    click.echo(f"{jobs}, times in {tz.key}; one job at a time; a run more than {late} late is skipped")
    rows = []
    for spec, when in next_runs(specs, now):
        nxt = when.astimezone(tz).strftime("%Y-%m-%d %H:%M %a") if when else "never"
        rows.append((spec.name, f"cron[{spec.cron}]", f"next {nxt}", spec.command_line))
    widths = [max(len(r[i]) for r in rows) for i in range(3)]
    for r in rows:
        click.echo("  ".join(c.ljust(w) for c, w in zip(r, widths)) + "  " + r[3])


def _serve(app: App, specs, tz: ZoneInfo, run_now: tuple[str, ...]) -> None:
    from seowatch.schedule import (
        ChildRunner,
        add_listeners,
        build_scheduler,
        schedule_logger,
        serve,
        set_runner,
        sync_jobs,
    )
    from seowatch.store.database import create_db_engine, dispose_engines

    cfg = app.config
    grace = cfg.schedule.misfire_grace_seconds
    lock = RunLock(cfg.data_dir / LOCK_FILE, now=app.now(), command="schedule")
    try:
        lock.acquire()
    except LockHeld as held:
        fail(f"another seowatch schedule ({held.holder.describe(app.tz)}) is running on {cfg.data_dir}; "
             f"one scheduler per data folder (lock: {held.path})", EXIT_LOCKED)
    log = schedule_logger(cfg.data_dir / "logs" / LOG_FILE, tz)
    store_engine = None
    try:
        app.engine  # migrated to the latest schema, the job store's table included  # noqa: B018
        store_engine = create_db_engine(cfg.database_url)
        scheduler, store = build_scheduler(store_engine, tz)
        synced = sync_jobs(scheduler, store, specs, grace, run_now=run_now, now=app.now())
        runner = ChildRunner([sys.executable, "-m", "seowatch"], log=log, env=app.environ, cwd=cfg.base_dir)
        set_runner(runner)
        add_listeners(scheduler, log, tz, grace)
        changes = "; ".join(f"{what}: {', '.join(names)}" for what, names in (
            ("added", synced.added), ("replaced", synced.replaced), ("unchanged", synced.kept),
            ("removed (no longer configured)", synced.removed)) if names)
        log.info("scheduler started (pid %d): %d jobs in %s from %s; %s", os.getpid(), len(specs),
                 tz.key, Path(app.config_path).resolve(), changes)
        serve(scheduler, runner, log)
    finally:
        set_runner(None)
        if store_engine is not None:
            store_engine.dispose()
        dispose_engines()
        lock.release()


# --- seowatch cron-example -------------------------------------------------------------------------------


def seowatch_executable(argv0: str, which=shutil.which, python: str = sys.executable) -> list[str]:
    """How to start this seowatch from cron: the running script's absolute path, else the one on PATH,
    else this Python with -m seowatch."""
    p = Path(argv0)
    if p.name == "seowatch" and p.is_file():
        return [str(p.absolute())]
    found = which("seowatch")
    if found:
        return [str(Path(found).absolute())]
    return [python, "-m", "seowatch"]


def cron_quote(args: list[str]) -> str:
    """A shell command for a crontab line: quoted, with % escaped (cron turns a bare % into a newline)."""
    from seowatch.schedule import shell_join

    return shell_join(args).replace("%", "\\%")


def systemd_quote(args: list[str]) -> str:
    """An ExecStart= command line: arguments with spaces or quotes double-quoted, % doubled (specifiers)."""
    out = []
    for a in args:
        a = a.replace("%", "%%")
        if not a or any(c in a for c in " \t\"'\\;"):
            a = '"' + a.replace("\\", "\\\\").replace('"', '\\"') + '"'
        out.append(a)
    return " ".join(out)


def secret_variables(cfg: Config) -> list[tuple[str, str]]:
    """The environment variables the config names for secrets: (variable, where it is named)."""
    out = [(ec.api_key_env, f"engines.{name}.api_key_env") for name, ec in cfg.engines.items() if ec.api_key_env]
    if cfg.email is not None:
        out += [(v, f"email.{k}") for k, v in (("username_env", cfg.email.username_env),
                                               ("password_env", cfg.email.password_env)) if v]
    out += [(v, "chat.urls_env") for v in cfg.chat.urls_env]
    return out


def _default_cron(cfg: Config) -> str:
    for job in cfg.schedule.jobs:
        if job.command == "run-daily" and job.group is None:
            return job.cron
    return DEFAULT_CRON


def cron_example_text(*, executable: list[str], config_path: Path, cfg: Config, cron: str, site: str | None,
                      user: str, scheduler: bool = False) -> str:
    """The crontab line and the systemd units, for these paths (pure: everything comes in as values)."""
    tz = cfg.settings.timezone
    args = [*executable, "-c", str(config_path), "run-daily"] + (["--site", site] if site else [])
    unit = "seowatch-run-daily" + (f"-{site}" if site else "")
    workdir = str(config_path.parent)
    env_file = config_path.parent / "seowatch.env"
    secrets = secret_variables(cfg)
    lines: list[str] = []
    if not scheduler:
        lines += [
            f"# seowatch run-daily{f' --site {site}' if site else ''} at cron [{cron}] in {tz}",
            "",
            "# --- crontab (crontab -e) ---",
            "# cron mails what a run prints, and run-daily prints only when something failed:",
            "# MAILTO=you@example.com",
            "# CRON_TZ is read by cronie (RHEL, Fedora, Arch); Debian's and Ubuntu's cron ignore it and use the",
            "# system time zone (timedatectl): write the time in that zone there, or use the systemd timer.",
        ]
        if secrets:
            lines.append("# The run needs these variables, which cron does not set: put NAME=value lines above the job")
            lines.append("# (the crontab then holds the secret) or use the systemd units and their EnvironmentFile.")
            lines += [f"#   {name}  ({where})" for name, where in secrets]
        lines += [f"CRON_TZ={tz}", f"{parse_crontab(cron).text} {cron_quote(args)}", ""]
    env_lines = [f"EnvironmentFile=-{systemd_quote([str(env_file)])}"
                 + (f"   # {', '.join(n for n, _ in secrets)}=...; chmod 600" if secrets else "")]
    user_lines = [f"User={user}"] if user and user != "root" else []
    if scheduler:
        sched_args = [*executable, "-c", str(config_path), "schedule"]
        jobs = len(cfg.schedule.jobs)
        lines += [
            f"# seowatch schedule: the {jobs} job{'s' if jobs != 1 else ''} of [schedule] in {config_path}, "
            + "in one long-running process",
            "",
            "# --- /etc/systemd/system/seowatch-schedule.service ---",
            "[Unit]",
            f"Description=seowatch scheduler ([schedule] of {config_path})",
            "Wants=network-online.target",
            "After=network-online.target",
            "",
            "[Service]",
            "Type=simple",
            *user_lines,
            f"WorkingDirectory={systemd_quote([workdir])}",
            f"ExecStart={systemd_quote(sched_args)}",
            *env_lines,
            "# SIGTERM to the scheduler only: it stops the running job itself, cleanly",
            "KillMode=mixed",
            "TimeoutStopSec=120",
            "Restart=on-failure",
            "",
            "[Install]",
            "WantedBy=multi-user.target",
            "",
            "# Then: sudo systemctl daemon-reload && sudo systemctl enable --now seowatch-schedule.service",
            "#       seowatch schedule --list     journalctl -u seowatch-schedule -f",
        ]
        return "\n".join(lines) + "\n"
    lines += [
        f"# --- /etc/systemd/system/{unit}.service ---",
        "[Unit]",
        "Description=seowatch run-daily (rankings, partners, report, alerts)",
        "Wants=network-online.target",
        "After=network-online.target",
        "",
        "[Service]",
        "Type=oneshot",
        *user_lines,
        f"WorkingDirectory={systemd_quote([workdir])}",
        f"ExecStart={systemd_quote(args)}",
        *env_lines,
        "# Exit 3 (partial success: some checks unknown) marks the run failed; to count it as a success:",
        "# SuccessExitStatus=3",
        "",
        f"# --- /etc/systemd/system/{unit}.timer ---",
        "[Unit]",
        f"Description=seowatch run-daily at cron [{cron}] in {tz}",
        "",
        "[Timer]",
        f"OnCalendar={on_calendar(cron, tz)}",
        "Persistent=true",
        "",
        "[Install]",
        "WantedBy=timers.target",
        "",
        f"# Then: sudo systemctl daemon-reload && sudo systemctl enable --now {unit}.timer",
        f"#       systemctl list-timers {unit}.timer     journalctl -u {unit}",
    ]
    return "\n".join(lines) + "\n"


@click.command("cron-example")
@click.option("--cron", "cron", help="When to run, as a crontab expression (default: the run-daily job of [schedule], "
                                      f"else \"{DEFAULT_CRON}\"), in the config's timezone.")
@click.option("--site", "-s", help="Run only this site (its domain or name).")
@click.option("--schedule", "scheduler", is_flag=True,
              help="Print a systemd service for `seowatch schedule` instead (the jobs of [schedule]).")
@pass_app
def cron_example(app: App, cron: str | None, site: str | None, scheduler: bool) -> None:
    """Print a crontab line and a systemd service + timer that run `seowatch run-daily` for this
    installation: the absolute paths of this seowatch and of the config, the config's time zone
    (CRON_TZ, OnCalendar), Persistent=true so a day missed while the machine was off runs at boot.
    No flock wrapper is needed: run-daily takes its own lock. Nothing is installed.

    \b
    Example:
      seowatch cron-example
      seowatch -c /etc/seowatch/seowatch.toml cron-example --cron "30 5 * * 1-6" --site example.com
      seowatch cron-example --schedule > seowatch-schedule.service
    """
    import getpass

    from seowatch.cli.crawl import selected_sites

    cfg = app.config
    if site:
        site = selected_sites(app, site)[0].domain
    expr = cron or _default_cron(cfg)
    try:
        parse_crontab(expr)
    except CronError as exc:
        fail(f"--cron: {exc}", EXIT_CONFIG)
    try:
        user = getpass.getuser()
    except (KeyError, OSError):
        user = ""
    click.echo(cron_example_text(
        executable=seowatch_executable(sys.argv[0]), config_path=Path(app.config_path).resolve(), cfg=cfg, cron=expr,
        site=site, user=user, scheduler=scheduler,
    ), nl=False)


COMMANDS = [schedule, cron_example]
