"""Join by code in Chromium (issue 15): the facilitator adds a group and reads its code off the
page; a participant types the code on the start page and saves a self-assessment in that group
without typing its key; the full-screen QR view by keyboard; the server's root leads to the
start page."""

import re
import uuid

import pytest
from playwright.sync_api import expect

from kit.domain import access
from tests.conftest import ARTIFACTS, http_get
from tests.test_e2e import TIMEOUT, WCAG, axe_violations, fill_all, save

pytestmark = pytest.mark.browser
GROUP = "Örby kommun"
EVERYONE = "Alla deltagare (de skriver själva in sin organisation)"


def shot_path(name):
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS / f"{name}.png"


def card(page, label):
    return page.locator(".jk-link-card", has=page.locator(".jk-link-label", has_text=re.compile(f"^{re.escape(label)}$")))


def test_a_group_joins_by_its_code_and_saves_without_typing_its_key(browser, voila_server):
    workshop = f"Kodkurs {uuid.uuid4().hex[:6]}"
    contexts = []
    try:
        fac_ctx = browser.new_context(viewport={"width": 1200, "height": 900})
        contexts.append(fac_ctx)
        fac = fac_ctx.new_page()
        errors = []
        fac.on("pageerror", lambda exc: errors.append(str(exc)))
        fac.goto(voila_server.url("start.ipynb", "module=facilitator"), timeout=TIMEOUT)
        create = fac.locator("form").first
        create.get_by_label("Workshoppens namn").fill(workshop)
        create.get_by_role("button", name="Skapa workshop").click()
        expect(fac.get_by_text(re.compile("Workshoppen är skapad"))).to_be_visible(timeout=TIMEOUT)
        add = fac.locator("form", has=fac.get_by_role("button", name="Lägg till"))
        add.get_by_label("Gruppens namn").fill(GROUP)
        add.get_by_role("button", name="Lägg till").click()
        group_card = card(fac, f"Grupp: {GROUP}")
        expect(group_card).to_be_visible(timeout=TIMEOUT)
        code = group_card.locator(".jk-join-code").text_content()
        assert re.fullmatch(r"\d{4} \d{4}", code), code
        everyone_code = card(fac, EVERYONE).locator(".jk-join-code").text_content()
        # served on loopback without --lan: the page says so, and how to open it to the room
        notice = fac.locator(".jk-join-notice")
        expect(notice).to_be_visible()
        expect(notice).to_contain_text("python3 jamkit.py serve --lan")
        # the kit's own server: the address to type is its root, which lands on the start page
        expect(fac.locator(".jk-join-address")).to_contain_text(f"{voila_server.base}/")
        expect(fac.locator(".jk-join-address")).not_to_contain_text("voila/render")
        assert axe_violations(fac, WCAG + ["best-practice"]) == []

        # the full-screen view, by keyboard: open, step, close, the focus back where it was
        opener = fac.get_by_role("button", name=f"Visa stort – {EVERYONE}")
        opener.focus()
        fac.keyboard.press("Enter")
        dialog = fac.get_by_role("dialog")
        expect(dialog).to_be_visible()
        expect(dialog.get_by_role("heading", level=2)).to_have_text(EVERYONE)
        expect(dialog.locator(".jk-join-code")).to_have_text(everyone_code)
        expect(dialog.locator(".jk-qr-count")).to_have_text("1 av 2")
        assert fac.evaluate("document.activeElement.textContent") == "Nästa →"
        fac.keyboard.press("Enter")  # Nästa
        expect(dialog.get_by_role("heading", level=2)).to_have_text(f"Grupp: {GROUP}")
        expect(dialog.locator(".jk-join-code")).to_have_text(code)
        expect(dialog.locator(".jk-qr-count")).to_have_text("2 av 2")
        qr = dialog.get_by_role("img", name=re.compile(f"^QR-kod till länken för Grupp: {GROUP}"))
        fac.keyboard.press("ArrowRight")  # the arrow keys step too (round to the first)
        expect(dialog.locator(".jk-qr-count")).to_have_text("1 av 2")
        fac.keyboard.press("ArrowLeft")
        expect(dialog.locator(".jk-qr-count")).to_have_text("2 av 2")
        assert axe_violations(fac, WCAG) == []
        # the projector (1920×1080) and a phone (320×640): the QR code takes what room there is,
        # and nothing runs off the screen
        for (width, height), least in (((1920, 1080), 800), ((320, 640), 220), ((1200, 900), 600)):
            fac.set_viewport_size({"width": width, "height": height})
            fac.wait_for_timeout(100)
            box = qr.bounding_box()
            assert box["width"] >= least and abs(box["width"] - box["height"]) < 2, (width, box)
            assert box["y"] >= 0 and box["y"] + box["height"] <= height, (width, box)
            inner = dialog.locator(".jk-qr-dialog-inner")
            assert inner.evaluate("n => n.scrollWidth <= n.clientWidth"), (width, inner.evaluate(
                "n => [n.scrollWidth, n.clientWidth, getComputedStyle(n).gridTemplateColumns, getComputedStyle(n.querySelector('.jk-qr-address')).fontSize, getComputedStyle(n.querySelector('.jk-qr-address')).overflowWrap, window.innerWidth, ...[...n.querySelectorAll('*')].filter((c) => c.getBoundingClientRect().right > n.clientWidth).map((c) => c.className + ':' + c.getBoundingClientRect().right)]"))
            fac.screenshot(path=str(shot_path(f"join-fullscreen-qr-{width}x{height}")))
        fac.keyboard.press("Escape")
        expect(dialog).to_be_hidden()
        assert opener.evaluate("b => b === document.activeElement")
        fac.locator(".jk-join").screenshot(path=str(shot_path("join-section-sv")))
        assert errors == []

        # a participant types the code, with its space, and opens the self-assessment
        ctx = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
        contexts.append(ctx)
        page = ctx.new_page()
        page.goto(voila_server.url("start.ipynb"), timeout=TIMEOUT)
        field = page.get_by_label("Kod", exact=True)
        expect(field).to_be_visible(timeout=TIMEOUT)
        assert field.get_attribute("inputmode") == "numeric"
        field.fill("1234 5678" if code != "1234 5678" else "8765 4321")
        page.get_by_role("button", name="Gå med").click()
        status = page.get_by_role("status").filter(has_text="Koden")
        expect(status).to_contain_text("finns inte", timeout=TIMEOUT)
        assert page.get_by_label("Organisation eller grupp").input_value() == ""
        field.fill(code)
        page.get_by_role("button", name="Gå med").click()
        joined = page.get_by_role("status").filter(has_text="Ni är med i")
        expect(joined).to_have_text(f"✓ Ni är med i {GROUP} i workshoppen {workshop} – välj en modul nedan.",
                                    timeout=TIMEOUT)
        expect(page.get_by_label("Organisation eller grupp")).to_have_value(GROUP)
        expect(page.get_by_label("Workshop", exact=True)).to_have_value(workshop)
        expect(page).to_have_url(re.compile("gkey="), timeout=TIMEOUT)
        assert axe_violations(page, WCAG + ["best-practice"]) == []
        page.screenshot(path=str(shot_path("join-start-code-sv")), full_page=True)
        page.get_by_role("button", name="Öppna Självskattning").click()
        expect(page.get_by_role("heading", name="Självskattning", exact=True)).to_be_visible(timeout=TIMEOUT)
        page.get_by_role("group", name="Roll").locator("label", has_text="Gruppen (konsensus)").click()
        fill_all(page, [3] * 10)
        save(page)
    finally:
        for c in contexts:
            c.close()

    from kit.store import Store

    store = Store(voila_server.db_url)
    try:
        assert store.group_record(workshop, GROUP)["key_hash"]  # protected: the key came with the code
        saved = store.load_answers(workshop, GROUP, "uppstart", None)
        assert [saved[m]["score"] for m in range(1, 11)] == [3] * 10
    finally:
        store.dispose()


def test_the_root_and_a_short_link_land_on_the_start_page_at_the_place(page, voila_server):
    status, body = http_get(f"{voila_server.base}/?lang=en")
    assert status == 200
    assert 'http-equiv="refresh" content="0; url=/voila/render/start.ipynb?lang=en"' in body
    assert 'window.location.replace("/voila/render/start.ipynb?lang=en")' in body
    page.goto(f"{voila_server.base}/", timeout=TIMEOUT)
    expect(page.get_by_role("heading", name="Välkommen till JämKit")).to_be_visible(timeout=TIMEOUT)
    assert page.url.startswith(voila_server.url("start.ipynb"))

    # what a QR code carries: the root (or the start page) with the code
    from kit.store import Store

    store = Store(voila_server.db_url)
    try:
        workshop = f"Rotkurs {uuid.uuid4().hex[:6]}"
        store.create_workshop(workshop, facilitator_key_hash=access.hash_key("x"))
        key = access.new_group_key()
        store.claim_group(workshop, "Åby", access.hash_key(key))
        code = store.join_code(workshop, "Åby", key)
    finally:
        store.dispose()
    page.goto(f"{voila_server.base}/?code={code}", timeout=TIMEOUT)
    expect(page.get_by_role("status").filter(has_text="Ni är med i")).to_contain_text(
        f"Ni är med i Åby i workshoppen {workshop}", timeout=TIMEOUT)
    expect(page.get_by_label("Organisation eller grupp")).to_have_value("Åby")
    expect(page).to_have_url(re.compile(r"/voila/render/start\.ipynb\?.*gkey="), timeout=TIMEOUT)
    assert "code=" not in page.url


@pytest.mark.timeout(240)
def test_serve_lan_gives_the_room_one_address_and_the_page_uses_it(browser, tmp_path):
    """``kit serve --lan``: a short token, the root address printed for the room to type, and
    the facilitator's page (opened on 127.0.0.1) showing that address, not a loopback notice."""
    import os
    import signal
    import subprocess
    import sys
    import time
    import urllib.error

    from tests.conftest import ROOT, free_port

    port = free_port()
    env = dict(os.environ, JAMKIT_DB_URL=f"sqlite:///{tmp_path / 'lan.sqlite'}")
    env.pop("MPLBACKEND", None)
    proc = subprocess.Popen([sys.executable, "-m", "kit", "serve", "--lan", "--port", str(port), "--no-browser",
                             "--participants", "2"], cwd=ROOT, env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True, start_new_session=True)
    context = browser.new_context(viewport={"width": 1200, "height": 900})
    try:
        first = proc.stdout.readline()
        match = re.match(rf"JämKit: http://([\d.]+):{port}/voila/render/start\.ipynb\?token=(\S+)", first)
        assert match, first
        host, token = match.groups()
        assert re.fullmatch(r"[a-z2-9]{4}-[a-z2-9]{4}", token) and not set(token) & set("01ilo")
        said = proc.stdout.readline()
        typed = f"http://{host}:{port}/?token={token}"
        assert typed in said, said
        deadline = time.time() + 150
        while True:
            try:
                http_get(f"http://127.0.0.1:{port}/voila/render/start.ipynb?token={token}")
                break
            except (urllib.error.URLError, ConnectionError):
                if time.time() > deadline:
                    raise
                time.sleep(1)
        page = context.new_page()
        page.goto(typed, timeout=TIMEOUT)  # what the room types: the root, which lands on the start page
        expect(page.get_by_role("heading", name="Välkommen till JämKit")).to_be_visible(timeout=TIMEOUT)
        assert "/voila/render/start.ipynb" in page.url
        fac = context.new_page()
        fac.goto(f"http://127.0.0.1:{port}/voila/render/start.ipynb?module=facilitator&token={token}", timeout=TIMEOUT)
        fac.get_by_label("Workshoppens namn").first.fill("Rummet")
        fac.get_by_role("button", name="Skapa workshop").click()
        expect(fac.locator(".jk-join-address")).to_contain_text(typed, timeout=TIMEOUT)
        expect(fac.locator(".jk-join-notice")).to_be_hidden()
        long_link = fac.locator(".jk-link-card a.jk-url").first.get_attribute("href")
        assert long_link.startswith(f"http://{host}:{port}/voila/render/start.ipynb?") and f"token={token}" in long_link
    finally:
        context.close()
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=30)
