"""The audit's HTML report: self-contained, escaped, structured, fast at 2,000 repositories, and,
in a real headless Chromium opened from file://, free of console errors and requests, sortable
with the mouse and the keyboard, filterable, with drill-downs that link the findings.

The browser tests need Debian's ``chromium`` and ``chromium-driver`` (``.ci/run`` installs them)
and skip without them. ``METSTANDARDS_README_SCREENSHOT=1 python -m pytest
tests/audit/test_html.py -k screenshot`` also writes the README's ``docs/images/audit-report.png``.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import re
import shutil
import struct
import time
from collections.abc import Iterator
from html import unescape
from html.parser import HTMLParser
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from metstandards.audit import html as report

from ._documents import (
    COMMIT,
    HOSTILE,
    document,
    large,
    repository,
    sample,
    showcase,
    validate,
)

if TYPE_CHECKING:
    from selenium.webdriver.chrome.webdriver import WebDriver
    from selenium.webdriver.remote.webelement import WebElement

CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
FLAGS = (
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
)
README_SCREENSHOT = Path(__file__).resolve().parents[2] / "docs" / "images" / "audit-report.png"
needs_chromium = pytest.mark.skipif(
    not (CHROMIUM.is_file() and CHROMEDRIVER.is_file()),
    reason=f"needs Debian's chromium and chromium-driver ({CHROMIUM}, {CHROMEDRIVER}); "
    "`.ci/run` installs them",
)
NOWCAST_BLOB = f"https://github.com/metoffice/nowcast-ml/blob/{COMMIT}/"
ICON_BLOB = f"https://gitlab.dkrz.de/dwd/icon-ml/-/blob/{COMMIT}/"


class Page(HTMLParser):
    """A rendered page, parsed as a browser's tokenizer reads it: its elements (tag and
    attributes), its text, and the content of its scripts and its style."""

    def __init__(self, text: str) -> None:
        super().__init__(convert_charrefs=True)
        self.elements: list[tuple[str, dict[str, str]]] = []
        self.text: list[str] = []
        self.scripts: list[tuple[dict[str, str], str]] = []
        self.styles: list[str] = []
        self._raw: str | None = None
        self.feed(text)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.elements.append((tag, {k: v or "" for k, v in attrs}))
        if tag == "script":
            self.scripts.append((self.elements[-1][1], ""))
        elif tag == "style":
            self.styles.append("")
        self._raw = tag if tag in ("script", "style") else None

    def handle_endtag(self, tag: str) -> None:
        self._raw = None

    def handle_data(self, data: str) -> None:
        if self._raw == "script":
            self.scripts[-1] = (self.scripts[-1][0], self.scripts[-1][1] + data)
        elif self._raw == "style":
            self.styles[-1] += data
        else:
            self.text.append(data)

    def all(self, tag: str, **attrs: str) -> list[dict[str, str]]:
        return [
            a for t, a in self.elements if t == tag and all(a.get(k) == v for k, v in attrs.items())
        ]


_DRILL_DOWN = re.compile(
    r'<summary id="(repo-\d+)"><span class="name">([^<]*)</span>.*?'
    r'<script type="application/json" id="\1-data">([^<]*)</script></details>'
)


def drill_down(page: str, name: str) -> dict[str, Any]:
    """The JSON of ``name``'s drill-down."""
    for match in _DRILL_DOWN.finditer(page):
        if unescape(match[2]) == name:
            loaded: dict[str, Any] = json.loads(match[3])
            return loaded
    raise AssertionError(f"no drill-down for {name}")


def section(page: str, start: str, end: str) -> str:
    """The part of ``page`` from ``start`` to the next ``end``."""
    first = page.index(start)
    return page[first : page.index(end, first)]


def test_the_fixture_documents_are_valid_against_the_schema() -> None:
    for built in (sample(), showcase(), large(40), document([])):
        validate(built)


def test_the_page_asks_for_nothing_from_any_host() -> None:
    page = Page(report.render(sample()))
    (style,) = page.styles
    (script,) = [text for attrs, text in page.scripts if not attrs]
    data = [attrs for attrs, _ in page.scripts if attrs]
    assert data
    assert all(a["type"] == "application/json" for a in data), "inert data, never code"
    (policy,) = page.all("meta", **{"http-equiv": "Content-Security-Policy"})
    assert policy["content"] == report.CSP
    assert "default-src 'none'" in report.CSP
    assert f"style-src 'sha256-{_sha256(style)}'" in report.CSP
    assert f"script-src 'sha256-{_sha256(script)}'" in report.CSP
    assert not [a for _, a in page.elements if {"src", "srcset", "action"} & set(a)]
    assert page.all("link") == [{"rel": "icon", "href": "data:,"}]
    assert "url(" not in style
    assert "@import" not in style
    hrefs = [a["href"] for t, a in page.elements if t == "a"]
    assert hrefs
    assert all(h.startswith(("#", "https://")) for h in hrefs), hrefs


def _sha256(text: str) -> str:
    return base64.b64encode(hashlib.sha256(text.encode()).digest()).decode()


def test_hostile_strings_stay_text() -> None:
    rendered = report.render(sample())
    page = Page(rendered)
    tags = {tag for tag, _ in page.elements}
    assert not tags & {"img", "iframe", "object", "embed", "b"}
    assert not [k for _, a in page.elements for k in a if k.startswith("on")]
    assert len([a for a, _ in page.scripts if not a]) == 1
    assert HOSTILE in "".join(page.text)
    assert "javascript:" not in "".join(a.get("href", "") for _, a in page.elements)
    hostile = drill_down(rendered, HOSTILE)
    assert hostile["home"] is None
    assert hostile["blob"] is None
    (failed,) = hostile["checks"]
    assert failed[4] == "</script><script>window.pwned=4</script>"
    assert failed[5] == [["a/<b>&c.py", 1, '"><img src=x onerror=window.pwned=5>']]
    assert failed[6] == "<b onmouseover=window.pwned=6>hint</b>"
    for attrs, data in page.scripts:
        if attrs:
            assert not {"<", ">", "&"} & set(data)


def test_evidence_and_findings_link_to_the_audited_commit_on_github_and_gitlab() -> None:
    rendered = report.render(sample())
    nowcast = drill_down(rendered, "metoffice/nowcast-ml")
    assert nowcast["home"] == "https://github.com/metoffice/nowcast-ml"
    assert nowcast["blob"] == NOWCAST_BLOB
    assert nowcast["commitUrl"] == f"https://github.com/metoffice/nowcast-ml/commit/{COMMIT}"
    icon = drill_down(rendered, "dwd/icon-ml")
    assert icon["home"] == "https://gitlab.dkrz.de/dwd/icon-ml"
    assert icon["blob"] == ICON_BLOB
    assert icon["commitUrl"] == f"https://gitlab.dkrz.de/dwd/icon-ml/-/commit/{COMMIT}"
    local = drill_down(rendered, "local-project")
    assert (local["home"], local["blob"], local["commit"]) == (None, None, None)
    page = Page(rendered)
    assert {"href": "https://github.com/metoffice/nowcast-ml"} in page.all("a")
    assert {"href": "https://gitlab.dkrz.de/dwd/icon-ml"} in page.all("a")


def test_the_drill_down_carries_checks_losses_code_and_change() -> None:
    nowcast = drill_down(report.render(sample()), "metoffice/nowcast-ml")
    assert [c[0] for c in nowcast["checks"]] == ["MS603", "MS606", "MS607"]
    assert [c[3] for c in nowcast["checks"]] == ["Failed", "Failed", "Could not decide"]
    assert nowcast["checks"][0][5] == [
        [".github/workflows/ci.yml", 14, "job lint runs ruff, mypy"],
        ["", None, "job"],
    ]
    assert nowcast["passed"] == [
        "MS601 pre-commit-standard",
        "MS602 ci-runs-standard",
        "MS611 no-committed-credentials",
    ]
    assert nowcast["notApplicable"] == ["MS608 gpu-tested"]
    assert nowcast["lost"][0][:4] == ["Bounded complexity", "8.7", "\N{MINUS SIGN}1.3", "MS501"]
    assert "Releases match their tags" in nowcast["below"]
    code = nowcast["code"]
    assert code["findingsCaption"] == "The first 5 of 57 findings, errors first"
    assert code["findings"][0] == [
        "Error",
        "src/nowcast/io.py",
        88,
        "MS202",
        "torch.load without weights_only=True",
    ]
    assert ["bandit", "Not run", "0", "bandit is not installed"] in code["parts"]
    assert code["counts"][0] == ["MS101", "2"]
    assert nowcast["change"] == (
        "Score 6.2 then, 5.4 now (\N{MINUS SIGN}0.8). Checks newly passing: none. "
        "Checks newly failing: MS606. 7 new findings, 2 fixed."
    )
    broken = drill_down(report.render(sample()), "meteoswiss/archived-tool")
    assert broken["error"].startswith("git clone failed")
    assert broken["code"] is None


def test_the_page_has_landmarks_headings_and_table_semantics() -> None:
    built = sample()
    rendered = report.render(built)
    page = Page(rendered)
    assert page.all("html") == [{"lang": "en"}]
    assert len(page.all("h1")) == 1
    assert page.all("main") == [{}]
    assert all("scope" in a for t, a in page.elements if t == "th")
    table = section(rendered, 'id="repositories-table"', "</table>")
    rows = Page(table).all("tr")[1:]
    assert [r["data-state"] for r in rows] == [
        "failed",  # the hostile name sorts first
        "failed",
        "passed",
        "passed",
        "error",
        "failed",
    ]
    families = Page(table).all("th", **{"scope": "col", "class": "family"})
    assert len(families) == len(built["families"])
    assert '<th scope="col" aria-sort="ascending"><button type="button">Repository' in table
    for heading in ("Overview", "Repositories", "Change since the previous report"):
        assert f">{heading}</h2>" in rendered


def test_every_heatmap_cell_shows_its_score_as_text_in_its_colour() -> None:
    built = document(
        [
            repository("a", 6.96, family_scores={"ci": 0.0, "data": None, "release": 10.0}),
            repository("b", None, error="timed out"),
        ]
    )
    rendered = report.render(built)
    cells = section(rendered, '<tr id="row-1"', "</tr>")
    assert '<td class="heat h6" data-sort="6.96">6.9</td>' in cells, "rounded down, not to 7.0"
    assert '<td class="heat h0" data-sort="0">0.0</td>' in cells
    assert '<td class="heat h10" data-sort="10">10.0</td>' in cells
    assert '<td class="heat na" data-sort="">n/a</td>' in cells
    assert '<li class="h10">10</li>' in rendered
    assert "n/a: nothing in the family applies" in rendered


def test_the_palette_is_ordered_and_its_text_contrasts() -> None:
    luminance = [report.contrast(c, "#000000") for c in report.PALETTE]
    assert luminance == sorted(luminance), "dark to light, one direction"
    for colour in report.PALETTE:
        assert report.contrast(colour, report.text_colour(colour)) >= 4.5, colour


def test_the_trend_lists_what_changed_and_counts_the_rest() -> None:
    rendered = report.render(sample())
    trend = section(rendered, '<section id="trend"', "</section>")
    assert (
        "higher score 1, lower score 2, not audited then 1, not audited now 1, unchanged 1."
    ) in trend
    assert "ecmwf/anemoi-demo" not in trend
    assert 'data-sort="-0.8">\N{MINUS SIGN}0.8</td>' in trend
    assert 'class="num up" data-sort="2.1">+2.1</td>' in trend
    assert "&lt;script&gt;" in trend
    assert '<section id="trend"' not in report.render(document(sample()["repositories"]))


def test_an_empty_audit_and_a_shard_render() -> None:
    empty = report.render(document([], shard=(2, 4)))
    assert "Audit of 0 repositories" in empty
    assert "shard 2 of 4: this page shows only the repositories of this shard" in empty
    assert "<dt>Mean score</dt><dd>n/a</dd>" in empty
    assert "<tbody>\n</tbody>" in empty


def test_2000_repositories_render_in_seconds_to_tens_of_megabytes() -> None:
    built = large(2000)
    started = time.perf_counter()
    rendered = report.render(built)
    seconds = time.perf_counter() - started
    assert seconds < 5, seconds
    assert len(rendered.encode()) < 40_000_000
    assert rendered.count('<tr id="row-') == 2000
    worst = large(2000, findings=(200,))  # every repository at the wg3 profile's max-findings
    assert len(report.render(worst).encode()) < 60_000_000


# The browser tests.


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[WebDriver]:
    from selenium import webdriver
    from selenium.webdriver.chrome.options import Options
    from selenium.webdriver.chrome.service import Service

    options = Options()
    options.binary_location = str(CHROMIUM)
    for flag in FLAGS:
        options.add_argument(flag)
    options.add_argument(f"--user-data-dir={tmp_path_factory.mktemp('chromium-profile')}")
    options.set_capability("goog:loggingPrefs", {"browser": "ALL", "performance": "ALL"})
    # The driver is given, so Selenium Manager never looks for (or downloads) one.
    driver = webdriver.Chrome(options=options, service=Service(str(CHROMEDRIVER)))
    try:
        yield driver
    finally:
        driver.quit()


def open_page(
    driver: WebDriver, path: Path, built: dict[str, Any], width: int = 1280, height: int = 900
) -> str:
    """Write the page for ``built`` to ``path``, open it at ``width`` x ``height`` and return
    its URL; the browser's logs hold only what this page did."""
    path.write_text(report.render(built), encoding="utf-8")
    driver.get("about:blank")
    driver.get_log("browser")
    driver.get_log("performance")
    driver.execute_cdp_cmd(
        "Emulation.setDeviceMetricsOverride",
        {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": width < 600},
    )
    url = path.as_uri()
    driver.get(url)
    return url


def names(driver: WebDriver) -> list[str]:
    """The repository table's visible rows, by name, in order."""
    shown: list[str] = driver.execute_script(
        "return Array.from(document.getElementById('repositories-table').tBodies[0].rows)"
        ".filter(r => !r.hidden && r.offsetParent !== null).map(r => r.cells[0].textContent)"
    )
    return shown


def heading(driver: WebDriver, label: str) -> WebElement:
    from selenium.webdriver.common.by import By

    return driver.find_element(
        By.XPATH, f"//table[@id='repositories-table']//th/button[normalize-space()='{label}']"
    )


def wait_for(driver: WebDriver, css: str) -> WebElement:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions
    from selenium.webdriver.support.wait import WebDriverWait

    found: WebElement = WebDriverWait(driver, 10).until(
        expected_conditions.visibility_of_element_located((By.CSS_SELECTOR, css))
    )
    return found


@pytest.mark.slow
@needs_chromium
def test_the_page_loads_without_errors_or_requests(browser: WebDriver, tmp_path: Path) -> None:
    url = open_page(browser, tmp_path / "report.html", sample())
    browser.execute_script(
        "document.querySelectorAll('details.repo').forEach(d => { d.open = true; });"
    )
    wait_for(browser, "#repo-1 + .body ul.checks")  # the hostile repository's drill-down, built
    assert browser.execute_script("return window.pwned") is None
    assert browser.execute_script("return document.querySelectorAll('img, iframe').length") == 0
    assert browser.find_element("css selector", "#row-1 th").text == HOSTILE
    problems = [e for e in browser.get_log("browser") if e["level"] in ("SEVERE", "WARNING")]
    assert problems == []
    assert browser.execute_script("return performance.getEntriesByType('resource').length") == 0
    sent = []
    for entry in browser.get_log("performance"):
        message = json.loads(entry["message"])["message"]
        if message["method"] == "Network.requestWillBeSent":
            params = message["params"]
            if params.get("documentURL") == url or params["request"]["url"] != url:
                sent.append(params["request"]["url"])
    assert [u for u in sent if not u.startswith("chrome")] == [url], "only the page itself"


@pytest.mark.slow
@needs_chromium
def test_sorting_a_column_reorders_the_rows(browser: WebDriver, tmp_path: Path) -> None:
    open_page(browser, tmp_path / "report.html", sample())
    by_name = names(browser)
    assert by_name == sorted(by_name, key=str.casefold)
    heading(browser, "Score").click()
    assert names(browser) == [
        HOSTILE,
        "metoffice/nowcast-ml",
        "dwd/icon-ml",
        "ecmwf/anemoi-demo",
        "local-project",
        "meteoswiss/archived-tool",  # no score: last either way
    ]
    score = browser.find_element("xpath", "//th[button[normalize-space()='Score']]")
    assert score.get_attribute("aria-sort") == "ascending"
    heading(browser, "Score").click()
    assert names(browser)[:2] == ["local-project", "ecmwf/anemoi-demo"]
    assert names(browser)[-1] == "meteoswiss/archived-tool"
    assert score.get_attribute("aria-sort") == "descending"
    repository_heading = browser.find_element(
        "xpath", "//th[button[normalize-space()='Repository']]"
    )
    assert repository_heading.get_attribute("aria-sort") is None


@pytest.mark.slow
@needs_chromium
def test_enter_and_space_on_a_focused_heading_sort(browser: WebDriver, tmp_path: Path) -> None:
    from selenium.webdriver.common.keys import Keys

    open_page(browser, tmp_path / "report.html", sample())
    result = heading(browser, "Result")
    browser.execute_script("arguments[0].focus()", result)
    browser.switch_to.active_element.send_keys(Keys.ENTER)
    assert browser.switch_to.active_element == result
    assert names(browser)[0] == "meteoswiss/archived-tool", "not audited sorts first"
    assert names(browser)[-2:] == ["ecmwf/anemoi-demo", "local-project"]
    browser.switch_to.active_element.send_keys(Keys.SPACE)
    assert names(browser)[:2] == ["ecmwf/anemoi-demo", "local-project"]
    outline = browser.execute_script("return getComputedStyle(document.activeElement).outlineStyle")
    assert outline != "none", "the focus is visible"


@pytest.mark.slow
@needs_chromium
def test_tab_reaches_the_filter_and_the_headings_in_order(
    browser: WebDriver, tmp_path: Path
) -> None:
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.keys import Keys

    open_page(browser, tmp_path / "report.html", sample())
    reached = []
    for _ in range(12):
        ActionChains(browser).send_keys(Keys.TAB).perform()
        active = browser.switch_to.active_element
        reached.append(active.get_attribute("id") or active.get_attribute("role") or active.text)
    assert reached[:6] == [
        "Skip to the repositories",
        "filter-text",
        "filter-show",
        "region",  # the table's scrolling region
        "Repository",
        "Score",
    ]


@pytest.mark.slow
@needs_chromium
def test_the_filter_hides_rows(browser: WebDriver, tmp_path: Path) -> None:
    from selenium.webdriver.support.select import Select

    open_page(browser, tmp_path / "report.html", sample())
    shown = browser.find_element("id", "filter-shown")
    assert shown.text == "Showing 6 of 6 repositories."
    browser.find_element("id", "filter-text").send_keys("NOWCAST")
    assert names(browser) == ["metoffice/nowcast-ml"]
    assert not browser.find_element("id", "row-2").is_displayed()
    assert shown.text == "Showing 1 of 6 repositories."
    browser.find_element("id", "filter-text").clear()
    show = Select(browser.find_element("id", "filter-show"))
    show.select_by_value("error")
    assert names(browser) == ["meteoswiss/archived-tool"]
    show.select_by_value("failed")
    assert names(browser) == [HOSTILE, "dwd/icon-ml", "metoffice/nowcast-ml"]
    browser.find_element("id", "filter-text").send_keys("dwd")
    assert names(browser) == ["dwd/icon-ml"]


@pytest.mark.slow
@needs_chromium
def test_a_drill_down_opens_from_the_table_and_links_the_findings(
    browser: WebDriver, tmp_path: Path
) -> None:
    from selenium.webdriver.common.keys import Keys

    open_page(browser, tmp_path / "report.html", sample())
    row = browser.find_element("xpath", "//tr[th[normalize-space()='metoffice/nowcast-ml']]")
    row.find_element("css selector", "td.col-details a").click()
    anchor = row.get_attribute("id").replace("row-", "repo-")
    finding = wait_for(browser, f"#{anchor} + .body a[href*='io.py']")
    assert finding.text == "src/nowcast/io.py:88"
    assert finding.get_attribute("href") == f"{NOWCAST_BLOB}src/nowcast/io.py#L88"
    evidence = browser.find_element("css selector", f"#{anchor} + .body ul.evidence a")
    assert evidence.get_attribute("href") == f"{NOWCAST_BLOB}.github/workflows/ci.yml#L14"
    summary = browser.find_element("id", anchor)
    details = summary.find_element("xpath", "..")
    assert details.get_attribute("open") is not None
    assert "What to do: Add a pytest step" in details.text
    assert "Points lost" in details.text
    assert "Since the previous report" in details.text
    assert browser.switch_to.active_element == summary
    # By keyboard: Enter on the GitLab repository's details link.
    row = browser.find_element("xpath", "//tr[th[normalize-space()='dwd/icon-ml']]")
    row.find_element("css selector", "td.col-details a").send_keys(Keys.ENTER)
    anchor = row.get_attribute("id").replace("row-", "repo-")
    finding = wait_for(browser, f"#{anchor} + .body table.wide a")
    assert finding.get_attribute("href") == f"{ICON_BLOB}pkg/config%20space.py#L5"
    assert browser.switch_to.active_element.text.startswith("dwd/icon-ml")


@pytest.mark.slow
@needs_chromium
def test_a_narrow_screen_scrolls_the_table_not_the_page(browser: WebDriver, tmp_path: Path) -> None:
    open_page(browser, tmp_path / "report.html", sample(), width=390, height=844)
    page_width = browser.execute_script("return document.documentElement.scrollWidth")
    assert page_width <= 390
    region = browser.find_element("css selector", "#repositories .scroll")
    assert browser.execute_script("return arguments[0].scrollWidth", region) > 390


@pytest.mark.slow
@needs_chromium
def test_2000_repositories_stay_usable_in_the_browser(browser: WebDriver, tmp_path: Path) -> None:
    open_page(browser, tmp_path / "report.html", large(2000))
    loaded = browser.execute_script(
        "return performance.getEntriesByType('navigation')[0].domContentLoadedEventEnd"
    )
    assert loaded < 15_000
    sort = browser.execute_script(
        "const t = performance.now();"
        "arguments[0].click(); document.body.offsetHeight;"
        "return performance.now() - t",
        heading(browser, "Score"),
    )
    assert sort < 3_000
    assert names(browser)[0] != "org-00/model-00000"
    browser.find_element("css selector", "a[href='#repo-1999']").click()
    wait_for(browser, "#repo-1999 + .body h3")
    assert browser.get_log("browser") == []


@pytest.mark.slow
@needs_chromium
def test_screenshot(browser: WebDriver, tmp_path: Path) -> None:
    """The repositories at 1280 x 900; with METSTANDARDS_README_SCREENSHOT=1, also the README's
    image."""
    open_page(browser, tmp_path / "report.html", showcase())
    browser.execute_script("document.getElementById('repositories').scrollIntoView()")
    shot = tmp_path / "audit-report.png"
    assert browser.save_screenshot(str(shot))
    png = shot.read_bytes()
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    assert struct.unpack(">II", png[16:24]) == (1280, 900)
    assert len(png) < 500_000
    if os.environ.get("METSTANDARDS_README_SCREENSHOT") == "1":
        README_SCREENSHOT.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(shot, README_SCREENSHOT)
