"""The phone header: at 390 px (and 320 px) in English and in Chinese every
menu link is on screen, inside the window and not under the language switch,
the account or another link, and the menu does not scroll within itself
(个人中心 used to hide behind the language switch)."""
import pytest

from tests.support.browser import chromium_context, log_in

# Every box in the header, and for each menu link whether the point at its
# centre is the link itself (nothing drawn over it).
MEASURE = """() => {
  const box = (el) => { const r = el.getBoundingClientRect(); return {x: r.left, y: r.top, w: r.width, h: r.height}; };
  const visible = (el) => { const r = el.getBoundingClientRect(); return r.width > 0 && r.height > 0; };
  const nav = document.querySelector('.site-header nav');
  const links = [...nav.querySelectorAll('a')].map((a) => {
    const b = box(a);
    const hit = document.elementFromPoint(b.x + b.w / 2, b.y + b.h / 2);
    return {text: a.textContent.trim(), box: b, on_top: !!hit && (hit === a || a.contains(hit))};
  });
  const around = '.site-header .lang-switch button, .site-header .account > *, .site-header .brand';
  const others = [...document.querySelectorAll(around)].filter(visible)
    .map((el) => ({text: el.textContent.trim(), box: box(el)}));
  return {links, others, inner: window.innerWidth, scroll: document.documentElement.scrollWidth,
          nav_scroll: nav.scrollWidth, nav_client: nav.clientWidth};
}"""


def _overlap(a, b):
    return a["x"] < b["x"] + b["w"] and b["x"] < a["x"] + a["w"] and a["y"] < b["y"] + b["h"] and b["y"] < a["y"] + a["h"]


def header_problems(page):
    m = page.evaluate(MEASURE)
    problems = []
    if m["nav_scroll"] > m["nav_client"]:
        problems.append(f"the menu scrolls within itself ({m['nav_scroll']} > {m['nav_client']} px)")
    if m["scroll"] > m["inner"]:
        problems.append(f"the page scrolls sideways ({m['scroll']} > {m['inner']} px)")
    for i, link in enumerate(m["links"]):
        b = link["box"]
        if b["w"] <= 0 or b["x"] < 0 or b["y"] < 0 or b["x"] + b["w"] > m["inner"]:
            problems.append(f"{link['text']} is not inside the window: {b}")
        if not link["on_top"]:
            problems.append(f"{link['text']} is covered by something else")
        for other in m["others"] + m["links"][i + 1:]:
            if _overlap(b, other["box"]):
                problems.append(f"{link['text']} overlaps {other['text']}")
    return [link["text"] for link in m["links"]], problems


def _choose(page, language):
    """Switch with the header's own switcher (it shows the languages one can switch to)."""
    button = page.locator(f".lang-switch button[value={language}]")
    if button.is_visible():
        button.click()
        page.wait_for_load_state("load")
    assert page.locator("html").get_attribute("lang") == {"zh_CN": "zh-CN", "en": "en"}[language]


@pytest.mark.parametrize("width", [390, 320])
@pytest.mark.parametrize("language", ["zh_CN", "en"])
def test_every_menu_link_is_visible_and_clear_of_the_language_switch(demo_server, width, language):
    expected = {"zh_CN": ["首页", "社区", "排行榜", "商城", "充值", "个人中心", "明细", "管理后台"],
                "en": ["Home", "Community", "Leaderboard", "Store", "Recharge", "Profile", "History", "Admin"]}[language]
    with chromium_context() as context:
        page = context.new_page()
        page.set_viewport_size({"width": width, "height": 800})
        page.goto(demo_server + "/")
        _choose(page, language)
        shown, problems = header_problems(page)  # a visitor's header
        assert not problems, problems
        page.goto(demo_server + "/login")
        log_in(page, "carol", "carol-demo-pass")  # a moderator: the longest menu
        page.wait_for_url(demo_server + "/profile")
        _choose(page, language)
        for path in ("/profile", "/store", "/community/"):
            page.goto(demo_server + path)
            shown, problems = header_problems(page)
            assert shown == expected and not problems, (path, shown, problems)
