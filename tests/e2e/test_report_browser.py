"""The HTML report in a real headless Chromium: it renders without console errors (so the
Content-Security-Policy admits its own style sheet), loads nothing but itself, shows every
section and the SVG diagram, and no payload from a hostile repository becomes an element.

Needs Debian's ``chromium`` and ``chromium-driver`` (installed by ``.ci/run``)."""

from __future__ import annotations

import json
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from mlscan.cli.main import cli

REPO = Path(__file__).resolve().parents[2]
INSECURE = REPO / "tests" / "fixtures" / "mlflow" / "insecure"
EXAMPLE = REPO / "examples" / "sentiment-api" / "insecure"
ARTIFACTS = REPO / "tests" / "artifacts"
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMEDRIVER = shutil.which("chromedriver")

pytestmark = pytest.mark.skipif(
    CHROMIUM is None or CHROMEDRIVER is None,
    reason="needs chromium and chromium-driver (apt-get install chromium chromium-driver)",
)

SECTIONS = ("scope", "summary", "risks", "threat-model", "diagram", "controls", "plan",
            "findings")


@pytest.fixture(scope="module")
def driver() -> Iterator[object]:
    webdriver = pytest.importorskip("selenium.webdriver")
    from selenium.webdriver.chrome.service import Service

    profile = tempfile.mkdtemp(prefix="mlscan-chromium-")
    options = webdriver.ChromeOptions()
    for arg in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        f"--user-data-dir={profile}",
        "--window-size=1100,1400",
    ):
        options.add_argument(arg)
    options.binary_location = str(CHROMIUM)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL", "performance": "ALL"})
    drv = webdriver.Chrome(options=options, service=Service(str(CHROMEDRIVER)))
    try:
        yield drv
    finally:
        drv.quit()
        shutil.rmtree(profile, ignore_errors=True)


def _write_report(path: Path, out: Path) -> Path:
    result = CliRunner().invoke(cli, ["report", str(path), "--format", "html", "-o", str(out)])
    assert result.exit_code == 0, result.output
    return out


def _open(driver: object, page: Path) -> tuple[list[str], list[dict[str, object]]]:
    """Load ``page``; return every requested URL and the console messages."""
    d: object = driver
    d.get("about:blank")  # type: ignore[attr-defined]
    d.get_log("performance")  # type: ignore[attr-defined]  # drop the start page's entries
    d.get_log("browser")  # type: ignore[attr-defined]
    d.get(page.as_uri())  # type: ignore[attr-defined]
    d.find_element("id", "title")  # type: ignore[attr-defined]
    urls: list[str] = []
    for entry in d.get_log("performance"):  # type: ignore[attr-defined]
        message = json.loads(entry["message"])["message"]
        if message["method"] == "Network.requestWillBeSent":
            urls.append(message["params"]["request"]["url"])
    return urls, d.get_log("browser")  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    "source", [INSECURE, EXAMPLE], ids=["mlflow-fixture", "sentiment-api-example"]
)
def test_insecure_report_renders_offline(driver: object, tmp_path: Path, source: Path) -> None:
    if not source.is_dir():
        pytest.skip(f"{source} not present")
    page = _write_report(source, tmp_path / "report.html")
    urls, console = _open(driver, page)
    assert console == []
    assert urls, "performance logging recorded nothing; the check would be vacuous"
    assert all(u == page.as_uri() or u.startswith("data:") for u in urls), urls
    d: object = driver
    for section in SECTIONS:
        assert d.find_element("id", section).is_displayed()  # type: ignore[attr-defined]
    svg = d.find_element("css selector", "svg#dfd")  # type: ignore[attr-defined]
    assert svg.size["width"] > 400 and svg.size["height"] > 200
    labels = [e.text for e in d.find_elements("css selector", "svg#dfd .dfd-label")]  # type: ignore[attr-defined]
    assert "ML engineers / CI" in labels and "MLflow server (mlflow)" in labels
    for label in labels:  # every label fits inside its box (A4-readable, nothing clipped)
        assert len(label) <= 27
    # every stylesheet rule applied: the CSP hash matches the inline style sheet
    color = d.execute_script(  # type: ignore[attr-defined]
        "return getComputedStyle(document.querySelector('.sev-critical')).backgroundColor"
    )
    assert color == "rgb(139, 0, 0)"
    assert d.find_elements("tag name", "script") == []  # type: ignore[attr-defined]
    ARTIFACTS.mkdir(exist_ok=True)
    name = source.parent.name if source == EXAMPLE else source.name
    assert svg.screenshot(str(ARTIFACTS / f"report-{name}-diagram.png"))
    assert d.save_screenshot(str(ARTIFACTS / f"report-{name}.png"))  # type: ignore[attr-defined]


def test_hostile_report_injects_nothing(driver: object, tmp_path: Path) -> None:
    root = tmp_path / "repo"
    root.mkdir()
    (root / "<img src=x onerror=alert(1)>.yaml").write_text(
        "kind: Deployment\nmetadata:\n  name: \"x<script>alert(2)</script>\"\nspec:\n"
        "  template:\n    spec:\n      containers:\n"
        "        - name: \"<svg onload=alert(4)>\"\n          image: ghcr.io/mlflow/mlflow:v2.9.1\n"
        "          args: [\"mlflow\", \"server\", \"--host\", \"0.0.0.0\"]\n",
        encoding="utf-8",
    )
    page = _write_report(root, tmp_path / "hostile.html")
    urls, console = _open(driver, page)
    assert console == []
    assert all(u == page.as_uri() or u.startswith("data:") for u in urls), urls
    d: object = driver
    assert d.find_elements("tag name", "img") == []  # type: ignore[attr-defined]
    assert d.find_elements("tag name", "script") == []  # type: ignore[attr-defined]
    assert len(d.find_elements("tag name", "svg")) == 1  # type: ignore[attr-defined]
    assert d.find_elements("css selector", "[onerror],[onload]") == []  # type: ignore[attr-defined]
    text = d.find_element("tag name", "body").text  # type: ignore[attr-defined]
    assert "<img src=x onerror=alert(1)>.yaml" in text


def test_report_prints_to_a4_with_a_landscape_diagram_page(driver: object, tmp_path: Path) -> None:
    import base64
    import re

    page = _write_report(INSECURE, tmp_path / "print.html")
    _open(driver, page)
    pdf = base64.b64decode(
        driver.execute_cdp_cmd(  # type: ignore[attr-defined]
            "Page.printToPDF", {"preferCSSPageSize": True, "printBackground": True}
        )["data"]
    )
    boxes = re.findall(rb"/MediaBox\s*\[\s*0 0 ([\d.]+) ([\d.]+)\s*\]", pdf)
    sizes = {(round(float(w)), round(float(h))) for w, h in boxes}
    assert sizes == {(595, 842), (842, 595)}  # A4 portrait, and the landscape diagram page
    assert len(boxes) >= 7  # the main sections start on their own pages
