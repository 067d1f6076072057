"""The HTML report in headless Chromium: it loads without console errors, the charts are drawn, a phone
needs no sideways scrolling, and the hostile titles run nothing.

Needs Debian's chromium (`.ci/run` installs it); skipped, with the reason shown, when it is absent.
"""

from __future__ import annotations

import html
import json
import os
import re
import shutil
import struct
import subprocess
import zlib
from pathlib import Path

import pytest

from seowatch.reports.render_html import CSP, render_html
from tests.conftest import make_sample_report


def _chromium() -> str | None:
    for name in ("chromium", "chromium-browser"):
        found = shutil.which(name)
        if found:
            return found
    return "/usr/bin/chromium" if os.path.exists("/usr/bin/chromium") else None


CHROMIUM = _chromium()
pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="chromium not installed (apt-get install chromium; .ci/run does)")

TREND_BLUE = (0x0B, 0x57, 0xD0)
BLIND_ORANGE = (0xE3, 0x62, 0x09)


def chromium(tmp_path: Path, page: Path, *args: str, width: int = 390, height: int = 2400) -> tuple[str, list[str]]:
    """Run headless Chromium on a file; returns stdout and the page's console messages."""
    profile = tmp_path / f"profile-{len(list(tmp_path.iterdir()))}"
    cmd = [
        CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run", f"--user-data-dir={profile}",
        "--hide-scrollbars", "--enable-logging=stderr", "--v=0", f"--window-size={width},{height}",
        *args, page.as_uri(),
    ]
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr[-2000:]
    console = [line for line in proc.stderr.splitlines() if ":CONSOLE" in line]
    return proc.stdout, console


def read_png(path: Path) -> tuple[int, int, list[bytes]]:
    """(width, height, rows of RGB(A) bytes) of an 8-bit, non-interlaced PNG such as Chromium writes."""
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    pos, idat, header = 8, b"", None
    while pos < len(data):
        length, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + length]
        if kind == b"IHDR":
            header = struct.unpack(">IIBBBBB", body)
        elif kind == b"IDAT":
            idat += body
        pos += 12 + length
    width, height, depth, color, _, _, interlace = header
    assert depth == 8 and color in (2, 6) and interlace == 0, header
    bpp = 3 if color == 2 else 4
    raw, stride, rows, prev = zlib.decompress(idat), width * bpp, [], bytearray(width * bpp)
    for y in range(height):
        kind, line = raw[y * (stride + 1)], bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        for i in range(stride):
            a = line[i - bpp] if i >= bpp else 0
            b, c = prev[i], prev[i - bpp] if i >= bpp else 0
            if kind == 1:
                line[i] = (line[i] + a) & 255
            elif kind == 2:
                line[i] = (line[i] + b) & 255
            elif kind == 3:
                line[i] = (line[i] + (a + b) // 2) & 255
            elif kind == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[i] = (line[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
        rows.append(bytes(line))
        prev = line
    return width, height, [bytes(r[i] for i in range(len(r)) if i % bpp < 3) for r in rows]


def count_color(rows: list[bytes], rgb: tuple[int, int, int], tolerance: int = 40) -> int:
    n = 0
    for row in rows:
        for i in range(0, len(row), 3):
            if abs(row[i] - rgb[0]) + abs(row[i + 1] - rgb[1]) + abs(row[i + 2] - rgb[2]) <= tolerance:
                n += 1
    return n


# Headless Chromium's window is at least 500 px wide, so a phone's 390 px is measured by narrowing the
# root element to 390 px (the viewport stays under the 700 px breakpoint, so the phone CSS applies) and
# checking that no element reaches past that edge, except inside a box that scrolls or clips.
PROBE = """<script nonce="probe">
const out = {};
const W = __WIDTH__;
document.documentElement.style.width = W + "px";
const trend = document.querySelector("svg.trend polyline.line");
out.trendLength = trend ? trend.getTotalLength() : 0;
out.trendBox = trend ? [trend.getBBox().width, trend.getBBox().height] : null;
out.trendRendered = document.querySelector("svg.trend").getBoundingClientRect().width;
const sparks = [...document.querySelectorAll("svg.spark")];
out.sparks = sparks.length;
out.sparksDrawn = sparks.filter(s => [...s.querySelectorAll("polyline.rank,circle")].some(
    e => e.getBBox().width > 0 || e.getBBox().height > 0)).length;
const clipped = e => { for (let p = e.parentElement; p; p = p.parentElement) {
  if (p === document.documentElement) return false;
  if (getComputedStyle(p).overflowX !== "visible") return true; } return false; };
const wide = [...document.body.querySelectorAll("*")].filter(e => !clipped(e) && e.getBoundingClientRect().right > W + 0.5);
out.overflowing = wide.slice(0, 5).map(e => e.tagName + "." + (e.className.baseVal ?? e.className) + " " + e.getBoundingClientRect().right);
out.width = W;
out.scripts = document.scripts.length;
out.images = document.images.length;
out.handlers = [...document.querySelectorAll("*")].filter(e => [...e.attributes].some(a => a.name.startsWith("on"))).length;
out.bodyFont = parseFloat(getComputedStyle(document.body).fontSize);
const pre = document.createElement("pre"); pre.id = "probe"; pre.textContent = JSON.stringify(out);
document.body.appendChild(pre);
</script>"""


def probe(tmp_path: Path, page_html: str, width: int) -> dict:
    """Measure the rendered page: the same HTML with a measuring script allowed by a nonce."""
    assert CSP in page_html
    script = PROBE.replace("__WIDTH__", str(width))
    probed = page_html.replace(CSP, CSP + "; script-src 'nonce-probe'").replace("</body>", script + "</body>")
    path = tmp_path / f"probe-{width}.html"
    path.write_text(probed, "utf-8")
    dom, console = chromium(tmp_path, path, "--dump-dom", width=max(width, 500), height=900)
    assert console == []
    m = re.search(r'<pre id="probe">(.*?)</pre>', dom, re.S)
    assert m, dom[-500:]
    return json.loads(html.unescape(m.group(1)))


def test_the_console_check_catches_errors(tmp_path):
    page = tmp_path / "broken.html"
    page.write_text('<!DOCTYPE html><html><body><img src="missing.png"><script>nosuchfunction()</script></body></html>')
    _, console = chromium(tmp_path, page, "--dump-dom")
    assert any("nosuchfunction" in line for line in console)


@pytest.fixture(scope="module")
def hostile_page(tmp_path_factory) -> tuple[Path, str]:
    text = render_html(make_sample_report(hostile=True))
    path = tmp_path_factory.mktemp("report") / "example.com-2026-11-24.html"
    path.write_text(text, "utf-8")
    return path, text


def test_loads_without_console_errors_and_draws_the_charts(tmp_path, hostile_page):
    path, _ = hostile_page
    shot = tmp_path / "phone.png"
    _, console = chromium(tmp_path, path, f"--screenshot={shot}", width=390, height=1600)
    assert console == []  # no error, no blocked load, no script: the page is static
    width, height, rows = read_png(shot)
    assert (width, height) == (390, 1600)
    assert count_color(rows, TREND_BLUE) > 300  # the trend line and area, the sparklines
    assert count_color(rows, BLIND_ORANGE, tolerance=60) >= 16  # the blind day's marker
    assert len({row for row in rows}) > 200  # not a blank page


@pytest.mark.parametrize("width", [390, 1280])
def test_layout_fits_the_screen_and_every_chart_has_ink(tmp_path, hostile_page, width):
    _, text = hostile_page
    m = probe(tmp_path, text, width)
    assert m["trendLength"] > 200 and m["trendBox"][0] > 100 and m["trendBox"][1] > 5
    assert m["trendRendered"] >= min(300, width - 60)
    assert m["sparks"] > 20 and m["sparksDrawn"] == m["sparks"]
    assert m["overflowing"] == [], f"wider than {width} px: the page would scroll sideways"
    assert m["bodyFont"] >= 14
    assert (m["scripts"], m["images"], m["handlers"]) == (1, 0, 0)  # only the probe itself runs
