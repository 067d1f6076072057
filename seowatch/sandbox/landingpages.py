"""Landing pages for the demo: our page for each demo keyword and the competitors' pages ranking beside it.

`landing_sites(day)` is a "sites" section (virtual hosts served in proxy mode) to merge into the demo
scenario's day; `landing_results(day)` places third-party pages at free top positions of the demo
keywords so that the audit's top-three competitors are pages the sandbox serves; `merge_into(scenario)`
does both on a scenario dict (pages already listed for a path are replaced, pinned results are kept).

Our pages carry the findings the demo shows, and day 2 changes some of them so that `seowatch audit`
explains the ranking changes of the demo:

    整合营销        /zhenghe-yingxiao/      day 2: title rewritten without the keyword (3 -> 12 on Baidu)
    网络营销公司    /wangluo-yingxiao/      no meta description; day 2: 404 (falls out of Baidu's top 50)
    SEO优化         /seo-youhua/            a stuffed title far over 30 characters
    百度推广代运营  /baidu-tuiguang/        thin content
    品牌营销策划    /pinpai-cehua/          day 2: noindex (another page of ours ranks instead)
    营销型网站建设  /yingxiaoxing-wangzhan/ canonical pointing to the home page
    整合營銷方案    /zhenghe-fangan.html    GBK bytes, traditional title
    短视频营销      /duanshipin-yingxiao/   no H1, images without alt text
"""

from __future__ import annotations

import html
import json
from copy import deepcopy
from typing import Any
from urllib.parse import urlsplit

from seowatch.crawlers.matching import canonical_url

OUR_HOST = "www.yingxiao-demo.cn"
RIVAL_HOST = "www.rival-yingxiao.cn"
HAO_HOST = "www.haoyingxiao.com.cn"
BAIKE_HOST = "www.yingxiao-baike.cn"
WENDA_HOST = "www.wenda-yingxiao.cn"
ZIXUN_HOST = "news.yingxiao-zixun.cn"
BRAND = "营销demo"

_NAV = ("/", "首页"), ("/zhenghe-yingxiao/", "整合营销"), ("/seo-youhua/", "SEO优化"), ("/pinpai-cehua/", "品牌策划"), \
    ("/baidu-tuiguang/", "百度推广"), ("/duanshipin-yingxiao/", "短视频营销"), ("/news/", "营销资讯")

# Paragraphs a marketing agency's pages are made of; each page takes the ones of its topic.
_TEXT = {
    "整合营销": (
        "整合营销是把品牌传播、搜索引擎优化、内容营销、社交媒体与线下活动放在同一个目标之下统一规划的营销方式。"
        "我们从市场调研与竞品分析开始，明确目标人群与核心卖点，再制定渠道组合与内容日历。",
        "一份完整的整合营销方案包括品牌定位与传播主张、官网与落地页优化、百度与必应的关键词布局、信息流与搜索广告投放、"
        "短视频与直播内容规划、公关稿件与口碑管理，以及贯穿始终的数据监测与效果评估。",
        "每个环节都设定可衡量的指标，例如自然搜索流量、咨询量、留资成本与成交周期，避免各个渠道各自为战、预算重复投入。"
        "项目实行周报与月度复盘制度，客户可以随时查看排名变化、流量来源与线索明细。",
    ),
    "网络营销": (
        "作为一家专注效果的网络营销公司，我们为制造、教育、医疗与快消行业的企业提供全网营销推广外包服务，"
        "覆盖搜索引擎优化、竞价托管、信息流广告、社群运营与内容营销。",
        "选择网络营销公司时，建议重点考察团队经验、同行业案例、数据分析能力与服务流程是否透明。"
        "我们为每个客户配备项目经理、优化师与内容编辑，所有投放数据实时可查。",
        "合作流程分为需求沟通、诊断报告、方案制定、执行落地与效果复盘五个阶段，通常在三个月内看到自然流量与询盘的稳定增长。",
    ),
    "seo": (
        "SEO优化是通过改善网站结构、页面内容与外部链接，让网站在百度、必应等搜索引擎的自然结果中获得更好排名的方法。"
        "我们的SEO服务从技术诊断开始，检查抓取、索引、页面速度与移动端适配。",
        "关键词排名优化不是堆砌关键词：标题与描述要写给用户看，正文要真正回答用户的问题，内链要帮助搜索引擎理解页面之间的关系。",
        "我们每周监测核心关键词在百度、必应、搜狗与360的排名，出现下降时第一时间分析原因：是页面改动、竞争对手发力还是算法更新。",
    ),
    "推广": (
        "百度推广代运营包括账户搭建、关键词拓展、创意撰写、出价策略与落地页优化，目标是以更低的线索成本获得更多有效咨询。",
        "我们按天检查搜索词报告，否定无效流量，并根据时段、地域与设备调整出价。每月提供完整的投放分析报告。",
    ),
    "品牌": (
        "品牌营销策划帮助企业回答三个问题：我们是谁、为谁服务、为什么值得选择。我们从品牌定位、视觉识别到传播策略提供一站式服务。",
        "品牌策划不是一次性的设计项目，而是持续的沟通：官网、社交媒体、短视频与线下活动都应该讲同一个故事。",
        "我们为客户制定年度传播日历，结合行业节点与热点话题策划内容，并用搜索指数与社交声量评估品牌影响力的变化。",
    ),
    "网站": (
        "营销型网站建设以转化为目标：清晰的价值主张、可信的案例与资质、便捷的咨询入口，以及针对搜索引擎优化的页面结构。",
        "我们的建站流程包括需求调研、信息架构、视觉设计、前端开发、内容填充与上线后的数据跟踪，支持PC端与移动端自适应。",
        "网站上线后，我们继续提供关键词布局、内容更新与转化率优化服务，让网站成为持续获客的营销工具。",
    ),
    "短视频": (
        "短视频营销已经成为品牌触达年轻用户的主要渠道。我们提供抖音、快手与视频号的账号定位、内容策划、拍摄剪辑与直播运营。",
        "好的短视频内容要在三秒内抓住注意力，用真实的场景讲清楚产品价值，并引导用户关注、留言或进入直播间。",
        "我们按周分析播放量、完播率、互动率与转化数据，持续优化选题与投放策略。",
    ),
}


# What every agency page ends with: the process and the questions clients ask.
_COMMON = (
    "服务流程：需求沟通、免费诊断、方案制定、签约执行、周报复盘。我们承诺数据透明，所有排名、流量与线索数据客户都可以随时查看，"
    "合作期间如果核心指标连续两个月没有改善，我们会免费调整方案直到见效。",
    "常见问题：多久能看到效果？一般一到三个月可以看到自然流量与咨询量的变化；需要客户配合什么？提供产品资料、成功案例与行业资质，"
    "并指定一位对接人参与每周的沟通会议；费用怎么计算？按服务内容与周期报价，没有隐藏收费。",
)


def _esc(text: str) -> str:
    return html.escape(text, quote=True)


def _page(
    title: str,
    body_parts: list[str],
    *,
    description: str | None = None,
    h1: str | None = None,
    h2: tuple[str, ...] = (),
    canonical: str | None = None,
    robots: str | None = None,
    jsonld: dict[str, Any] | None = None,
    images: tuple[tuple[str, str | None], ...] = (),
    charset: str = "utf-8",
    site_name: str = BRAND,
    nav: tuple[tuple[str, str], ...] = _NAV,
    links_out: tuple[tuple[str, str], ...] = (),
) -> str:
    head = [f'<meta charset="{charset}">', f"<title>{_esc(title)}</title>"]
    if description:
        head.append(f'<meta name="description" content="{_esc(description)}">')
    if robots:
        head.append(f'<meta name="robots" content="{_esc(robots)}">')
    if canonical:
        head.append(f'<link rel="canonical" href="{_esc(canonical)}">')
    if jsonld:
        head.append(f'<script type="application/ld+json">{json.dumps(jsonld, ensure_ascii=False)}</script>')
    nav_html = "".join(f'<li><a href="{href}">{_esc(text)}</a></li>' for href, text in nav)
    main = [f"<h1>{_esc(h1)}</h1>"] if h1 else []
    sections = list(h2) + [None] * max(0, len(body_parts) - len(h2))
    for heading, para in zip(sections, body_parts):
        if heading:
            main.append(f"<h2>{_esc(heading)}</h2>")
        main.append(f"<p>{_esc(para)}</p>")
    for src, alt in images:
        main.append(f'<img src="{src}"' + (f' alt="{_esc(alt)}"' if alt is not None else "") + ">")
    if links_out:
        main.append("<p>延伸阅读：" + "、".join(f'<a href="{h}">{_esc(t)}</a>' for h, t in links_out) + "</p>")
    return (
        f'<!DOCTYPE html><html lang="zh-CN"><head>{"".join(head)}</head><body>'
        f'<header><a href="/">{_esc(site_name)}</a><ul class="nav">{nav_html}</ul></header>'
        f'<main>{"".join(main)}</main>'
        f'<footer>版权所有 {_esc(site_name)} · <a href="/about/">关于我们</a> · <a href="/contact/">联系我们</a>'
        f"<script>var _hmt=_hmt||[];</script></footer></body></html>"
    )


def _entry(text: str, *, encoding: str = "utf-8", status: int = 200, headers: dict[str, str] | None = None) -> dict[str, Any]:
    out: dict[str, Any] = {"body": text}
    if encoding != "utf-8":
        out["encoding"] = encoding
    if status != 200:
        out["status"] = status
    if headers:
        out["headers"] = headers
    return out


def _service(name: str) -> dict[str, Any]:
    return {"@context": "https://schema.org", "@type": "Service", "name": name,
            "provider": {"@type": "Organization", "name": BRAND, "url": f"http://{OUR_HOST}/"}}


def _our_pages(day: int) -> dict[str, dict[str, Any]]:
    u = f"http://{OUR_HOST}"
    zhenghe_title = "整合营销服务_整合营销方案策划与执行_营销demo" if day == 1 else "营销demo_专业团队_服务流程与合作案例"
    pages = {
        "/zhenghe-yingxiao/": _entry(_page(
            zhenghe_title, [*_TEXT["整合营销"], *_COMMON], h1="整合营销服务",
            description="营销demo提供整合营销服务：从市场调研、品牌定位到搜索引擎优化、信息流与短视频运营，一套方案打通全渠道增长。",
            h2=("什么是整合营销", "整合营销方案包括什么", "如何衡量整合营销效果"), canonical=f"{u}/zhenghe-yingxiao/",
            jsonld=_service("整合营销服务"), images=(("/img/zhenghe-team.jpg", "整合营销团队"),),
            links_out=(("https://baike.baidu.com/item/整合营销", "整合营销 百度百科"),))),
        "/seo-youhua/": _entry(_page(
            "SEO优化_网站SEO优化排名服务_关键词排名优化_百度SEO优化公司_SEO优化多少钱_营销demo官网",
            [*_TEXT["seo"], *_COMMON], h1="SEO优化服务", description="营销demo提供网站SEO优化与关键词排名优化服务，技术诊断、内容优化与外链建设，按效果付费。",
            h2=("SEO优化做什么", "关键词排名优化的原则"), canonical=f"{u}/seo-youhua/", jsonld=_service("SEO优化"))),
        "/baidu-tuiguang/": _entry(_page(
            "百度推广代运营_竞价托管服务_营销demo", ["百度推广代运营，竞价托管，按效果付费。欢迎来电咨询。"],
            h1="百度推广代运营", description="营销demo百度推广代运营：账户搭建、关键词拓展、创意撰写与出价优化。",
            canonical=f"{u}/baidu-tuiguang/")),
        "/pinpai-cehua/": _entry(_page(
            "品牌营销策划_品牌策划公司_营销demo", [*_TEXT["品牌"], *_COMMON], h1="品牌营销策划",
            description="营销demo品牌营销策划：品牌定位、视觉识别、传播策略与年度内容日历。",
            h2=("品牌策划解决什么问题", "品牌传播的节奏"), canonical=f"{u}/pinpai-cehua/",
            robots="noindex, follow" if day >= 2 else None, jsonld=_service("品牌营销策划"))),
        "/news/2024/pinpai-anli.html": _entry(_page(
            "2024品牌营销策划案例精选_营销demo资讯", [*_TEXT["品牌"][1:], *_COMMON] + [_TEXT["整合营销"][2]],
            h1="2024品牌营销策划案例精选", description="精选2024年品牌营销策划案例：定位、传播与效果复盘。",
            canonical=f"{u}/news/2024/pinpai-anli.html",
            jsonld={"@context": "https://schema.org", "@type": "NewsArticle", "headline": "2024品牌营销策划案例精选"})),
        "/yingxiaoxing-wangzhan/": _entry(_page(
            "营销型网站建设_高转化网站定制_营销demo", [*_TEXT["网站"], *_COMMON], h1="营销型网站建设",
            description="营销型网站建设：以转化为目标的网站策划、设计与开发，支持PC与移动端自适应。",
            h2=("营销型网站的特点", "建站流程"), canonical=f"{u}/")),
        "/zhenghe-fangan.html": _entry(_page(
            "整合營銷方案_整合营销方案范文与模板_营销demo", [*_TEXT["整合营销"][1:], *_COMMON], h1="整合營銷方案",
            description="整合營銷方案怎么写？营销demo提供整合营销方案范文、模板与执行要点。", charset="gbk",
            canonical=f"{u}/zhenghe-fangan.html"), encoding="gbk"),
        "/duanshipin-yingxiao/": _entry(_page(
            "短视频营销_抖音快手代运营_营销demo", [*_TEXT["短视频"], *_COMMON], h1=None,
            description="营销demo短视频营销：抖音、快手与视频号的账号定位、内容策划、拍摄剪辑与直播运营。",
            canonical=f"{u}/duanshipin-yingxiao/",
            images=(("/img/douyin-case1.jpg", None), ("/img/douyin-case2.jpg", ""), ("/img/team.jpg", "短视频团队")))),
    }
    if day >= 2:
        pages["/wangluo-yingxiao/"] = _entry(
            "<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>页面不存在_营销demo</title></head>"
            "<body><h1>404</h1><p>您访问的页面不存在。</p></body></html>", status=404)
    else:
        pages["/wangluo-yingxiao/"] = _entry(_page(
            "网络营销公司_全网营销推广外包_营销demo", [*_TEXT["网络营销"], *_COMMON], h1="网络营销公司",
            h2=("如何选择网络营销公司", "合作流程"), canonical=f"{u}/wangluo-yingxiao/"))
    return pages


def _rival_pages() -> dict[str, dict[str, Any]]:
    u = f"http://{RIVAL_HOST}"
    nav = (("/", "首页"), ("/zhenghe/", "整合营销"), ("/tuoguan/", "竞价托管"), ("/duanshipin/", "短视频"), ("/anli/", "案例"))
    org = {"@context": "https://schema.org", "@type": "Organization", "name": "对手营销", "url": f"{u}/"}

    def page(title: str, topic: str, h1: str, desc: str, canonical: str, extra: tuple[str, ...] = ()) -> dict[str, Any]:
        return _entry(_page(title, [*_TEXT[topic], *_COMMON] + list(extra), h1=h1, description=desc, canonical=canonical,
                            h2=(f"{h1}服务内容", "为什么选择对手营销"), jsonld=org, site_name="对手营销", nav=nav,
                            images=(("/img/case.jpg", f"{h1}案例"), ("/img/logo.png", "对手营销"))))

    return {
        "/zhenghe/": page("整合营销_整合营销公司_对手营销", "整合营销", "整合营销", "对手营销整合营销服务：全渠道整合营销方案与执行。",
                          f"{u}/zhenghe/", (_TEXT["品牌"][1],)),
        "/": page("对手营销_网络营销公司_全网营销推广", "网络营销", "网络营销公司", "对手营销是一家网络营销公司，提供全网营销推广服务。", f"{u}/"),
        "/tuoguan/": page("百度推广托管_竞价代运营_对手营销", "推广", "百度推广代运营", "对手营销百度推广托管与竞价代运营服务。",
                          f"{u}/tuoguan/", (_TEXT["seo"][2],)),
        "/duanshipin/": page("短视频营销_短视频代运营公司_对手营销", "短视频", "短视频营销", "对手营销短视频营销与代运营服务。", f"{u}/duanshipin/"),
    }


def _hao_pages() -> dict[str, dict[str, Any]]:
    u = f"http://{HAO_HOST}"
    nav = (("/", "好营销"), ("/seo/", "SEO"), ("/pinpai/", "品牌"), ("/zhenghe-yingxiao.html", "整合营销"))

    def page(title: str, topic: str, h1: str, canonical: str) -> dict[str, Any]:
        return _entry(_page(title, [*_TEXT[topic], *_COMMON], h1=h1, h2=(f"{h1}怎么做",), canonical=canonical,
                            description=f"好营销{h1}：{_TEXT[topic][0][:40]}", site_name="好营销", nav=nav,
                            jsonld={"@context": "https://schema.org", "@type": "Article", "headline": title}))

    return {
        "/zhenghe-yingxiao.html": page("整合营销怎么做？整合营销方案全攻略 - 好营销", "整合营销", "整合营销", f"{u}/zhenghe-yingxiao.html"),
        "/seo/": page("SEO优化教程：关键词排名优化方法 - 好营销", "seo", "SEO优化", f"{u}/seo/"),
        "/pinpai/": page("品牌营销策划全流程 - 好营销", "品牌", "品牌营销策划", f"{u}/pinpai/"),
    }


# The demo keywords: the topic of their text and the slug of third-party pages about them.
_KEYWORDS = {
    "整合营销": ("整合营销", "zhenghe-yingxiao"),
    "网络营销公司": ("网络营销", "wangluo-yingxiao-gongsi"),
    "SEO优化": ("seo", "seo-youhua"),
    "百度推广代运营": ("推广", "baidu-tuiguang"),
    "品牌营销策划": ("品牌", "pinpai-cehua"),
    "营销型网站建设": ("网站", "yingxiaoxing-wangzhan"),
    "整合營銷方案": ("整合营销", "zhenghe-fangan"),
    "短视频营销": ("短视频", "duanshipin-yingxiao"),
}
_COMPETITOR_URLS = {
    "整合营销": (f"http://{RIVAL_HOST}/zhenghe/", f"http://{HAO_HOST}/zhenghe-yingxiao.html"),
    "网络营销公司": (f"http://{RIVAL_HOST}/",),
    "SEO优化": (f"http://{HAO_HOST}/seo/",),
    "百度推广代运营": (f"http://{RIVAL_HOST}/tuoguan/",),
    "品牌营销策划": (f"http://{HAO_HOST}/pinpai/",),
    "营销型网站建设": (),
    "整合營銷方案": (f"http://{RIVAL_HOST}/zhenghe/",),
    "短视频营销": (f"http://{RIVAL_HOST}/duanshipin/",),
}


def _third_party(keyword: str, index: int) -> dict[tuple[str, str], tuple[str, dict[str, Any]]]:
    """An encyclopedia entry (long, good), a news article (long title) and a Q&A page (thin, no
    description) about one keyword: {(host, path): (title, page)}."""
    topic, slug = _KEYWORDS[keyword]
    text = _TEXT[topic]
    baike_title = f"{keyword}_营销百科"
    news_title = f"{keyword}行业观察：2024年{keyword}趋势、方法与十大案例深度解读_营销资讯网"
    wenda_title = f"{keyword}哪家好？_营销问答"
    return {
        (BAIKE_HOST, f"/{slug}.html"): (baike_title, _entry(_page(
            baike_title, [*text, _COMMON[1]], h1=keyword, h2=("定义", "方法"), site_name="营销百科",
            description=f"{keyword}的定义、方法与案例。", nav=(("/", "营销百科"),),
            canonical=f"http://{BAIKE_HOST}/{slug}.html",
            jsonld={"@context": "https://schema.org", "@type": "Article", "headline": keyword}))),
        (ZIXUN_HOST, f"/2024/{slug}.html"): (news_title, _entry(_page(
            news_title, [*text[:2], *_COMMON], h1=f"{keyword}行业观察", site_name="营销资讯网",
            description=f"2024年{keyword}趋势与案例。", nav=(("/", "营销资讯网"),),
            images=((f"/img/{slug}.jpg", None),),
            jsonld={"@context": "https://schema.org", "@type": "NewsArticle", "headline": news_title}))),
        (WENDA_HOST, f"/q/{1001 + index}.html"): (wenda_title, _entry(_page(
            wenda_title, [f"{keyword}哪家好？看案例、看团队、看报价，多比较几家。"], h1=f"{keyword}哪家好？",
            site_name="营销问答", nav=(("/", "营销问答"),)))),
    }


def _third_party_pages() -> dict[str, dict[str, dict[str, Any]]]:
    out: dict[str, dict[str, dict[str, Any]]] = {}
    for i, keyword in enumerate(_KEYWORDS):
        for (host, path), (_, page) in _third_party(keyword, i).items():
            out.setdefault(host, {})[path] = page
    return out


def landing_sites(day: int = 1) -> dict[str, dict[str, dict[str, Any]]]:
    """The virtual hosts of one demo day: our landing pages, the two competitors' and three third-party sites."""
    return {
        OUR_HOST: _our_pages(day),
        RIVAL_HOST: _rival_pages(),
        HAO_HOST: _hao_pages(),
        **_third_party_pages(),
    }


TOP = 4  # ranks 1..TOP are filled with served pages where the scenario leaves them free


def landing_results(keyword: str, taken: set[int], present: set[str] = frozenset()) -> list[dict[str, Any]]:
    """Results to pin at the free ranks 1..TOP of a demo keyword: the competitors' pages about it, then
    third-party pages (ranks in `taken` and URLs in `present`, compared http/https-blind, are skipped)."""
    if keyword not in _KEYWORDS:
        return []
    index = list(_KEYWORDS).index(keyword)
    candidates = [(url, None) for url in _COMPETITOR_URLS[keyword]]
    candidates += [(f"http://{host}{path}", title) for (host, path), (title, _) in _third_party(keyword, index).items()]
    seen = {canonical_url(u) for u in present}
    free = [r for r in range(1, TOP + 1) if r not in taken]
    out = []
    for url, title in candidates:
        if not free:
            break
        if canonical_url(url) in seen:
            continue
        seen.add(canonical_url(url))
        out.append({"url": url, "position": free.pop(0), **({"title": title} if title else {})})
    return out


def merge_into(scenario: dict[str, Any]) -> dict[str, Any]:
    """A copy of a scenario dict with the landing pages in every day's "sites" (replacing the same
    paths) and pages this module serves pinned at the free top ranks of the demo keywords on every engine.

    Results on hosts this module serves are switched from https:// to http://: the sandbox serves its
    virtual hosts through a plain HTTP proxy and cannot answer an HTTPS tunnel."""
    out = deepcopy(scenario)
    for key, day in out.get("days", {}).items():
        number = int(key)
        served = landing_sites(number)
        sites = day.setdefault("sites", {})
        for host, pages in served.items():
            sites.setdefault(host, {}).update(deepcopy(pages))
        for keywords in day.get("serps", {}).values():
            for keyword, plan in keywords.items():
                results = plan.setdefault("results", [])
                for i, r in enumerate(results):
                    url = r if isinstance(r, str) else r.get("url", "")
                    if url.startswith("https://") and urlsplit(url).hostname in served:
                        http = "http://" + url[len("https://"):]
                        results[i] = http if isinstance(r, str) else {**r, "url": http}
                present = {r if isinstance(r, str) else r.get("url") for r in results}
                results.extend(landing_results(keyword, _taken_ranks(results), present))
    return out


def _taken_ranks(results: list[Any]) -> set[int]:
    """Ranks the scenario's results occupy (pinned ones, and floating ones at the lowest free ranks)."""
    pinned = {r["position"] for r in results if isinstance(r, dict) and r.get("position") is not None}
    floating = sum(1 for r in results if isinstance(r, str) or r.get("position") is None)
    taken, rank = set(pinned), 1
    for _ in range(floating):
        while rank in taken:
            rank += 1
        taken.add(rank)
    return taken
