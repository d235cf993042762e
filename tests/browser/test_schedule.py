"""The schedule page in a real browser: the Gantt chart drawn from the seed, on screen and in print."""

from __future__ import annotations

import pytest

pytestmark = [
    pytest.mark.browser,
    # WhiteNoise warns once that STATIC_ROOT (data/static) has not been collected; the live server
    # serves the app static files itself.
    pytest.mark.filterwarnings("ignore:No directory at:UserWarning"),
]

PRINTABLE_HEIGHT_PX = (210 - 2 * 12) / 25.4 * 96  # A4 landscape less the @page margins, in CSS px


def test_schedule_draws_every_activity_and_meeting(page, live_server, seeded_milestone, artifacts):
    response = page.goto(live_server.url + seeded_milestone.get_schedule_url())
    assert response is not None
    assert response.ok

    chart = page.locator("svg.gantt")
    assert chart.count() == 1
    activities = chart.locator('g[data-kind="activity"]')
    meetings = chart.locator('g[data-kind="meeting"]')
    assert activities.count() == 13
    assert meetings.count() == 17

    for index in range(13):
        row = activities.nth(index)
        code = row.get_attribute("data-code")
        assert row.locator("rect.bar").count() == 1, f"activity {code} has no bar"
        assert row.locator("rect.bar").bounding_box()["width"] > 0, f"activity {code} bar is empty"
    flagged = [i for i in range(13) if "flagged" in (activities.nth(i).get_attribute("class") or "").split()]
    assert flagged == [11], "only the 12th activity (its suspicious date) is flagged"
    assert activities.nth(11).get_attribute("data-code") == "12"

    assert meetings.locator("polygon.diamond").count() == 17
    assert chart.locator("g.today line").count() == 1
    assert chart.locator("g.today").get_attribute("data-today")

    page.screenshot(path=str(artifacts / "schedule.png"), full_page=True)
    assert (artifacts / "schedule.png").stat().st_size > 0


def test_schedule_prints_to_pdf(page, live_server, seeded_milestone, artifacts):
    page.emulate_media(media="print")
    page.goto(live_server.url + seeded_milestone.get_schedule_url())

    assert page.locator(".site-header").is_hidden()
    assert page.locator(".site-footer .print-only").is_visible()
    assert page.locator('svg.gantt g[data-kind="activity"]').count() == 13
    # Printed, the chart fits the page instead of scrolling: no wider than the text, and no taller
    # than an A4 landscape page inside its 12 mm margins (186 mm), so it is never cut in two.
    chart = page.locator("svg.gantt").bounding_box()
    assert chart["width"] <= page.evaluate("document.body.clientWidth") + 1
    assert chart["height"] <= PRINTABLE_HEIGHT_PX

    target = artifacts / "schedule.pdf"
    pdf = page.pdf(path=str(target), prefer_css_page_size=True, print_background=True)
    assert pdf.startswith(b"%PDF")
    assert target.stat().st_size > 1000


def test_schedule_fits_a_narrow_screen(page, live_server, seeded_milestone, artifacts):
    page.set_viewport_size({"width": 375, "height": 812})
    page.goto(live_server.url + seeded_milestone.get_schedule_url())

    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 375, f"the page scrolls sideways: {width}px wide in a 375px viewport"
    # The wide chart gives way to a list of the activities with their bars, as wide as the screen.
    assert page.locator(".gantt-scroll").is_hidden()
    assert page.locator(".gantt-phone rect.phone-bar").count() == 13
    page.screenshot(path=str(artifacts / "schedule-375.png"), full_page=True)


def test_schedule_chart_scrolls_in_its_own_box_on_a_tablet(page, live_server, seeded_milestone):
    page.set_viewport_size({"width": 800, "height": 1000})
    page.goto(live_server.url + seeded_milestone.get_schedule_url())

    assert page.evaluate("document.documentElement.scrollWidth") <= 800
    assert page.locator(".gantt-phone").is_hidden()
    # The wide chart scrolls inside its own keyboard-reachable region.
    scroller = page.locator(".gantt-scroll")
    assert scroller.evaluate("el => el.scrollWidth > el.clientWidth")
    assert scroller.get_attribute("tabindex") == "0"
