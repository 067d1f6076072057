"""`make demo`: the whole pipeline, run as a user would, against local stand-in engines and sites.

A sandbox plays Baidu, Bing, the demo site's landing pages, its competitors' pages and its
link-exchange partners; a local SMTP server stands in for the mail server. Day 1 is crawled
(rankings and partners), then day 2 goes through `seowatch run-daily` (crawl, recheck of drops,
partners, audit of moved keywords, report, alert email). Every step is a real `seowatch` command
in a child process; the output folder keeps the config, the database, the reports and the mail.

    python -m seowatch.sandbox.demo [--out demo-out]
"""

from __future__ import annotations

import argparse
import email
import email.policy
import json
import shutil
import signal
import subprocess
import sys
import textwrap
import time
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from seowatch.sandbox import landingpages, partnersites
from seowatch.sandbox.demo import ENGINES, SCENARIO_PATH
from seowatch.sandbox.server import SandboxServer
from seowatch.sandbox.smtp import Mailbox, PortZeroController

TIMEZONE = "Asia/Shanghai"

CONFIG = """\
# The demo's configuration, written by `make demo` (python -m seowatch.sandbox.demo).
[settings]
data_dir = "data"
timezone = "{timezone}"

[politeness]
retries = 1
timeout = 5
proxies = ["{sandbox}"]   # the sandbox also serves the partner and landing-page sites (as an HTTP proxy)

{engines}

[partners]
every_days = 1            # check partners on every daily run (the default is weekly)

[report]
output_dir = "reports"

[alerts]
coverage_floor = 0.8

[email]
host = "127.0.0.1"
port = {smtp_port}
security = "none"
sender = "seowatch demo <seowatch@yingxiao-demo.cn>"

[schedule]                # `seowatch schedule` runs these (the demo runs "daily-report" once, at once)
timezone = "{timezone}"

[[schedule.jobs]]
name = "daily"
command = "run-daily"
cron = "0 6 * * *"
args = ["--fast"]         # the sandbox only: never against real engines

[[schedule.jobs]]
name = "daily-report"
command = "report"
cron = "30 8 * * *"

[[sites]]
domain = "yingxiao-demo.cn"
name = "营销Demo"
assets = ["https://baijiahao.baidu.com/s?id=1700000000000000001"]
competitors = ["rival-yingxiao.cn", "www.haoyingxiao.com.cn"]
engines = ["baidu", "bing"]
depth = 50
recipients = ["老板 <boss@yingxiao-demo.cn>", "seo@yingxiao-demo.cn"]
keywords = [
  {{ keyword = "整合营销", group = "整合营销", volume = 2400 }},
  {{ keyword = "网络营销公司", volume = 1600 }},
  {{ keyword = "SEO优化", group = "SEO", volume = 3200 }},
  {{ keyword = "百度推广代运营", volume = 720 }},
  {{ keyword = "品牌营销策划", volume = 880, target = "http://www.yingxiao-demo.cn/pinpai-cehua/" }},
  {{ keyword = "营销型网站建设", volume = 1300 }},
  {{ keyword = "整合營銷方案", volume = 390 }},
  {{ keyword = "短视频营销", volume = 2900 }},
]
{partners}"""


def _banner(text: str) -> None:
    print(f"\n\033[1m== {text}\033[0m", flush=True)


def _seowatch(config: Path, *args: str, check: bool = True) -> int:
    """Run one seowatch command as a user would, in its own process, showing its output."""
    cmd = [sys.executable, "-m", "seowatch", "-c", str(config), *args]
    print("$ seowatch " + " ".join(args), flush=True)
    code = subprocess.run(cmd, check=False).returncode
    if check and code not in (0, 3):  # 3: partial success (the demo has a captcha on purpose)
        raise SystemExit(f"demo: `seowatch {' '.join(args)}` failed with exit status {code}")
    return code


def _run_scheduler_once(config: Path, log: Path, job: str, timeout: float = 120.0) -> None:
    """Start `seowatch schedule --run-now JOB`, wait until the log says the job ended, stop it with SIGTERM."""
    cmd = [sys.executable, "-m", "seowatch", "-c", str(config), "schedule", "--run-now", job]
    print(f"$ seowatch schedule --run-now {job}   (stopped with SIGTERM once the job has run)", flush=True)
    start = log.stat().st_size if log.exists() else 0
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + timeout
    ended = False
    while time.monotonic() < deadline and proc.poll() is None and not ended:
        time.sleep(0.2)
        text = log.read_text("utf-8", "replace")[start:] if log.exists() else ""
        ended = f"job {job} finished" in text
    proc.send_signal(signal.SIGTERM)
    code = proc.wait(timeout=60)
    text = log.read_text("utf-8", "replace")[start:] if log.exists() else ""
    print(textwrap.indent("\n".join(text.splitlines()[-8:]), "  | "))
    print(f"  scheduler exit status {code} after SIGTERM")


def _print_mail(raw: bytes) -> None:
    msg = email.message_from_bytes(raw, policy=email.policy.default)
    print(f"From:    {msg['From']}\nTo:      {msg['To']}\nSubject: {msg['Subject']}")
    body = msg.get_body(preferencelist=("plain",))
    text = body.get_content() if body is not None else ""
    lines = [ln for ln in text.splitlines()][:18]
    print(textwrap.indent("\n".join(lines), "  | "))
    kinds = [part.get_content_type() for part in msg.walk() if not part.is_multipart()]
    print(f"  ({len(text.splitlines())} lines of text; parts: {', '.join(kinds)})")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", type=Path, default=Path("demo-out"), help="output folder (recreated)")
    args = ap.parse_args()
    started = time.monotonic()
    out = args.out.resolve()
    shutil.rmtree(out, ignore_errors=True)
    out.mkdir(parents=True)

    scenario = json.loads(SCENARIO_PATH.read_text("utf-8"))
    scenario = partnersites.merge_into(landingpages.merge_into(scenario))
    (out / "scenario.json").write_text(json.dumps(scenario, ensure_ascii=False, indent=1), "utf-8")

    mailbox = Mailbox()
    smtp = PortZeroController(mailbox, hostname="127.0.0.1", port=0)
    smtp.start()
    smtp_port = smtp.port
    try:
        with SandboxServer(scenario, port=0, day=1) as sandbox:
            engines = "\n".join(f'[engines.{e}]\nbase_url = "{sandbox.base_url(e)}"\n' for e in ENGINES)
            config = out / "seowatch.toml"
            config.write_text(CONFIG.format(timezone=TIMEZONE, sandbox=sandbox.url, engines=engines,
                                            smtp_port=smtp_port, partners=partnersites.partners_toml()), "utf-8")
            today = datetime.now(ZoneInfo(TIMEZONE)).date()
            day1, day2 = (today - timedelta(days=1)).isoformat(), today.isoformat()
            print(f"seowatch demo in {out}\nsandbox {sandbox.url} (Baidu, Bing, partner and landing-page sites), "
                  f"SMTP server 127.0.0.1:{smtp_port}")

            _banner(f"Day 1 ({day1}): rank check and partner check")
            _seowatch(config, "crawl", "--fast", "--date", day1, "--quiet")
            _seowatch(config, "partners", "check", "--fast", "--date", day1, "--quiet")

            sandbox.day = 2
            _banner(f"Day 2 ({day2}): seowatch run-daily (crawl, recheck of drops, partners, audit, report, alerts)")
            _seowatch(config, "run-daily", "--fast", "--date", day2, "--verbose")

            _banner("Day 2 positions against day 1")
            _seowatch(config, "ranks", "--date", day2)
            _banner("Link-exchange partners")
            _seowatch(config, "partners", "list")
            _banner("Keyword topics (jieba)")
            _seowatch(config, "keywords", "group")
            _banner("Landing-page audit of the keywords that moved")
            _seowatch(config, "audit", "--stored", "--date", day2, "--keyword", "整合营销", "--keyword", "品牌营销策划")
            _banner("The day-2 report")
            _seowatch(config, "report", "--date", day2)

            _banner("seowatch schedule: the demo's jobs, one run at once, then SIGTERM")
            _seowatch(config, "schedule", "--list")
            _run_scheduler_once(config, out / "data" / "logs" / "schedule.log", "daily-report")
    finally:
        smtp.stop()

    _banner("The alert email the local SMTP server received")
    if not mailbox.messages:
        print("no message was received (see data/logs/run-daily.log)")
        return 1
    for i, raw in enumerate(mailbox.messages, 1):
        (out / f"received-{i}.eml").write_bytes(raw)
        _print_mail(raw)
    print(f"\ndemo finished in {time.monotonic() - started:.0f} s; everything is in {out} "
          f"(open {out / 'reports'} in a browser)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
