"""Partner sites for the sandbox: one link-exchange partner per status, in the encodings and markup
real Chinese sites use.

For the demo: `merge_into(scenario)` adds the `DEMO_KEYS` partners to every day of a scenario dict
and `partners_toml()` is the matching seowatch.toml snippet (day 1 shows a nofollowed partner, day
2 a partner that removed our link, lost at once, and one answering 503, pending).

`partner_sites(day)` is the "sites" section of a scenario day (virtual hosts, served when the
sandbox is used as an HTTP proxy); `partner_specs()` the matching `[[sites.partners]]` entries of
our demo site; `EXPECTED` the statuses a check must find on each day. Days 1-3 differ only for the
partners that change: `missing` drops our link on day 2 (lost at once), `flaky` answers 503 on
days 2 and 3 (pending, then lost after the 2nd failure), `blip` answers 503 on day 2 only.
The host `www.unreachable-partner.cn` is never listed: the sandbox closes the connection.
"""

from __future__ import annotations

import html
import json
from copy import deepcopy
from dataclasses import dataclass
from typing import Any

OUR_SITE = "www.yingxiao-demo.cn"
OUR_HOME = f"http://{OUR_SITE}/"
OUR_PAGE = f"http://{OUR_SITE}/youqing.html"  # our 友情链接 page, linking back to partners
ANCHOR = "整合营销"


@dataclass(frozen=True)
class SandboxPartner:
    key: str
    host: str
    path: str
    anchor: str | None = ANCHOR
    target: str | None = OUR_HOME
    our_page: str | None = None
    note: str = ""

    @property
    def url(self) -> str:
        return f"http://{self.host}{self.path}"

    def spec(self) -> dict[str, Any]:
        out: dict[str, Any] = {"page": self.url}
        for name in ("target", "anchor", "our_page"):
            if getattr(self, name):
                out[name] = getattr(self, name)
        if self.note:
            out["note"] = self.note
        return out


PARTNERS = (
    SandboxPartner("gbk", "www.hangye-zixun.cn", "/links.html", our_page=OUR_PAGE, note="GBK, charset in <meta> only"),
    SandboxPartner("big5", "www.tw-xingxiao.com.tw", "/friends.html", note="Big5, traditional anchor 整合營銷"),
    SandboxPartner("basehref", "www.base-partner.cn", "/sub/page.html", anchor="SEO优化", note="<base href>, full-width anchor"),
    SandboxPartner("redirect", "www.old-partner.cn", "/links.html", note="301 then 302 to the new domain"),
    SandboxPartner("big", "www.big-portal.cn", "/daohang.html", note="a 2.3 MB link directory"),
    SandboxPartner("malformed", "www.luanma-site.cn", "/", note="home page, broken markup, UTF-8 BOM"),
    SandboxPartner("nofollow", "www.nofollow-partner.cn", "/links.html", our_page=OUR_PAGE),
    SandboxPartner("meta_nofollow", "www.meta-nofollow.cn", "/links.html", note='<meta name="robots" content="index,nofollow">'),
    SandboxPartner("css", "www.hidden-css.cn", "/links.html"),
    SandboxPartner("comment", "www.comment-partner.cn", "/links.html"),
    SandboxPartner("noscript", "www.noscript-partner.cn", "/links.html"),
    SandboxPartner("noindex", "www.noindex-partner.cn", "/links.html"),
    SandboxPartner("xrobots", "www.xrobots-partner.cn", "/links.html"),
    SandboxPartner("robots", "www.robots-partner.cn", "/links/friends.html"),
    SandboxPartner("canonical", "www.canonical-partner.cn", "/links.html"),
    SandboxPartner("anchor", "www.anchor-partner.cn", "/links.html", our_page=OUR_PAGE),
    SandboxPartner("target", "www.target-partner.cn", "/links.html"),
    SandboxPartner("http_error", "www.gone-partner.cn", "/links.html"),
    SandboxPartner("unreachable", "www.unreachable-partner.cn", "/links.html"),
    SandboxPartner("missing", "www.missing-partner.cn", "/links.html", note="removes our link on day 2"),
    SandboxPartner("flaky", "www.flaky-partner.cn", "/links.html", note="503 on days 2 and 3"),
    SandboxPartner("blip", "www.blip-partner.cn", "/links.html", anchor=None, target=None, note="503 on day 2 only"),
)
BY_KEY = {p.key: p for p in PARTNERS}

# The statuses a check finds, by partner and day (a day not listed: as day 1).
EXPECTED: dict[str, dict[int, tuple[str, ...]]] = {
    **{k: {1: ("ok",)} for k in ("gbk", "big5", "basehref", "redirect", "big", "malformed")},
    "nofollow": {1: ("nofollow",)},
    "meta_nofollow": {1: ("nofollow",)},
    "css": {1: ("hidden",)},
    "comment": {1: ("hidden",)},
    "noscript": {1: ("hidden",)},
    "noindex": {1: ("noindex",)},
    "xrobots": {1: ("noindex",)},
    "robots": {1: ("robots_blocked",)},
    "canonical": {1: ("canonical_elsewhere",)},
    "anchor": {1: ("anchor_changed",)},
    "target": {1: ("wrong_target",)},
    "http_error": {1: ("http_error",)},
    "unreachable": {1: ("unreachable",)},
    "missing": {1: ("ok",), 2: ("link_missing",)},
    "flaky": {1: ("ok",), 2: ("http_error",), 3: ("http_error",)},
    "blip": {1: ("ok",), 2: ("http_error",), 3: ("ok",)},
}


def expected(key: str, day: int) -> tuple[str, ...]:
    days = EXPECTED[key]
    return days[max(d for d in days if d <= day)]


def partner_specs(keys: tuple[str, ...] | None = None) -> list[dict[str, Any]]:
    """The `partners` entries of our site's config for these sandbox partners (default: all)."""
    return [p.spec() for p in PARTNERS if keys is None or p.key in keys]


# --- markup ---------------------------------------------------------------------------------------

_OTHERS = (
    ("http://www.hao123.com/", "hao123"), ("http://www.chinaz.com/", "Chinaz"),
    ("http://www.admin5.com/", "Admin5"), ("http://www.cnblogs.com/", "cnblogs"),
)


def _a(href: str, text: str, attrs: str = "") -> str:
    return f'<a href="{html.escape(href)}"{attrs}>{html.escape(text)}</a>'


_WORDS = {  # simplified, and traditional for the Big5 page (Big5 has no simplified characters)
    "zh-CN": ("首页", "行业资讯", "关于我们", "欢迎访问", "，我们提供行业资讯与营销知识分享。", "友情链接", "版权所有"),
    "zh-TW": ("首頁", "產業資訊", "關於我們", "歡迎光臨", "，我們分享行銷知識與產業資訊。", "友好連結", "版權所有"),
}


def _page(title: str, friend_links: str, *, charset: str | None = "utf-8", head: str = "", lang: str = "zh-CN") -> str:
    meta = f'<meta http-equiv="Content-Type" content="text/html; charset={charset}">' if charset else ""
    others = "\n".join(f"  <li>{_a(u, t, ' target=_blank')}</li>" for u, t in _OTHERS)
    home, news, about, welcome, blurb, flink, rights = _WORDS[lang]
    return f"""<!DOCTYPE html>
<html lang="{lang}"><head>{meta}
<title>{html.escape(title)}</title>{head}
</head><body>
<div class="nav"><a href="/">{home}</a> | <a href="/news/">{news}</a> | <a href="about.html">{about}</a></div>
<div class="content"><p>{welcome}{html.escape(title)}{blurb}</p></div>
<div class="flink"><h3>{flink}</h3><ul>
{others}
{friend_links}
</ul></div>
<div class="footer">Copyright (C) 2026 {html.escape(title)} {rights}</div>
</body></html>
"""


def _ours(text: str = ANCHOR, attrs: str = "", href: str = OUR_HOME) -> str:
    return f"  <li>{_a(href, text, attrs)}</li>"


def _html(body: str, *, encoding: str = "utf-8", status: int = 200, headers: dict[str, str] | None = None) -> dict[str, Any]:
    page: dict[str, Any] = {"status": status, "body": body, "encoding": encoding}
    if headers:
        page["headers"] = headers
    return page


def _big_directory() -> str:
    """A 网址导航 page of 2.4 MB: thousands of outbound links (a link-farm signal), ours near the end."""
    rows = []
    for i in range(8000):
        rows.append(f'<li><a href="http://site{i}.example-daohang.cn/">导航站点{i}</a><span>第{i}号收录网站，'
                    f'提供各类生活服务信息与行业资讯，欢迎收藏本站</span></li>')
    script = "<script>var stats = [" + ",".join(str(i * 7 % 1000) for i in range(200000)) + "];</script>"
    links = "\n".join(rows) + "\n" + _ours()
    return _page("大型网址导航", links, head=script)


def _malformed() -> str:
    return ("\ufeff<html><head><title>乱码站点首页</title><body>\n<div class=nav><a href=/ >首页<a href=/news/>新闻</a>\n"
            "<table><tr><td><font color=red>友情链接：</font><td>\n"
            "<a href=http://www.chinaz.com/ target=_blank target=_self>站长之家\n"
            f'<a href={OUR_HOME} target=_blank <b>{ANCHOR}</b></a>\n'
            "<p>未闭合的段落<div>混乱的嵌套</p></div>\n</table></body>")


def partner_sites(day: int = 1, keys: tuple[str, ...] | None = None) -> dict[str, dict[str, Any]]:
    """The virtual hosts of the partner sites on `day` (1, 2, 3 ...), for a scenario day's "sites"."""
    ok_day = {"missing": day < 2, "flaky": day < 2, "blip": day != 2}
    robots_default = "User-agent: *\nDisallow: /admin/\n"
    sites: dict[str, dict[str, Any]] = {
        "www.hangye-zixun.cn": {
            "/links.html": _html(_page("行业资讯网", _ours(), charset="gbk"), encoding="gbk",
                                 headers={"Content-Type": "text/html"}),
            "/robots.txt": robots_default,
        },
        "www.tw-xingxiao.com.tw": {
            "/friends.html": _html(_page("台灣行銷部落格", _ours("整合營銷"), charset="big5", lang="zh-TW"), encoding="big5",
                                   headers={"Content-Type": "text/html"}),
        },
        "www.base-partner.cn": {
            "/sub/page.html": _html(_page("基础资讯", _ours("ＳＥＯ优化") + "\n  <!-- <li>"
                                          + _a(OUR_HOME, "旧链接") + "</li> -->\n  <li>" + _a("partner.html", "合作伙伴") + "</li>",
                                          head='<base href="http://www.base-partner.cn/sub/">')),
        },
        "www.old-partner.cn": {
            "/links.html": {"status": 301, "headers": {"Location": "http://www.new-partner.cn/links.html"}, "body": ""},
        },
        "www.new-partner.cn": {
            "/links.html": {"status": 302, "headers": {"Location": "/youqing/"}, "body": ""},
            "/youqing/": _html(_page("新伙伴网", _ours())),
        },
        "www.big-portal.cn": {"/daohang.html": _html(_big_directory())},
        "www.luanma-site.cn": {"/": _html(_malformed(), headers={"Content-Type": "text/html"})},
        "www.nofollow-partner.cn": {"/links.html": _html(_page("无跟随网", _ours(attrs=' rel="nofollow"')))},
        "www.meta-nofollow.cn": {
            "/links.html": _html(_page("元标签网", _ours(), head='\n<meta name="robots" content="index,nofollow">')),
        },
        "www.hidden-css.cn": {
            "/links.html": _html(_page("隐藏样式网", '  <li style="display: none">' + _a(OUR_HOME, ANCHOR) + "</li>")),
        },
        "www.comment-partner.cn": {
            "/links.html": _html(_page("注释网", "  <!-- 暂时下线\n" + _ours() + "\n  -->")),
        },
        "www.noscript-partner.cn": {
            "/links.html": _html(_page("脚本网", "  <noscript>" + _ours() + "</noscript>")),
        },
        "www.noindex-partner.cn": {
            "/links.html": _html(_page("不索引网", _ours(), head='\n<meta name="Baiduspider" content="noindex,follow">')),
        },
        "www.xrobots-partner.cn": {
            "/links.html": _html(_page("标头网", _ours()), headers={"X-Robots-Tag": "googlebot: noindex"}),
        },
        "www.robots-partner.cn": {
            "/links/friends.html": _html(_page("机器人协议网", _ours())),
            "/robots.txt": "# 友情链接页不给百度抓取\nUser-agent: Baiduspider\nDisallow: /links/\n\nUser-agent: *\nAllow: /\n",
        },
        "www.canonical-partner.cn": {
            "/links.html": _html(_page("规范网址网", _ours(), head='\n<link rel="canonical" href="http://www.canonical-partner.cn/">')),
        },
        "www.anchor-partner.cn": {"/links.html": _html(_page("锚文本网", _ours("营销公司")))},
        "www.target-partner.cn": {
            "/links.html": _html(_page("目标网", _ours(href=f"http://{OUR_SITE}/old-page.html"))),
        },
        "www.gone-partner.cn": {"/links.html": _html("<html><body><h1>404 Not Found</h1></body></html>", status=404)},
        "www.missing-partner.cn": {"/links.html": _html(_page("消失网", _ours() if ok_day["missing"] else ""))},
        "www.flaky-partner.cn": {
            "/links.html": _html(_page("不稳定网", _ours())) if ok_day["flaky"]
            else _html("<html><body>503 Service Unavailable</body></html>", status=503),
        },
        "www.blip-partner.cn": {
            "/links.html": _html(_page("偶尔故障网", _ours("营销公司"))) if ok_day["blip"]
            else _html("<html><body>502 Bad Gateway</body></html>", status=503),
        },
        OUR_SITE: {
            "/youqing.html": _html(_page("营销演示站 友情链接", "\n".join(
                f"  <li>{_a(BY_KEY[k].url, BY_KEY[k].host)}</li>" for k in ("gbk", "nofollow")))),
        },
    }
    if keys is None:
        return sites
    wanted = {BY_KEY[k].host for k in keys} | {OUR_SITE}
    if "redirect" in keys:
        wanted.add("www.new-partner.cn")
    return {h: pages for h, pages in sites.items() if h in wanted}


def partner_scenario(days: tuple[int, ...] = (1, 2, 3), keys: tuple[str, ...] | None = None) -> dict[str, Any]:
    """A whole scenario serving only the partner sites, day by day."""
    return {"days": {str(d): {"sites": partner_sites(d, keys)} for d in days}}


# The demo's partners: a few ok ones (GBK, Big5, a redirect chain), a nofollowed one, one hiding our
# link in a comment, one that changed the anchor, one that drops our link on day 2, one answering 503.
DEMO_KEYS = ("gbk", "big5", "redirect", "nofollow", "comment", "anchor", "missing", "flaky")


def merge_into(scenario: dict[str, Any], keys: tuple[str, ...] = DEMO_KEYS) -> dict[str, Any]:
    """A copy of a scenario dict with these partners' sites (and our 友情链接 page) in every day's
    "sites"; pages already listed for a path are replaced."""
    out = deepcopy(scenario)
    for number, day in out.get("days", {}).items():
        sites = day.setdefault("sites", {})
        for host, pages in partner_sites(int(number), keys).items():
            sites.setdefault(host, {}).update(deepcopy(pages))
    return out


def partners_toml(keys: tuple[str, ...] = DEMO_KEYS) -> str:
    """The `[[sites.partners]]` tables for these partners, to append under our site's `[[sites]]`."""
    lines = []
    for spec in partner_specs(keys):
        lines.append("[[sites.partners]]")
        lines.extend(f"{k} = {json.dumps(v, ensure_ascii=False)}" for k, v in spec.items())
    return "\n".join(lines) + "\n"
