"""The demo scenario: www.yingxiao-demo.cn on Baidu and Bing over two days (see scenario.json)."""

from __future__ import annotations

from pathlib import Path

SCENARIO_PATH = Path(__file__).with_name("scenario.json")
SITE_DOMAIN = "yingxiao-demo.cn"
SITE_HOST = "www.yingxiao-demo.cn"
ASSET_URL = "https://baijiahao.baidu.com/s?id=1700000000000000001"
COMPETITORS = ("rival-yingxiao.cn", "www.haoyingxiao.com.cn")
KEYWORDS = ("整合营销", "网络营销公司", "SEO优化", "百度推广代运营", "品牌营销策划", "营销型网站建设", "整合營銷方案", "短视频营销")
ENGINES = ("baidu", "bing")
