"""`seowatch init` and `seowatch check-config`: write an example configuration, and validate one."""

from __future__ import annotations

from pathlib import Path

import click

from seowatch.cli import EXIT_CONFIG, App, fail, pass_app
from seowatch.config import ConfigError, load_config, site_keywords
from seowatch.keywords.normalize import normalize

EXAMPLE = '''\
# seowatch configuration. Paths are relative to this file.
# Check it with: seowatch check-config

[settings]
data_dir = "data"                 # the SQLite database, logs and reports live here
# database = "postgresql+psycopg://seowatch@127.0.0.1:5432/seowatch"   # default: SQLite in data_dir
timezone = "Asia/Shanghai"        # the day a check belongs to, and when scheduled jobs run

[politeness]
delay = 4.0                       # seconds between two requests to the same engine (randomized 0.5x-1.5x)
concurrency_per_engine = 1        # requests in flight per engine
retries = 3                       # retries of a captcha / 403 / 429 / 5xx / timeout, with exponential backoff
timeout = 30                      # seconds before a request counts as timed out
autothrottle = true               # slow down further when an engine answers slowly
# user_agents = ["Mozilla/5.0 ..."]        # default: a few current desktop browsers
# proxies = ["http://user:pass@10.0.0.2:3128"]

# Per-engine overrides: a mirror, a proxy or the local sandbox (seowatch sandbox prints these lines).
# [engines.baidu]
# base_url = "http://127.0.0.1:8765/baidu"

# Google is tracked through a SERP API (SerpApi-compatible JSON); the key stays in the environment.
# [engines.serpapi]
# api_key_env = "SERPAPI_KEY"
# params = { engine = "google", gl = "cn", hl = "zh-cn" }

[keywords]
user_words = ["整合营销"]          # brand and product names jieba must never split
stop_words = []                   # extra stop words on top of the Chinese list

[[sites]]
domain = "example.com"            # our site
match = "domain"                  # "domain": any subdomain of example.com; "host": exactly this host (www ignored)
assets = [                        # our own pages elsewhere; a '*' is a wildcard
  "https://baijiahao.baidu.com/u?app_id=1234567890*",
  "https://zhuanlan.zhihu.com/c_1234567890",
]
competitors = ["rival.com", "competitor.com.cn"]
engines = ["baidu", "baidu_mobile", "bing", "sogou", "so360"]
devices = ["desktop"]             # baidu_mobile is always checked as mobile
depth = 50                        # how many results to look through
keywords = [
  "整合营销",
  { keyword = "网络营销公司", group = "营销", volume = 1300, tags = ["核心"] },
]
# keywords_file = "keywords.csv"  # columns: keyword, group, tags, engines, volume, target (CSV or XLSX)
# recipients = ["seo@example.com"]  # this site's alert email (default: [email] recipients)

# Link-exchange (友情链接) partners: where our link should be, and what it should say.
# [[sites.partners]]
# page = "https://www.partner.cn/links.html"    # the partner page carrying our link
# target = "https://www.example.com/"           # optional: the URL it must link to (default: any page of ours)
# anchor = "整合营销"                             # optional: the agreed anchor text
# our_page = "https://www.example.com/links.html"  # optional: our page linking back to them
# contact = "QQ 12345678"
# (or: partners_file = "partners.csv" under [[sites]], columns page, target, anchor, our_page, note, contact)

[partners]
failures_before_lost = 2          # timeouts / 5xx in a row before a partner counts as lost (a removed link: at once)
every_days = 7                    # run-daily checks partners this often

[report]
output_dir = "reports"            # in data_dir
confirm_drops = "recheck"         # re-check dropped keywords the same day; "next_check" waits for the next run
drop_threshold = { top10 = 3, top30 = 5, beyond = 10 }   # positions a move must reach, by where it was

[alerts]
coverage_floor = 0.8              # under this share of known checks: one "crawler blocked" alert, no drop alerts
# report_url = "https://seo.example.com/reports/{domain}-{date}.html"
# attach_report = true

# [email]
# host = "smtp.exmail.qq.com"
# security = "ssl"                # "starttls" (587), "ssl" (465) or "none" (25)
# username_env = "SEOWATCH_SMTP_USER"       # the environment variables holding the login
# password_env = "SEOWATCH_SMTP_PASSWORD"
# sender = "seowatch <seo@example.com>"
# recipients = ["seo@example.com"]

# [chat]
# urls_env = ["SEOWATCH_DINGTALK_URL"]      # each variable holds an Apprise URL, e.g. dingtalk://TOKEN/

# `seowatch schedule` runs these jobs in one long-running process (or use cron: seowatch cron-example).
# cron is "minute hour day-of-month month weekday", read as cron reads it (weekday 0 or 7 = Sunday).
# [schedule]
# timezone = "Asia/Shanghai"        # default: settings.timezone
# misfire_grace_seconds = 21600     # a run that cannot start within 6 hours of its time is skipped
#
# [[schedule.jobs]]
# name = "daily"
# command = "run-daily"             # run-daily, crawl, partners, report or alerts
# cron = "0 6 * * *"
#
# [[schedule.jobs]]
# name = "core-keywords-noon"
# command = "crawl"
# cron = "0 12 * * 1-5"
# site = "example.com"              # optional: one site (default: every site)
# group = "营销"                     # optional (run-daily and crawl): one keyword group
'''


@click.command()
@click.argument("path", required=False, type=click.Path(dir_okay=False, path_type=Path))
@click.option("--force", is_flag=True, help="Overwrite an existing file.")
@pass_app
def init(app: App, path: Path | None, force: bool) -> None:
    """Write a commented example seowatch.toml to start from.

    \b
    Example:
      seowatch init
      seowatch init /etc/seowatch/seowatch.toml
    """
    target = path or app.config_path
    if target.exists() and not force:
        fail(f"{target} already exists (use --force to overwrite)", EXIT_CONFIG)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(EXAMPLE, encoding="utf-8")
    click.echo(f"wrote {target}; edit it, then run: seowatch check-config")


@click.command("check-config")
@pass_app
def check_config(app: App) -> None:
    """Validate the configuration and every file it names; exit 2 on the first problem found.

    Each error names the file, the key path and what is wrong; unknown keys are errors.

    \b
    Example:
      seowatch -c seowatch.toml check-config
    """
    from seowatch.config import site_partners
    from seowatch.keywords.tokenize import TokenizerError, read_user_dict

    try:
        config = load_config(app.config_path)
        summaries = []
        for site in config.sites:
            keywords = site_keywords(config, site)
            distinct = {normalize(k.keyword) for k in keywords}
            summaries.append((site, len(keywords), len(distinct), len(site_partners(config, site))))
    except ConfigError as exc:
        fail(str(exc), EXIT_CONFIG)
    if config.keywords.user_dict:
        try:
            read_user_dict(config.resolve_path(config.keywords.user_dict))
        except TokenizerError as exc:
            fail(f"{app.config_path}: keywords.user_dict: {exc}", EXIT_CONFIG)
    for key, env_name in _named_secrets(config):
        if env_name not in app.environ:
            click.echo(f"warning: {key} names {env_name}, which is not set here", err=True)
    click.echo(f"{app.config_path}: ok")
    click.echo(f"database: {config.database_url}")
    for site, n, distinct, partners in summaries:
        dup = f" ({n - distinct} variants folded)" if n != distinct else ""
        click.echo(f"site {site.label}: {distinct} keywords{dup} on {', '.join(site.engines)}, depth {site.depth}"
                   + (f", {partners} partner{'s' if partners != 1 else ''}" if partners else ""))


def _named_secrets(config) -> list[tuple[str, str]]:
    """(key path, environment variable) for every secret the config names."""
    out = [(f"engines.{name}.api_key_env", ec.api_key_env) for name, ec in config.engines.items() if ec.api_key_env]
    if config.email is not None:
        out += [(f"email.{k}", v) for k, v in (("username_env", config.email.username_env),
                                               ("password_env", config.email.password_env)) if v]
    out += [(f"chat.urls_env[{i}]", v) for i, v in enumerate(config.chat.urls_env)]
    return out


COMMANDS = [init, check_config]
