"""Every public page kind on a 390 px phone: nothing scrolls sideways, and the Gantt shows its bars.

The seed plan with its sample execution (progress, spending, meetings with attendance) and the
sample co-creation (documents, versions, contributions, responses, the catalogue) is loaded, so each
page shows the longest content it has in the demo. A page is wider than the screen when the
document's ``scrollWidth`` exceeds its ``clientWidth``; wide tables and the chart scroll inside
their own boxes instead.
"""

from __future__ import annotations

import pytest

pytestmark = [
    pytest.mark.browser,
    # WhiteNoise warns once that STATIC_ROOT (data/static) has not been collected; the live server
    # serves the app static files itself.
    pytest.mark.filterwarnings("ignore:No directory at:UserWarning"),
]

PHONE = {"width": 390, "height": 844}


def _version(m, number):  # type: ignore[no-untyped-def]
    return m.documents.get().versions.get(number=number)


PAGES = {
    "home": lambda m: "/",
    "action_plan": lambda m: m.commitment.action_plan.get_absolute_url(),
    "commitment": lambda m: m.commitment.get_absolute_url(),
    "milestone": lambda m: m.get_absolute_url(),
    "dashboard": lambda m: m.get_dashboard_url(),
    "schedule": lambda m: m.get_schedule_url(),
    "plan_check": lambda m: m.get_check_url(),
    "history": lambda m: m.get_history_url(),
    "participation": lambda m: m.commitment.get_participation_url(),
    "meeting": lambda m: m.meetings.order_by("starts_at").first().get_absolute_url(),
    "documents": lambda m: f"{m.get_absolute_url()}documentos/",
    "document": lambda m: m.documents.get().get_absolute_url(),
    "version_closed": lambda m: _version(m, 1).get_absolute_url(),
    "version_open": lambda m: _version(m, 3).get_absolute_url(),
    "paragraph": lambda m: _version(m, 2).paragraphs.first().get_absolute_url(),
    "compare": lambda m: m.documents.get().get_compare_url() + "?de=1&a=2",
    "response_report": lambda m: _version(m, 1).get_report_url(),
    "catalogue": lambda m: "/catalogo/",
    "catalogue_entry": lambda m: _catalogue_entry_url(),
    "login": lambda m: "/cuenta/login/",
    "signup": lambda m: "/cuenta/signup/",
    "password_reset": lambda m: "/cuenta/password/reset/",
    "not_found": lambda m: "/no-existe-esta-pagina/",
}


def _catalogue_entry_url() -> str:
    from cocrea.catalogue.models import Entry

    return f"/catalogo/{Entry.objects.order_by('pk').first().pk}/"


@pytest.fixture
def sample_milestone(seeded_milestone):  # type: ignore[no-untyped-def]
    from cocrea.drafts.sample import load_sample_cocreation
    from cocrea.plans.sample import load_sample_execution

    load_sample_execution(seeded_milestone)
    load_sample_cocreation(seeded_milestone)
    seeded_milestone.refresh_from_db()
    return seeded_milestone


@pytest.fixture
def phone(browser, live_server):  # type: ignore[no-untyped-def]
    context = browser.new_context(viewport=PHONE, locale="es-GT", is_mobile=True, has_touch=True)
    context.set_default_timeout(15_000)
    page = context.new_page()
    yield page
    context.close()


def too_wide(page) -> list[str]:  # type: ignore[no-untyped-def]
    """The elements that stick out past the right edge of the screen (for the failure message)."""
    return page.evaluate(
        """() => {
            const width = document.documentElement.clientWidth;
            const found = [];
            for (const el of document.querySelectorAll('body *')) {
                const box = el.getBoundingClientRect();
                if (box.right > width + 1 && box.width > 0) {
                    let inside = false;
                    for (let p = el.parentElement; p; p = p.parentElement) {
                        const o = getComputedStyle(p).overflowX;
                        if (o === 'auto' || o === 'scroll' || o === 'hidden') { inside = true; break; }
                    }
                    const name = el.tagName.toLowerCase()
                        + (typeof el.className === 'string' && el.className
                            ? '.' + el.className.split(' ').join('.') : '');
                    if (!inside) found.push([Math.round(box.right), name + ' ' + Math.round(box.right)]);
                }
            }
            found.sort((a, b) => b[0] - a[0]);
            return found.slice(0, 8).map(f => f[1]);
        }"""
    )


def test_no_public_page_scrolls_sideways_on_a_phone(phone, live_server, sample_milestone, artifacts):
    shots = artifacts / "phone"
    shots.mkdir(exist_ok=True)
    wide: dict[str, str] = {}
    for name, url_of in PAGES.items():
        url = url_of(sample_milestone)
        response = phone.goto(live_server.url + url)
        assert response is not None
        expected = 404 if name == "not_found" else 200
        assert response.status == expected, f"{name} ({url}) answered {response.status}"
        scroll, client = phone.evaluate(
            "[document.documentElement.scrollWidth, document.documentElement.clientWidth]"
        )
        phone.screenshot(path=str(shots / f"{name}.png"), full_page=True)
        if scroll > client + 1:
            wide[name] = f"{url}: {scroll}px in {client}px; {too_wide(phone)}"
    listed = "\n".join(f"{name}: {why}" for name, why in wide.items())
    assert not wide, f"pages that scroll sideways at 390 px:\n{listed}"


def test_the_gantt_shows_its_bars_on_a_phone(phone, live_server, sample_milestone, artifacts):
    phone.goto(live_server.url + sample_milestone.get_schedule_url())
    assert phone.evaluate("document.documentElement.scrollWidth <= document.documentElement.clientWidth + 1")

    # The wide chart gives way to a list as wide as the screen: every activity, its whole name,
    # its bar on the plan's period.
    assert phone.locator(".gantt-scroll").is_hidden()
    rows = phone.locator(".gantt-phone-rows li[data-code]")
    assert rows.count() == 13
    assert "Elaboración del Plan de Trabajo" in rows.first.inner_text()
    assert rows.nth(11).get_attribute("class") == "flagged"

    # Scrolled down to the chart (never sideways), bars are on the screen, each inside it.
    phone.evaluate("window.scrollTo(0, document.querySelector('.gantt-phone').offsetTop)")
    viewport = phone.viewport_size
    bars = phone.locator(".gantt-phone rect.phone-bar")
    assert bars.count() == 13
    visible = []
    for index in range(bars.count()):
        box = bars.nth(index).bounding_box()
        assert box is not None
        on_screen = box["x"] >= 0 and box["x"] + box["width"] <= viewport["width"]
        assert on_screen, f"bar {index + 1} is off the screen"
        if box["y"] < viewport["height"] and box["y"] + box["height"] > 0 and box["width"] >= 2:
            visible.append(index)
    assert visible, "no bar of the Gantt is on the phone's screen"
    assert phone.evaluate("window.scrollX") == 0
    # The first activity starts at the left edge of the period; a later one starts further right.
    first, later = bars.nth(0).bounding_box(), bars.nth(12).bounding_box()
    assert later["x"] > first["x"] + 50
    phone.screenshot(path=str(artifacts / "schedule-390.png"))
