"""Light kernels: the start page imports pandas, matplotlib, SQLAlchemy, openpyxl and the module
apps only when they are first needed, so an ordinarily launched entry kernel stays small.

Every check runs in a fresh process (a ``python -c`` or a real ipykernel), since the test
process itself has long imported everything.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
import threading
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
#: Never imported by the start page with no workshop in its address.
HEAVY = ("pandas", "numpy", "matplotlib", "sqlalchemy", "openpyxl",
         "kit.modules.selfassessment.app", "kit.modules.facilitator.app", "kit.plots")
#: Still not imported when the address names a workshop (its groups are read from the store).
HEAVY_WITH_STORE = ("pandas", "numpy", "matplotlib", "openpyxl",
                    "kit.modules.selfassessment.app", "kit.modules.facilitator.app", "kit.plots")
#: The ordinarily launched entry kernel's limit (decimal megabytes).
RSS_LIMIT = 100 * 1000 * 1000
#: What Voilà puts in a kernel's environment; none of it may leak in from the test's own.
VOILA_ENV = ("VOILA_PREHEAT", "VOILA_KERNEL_ID", "VOILA_APP_IP", "VOILA_APP_PORT",
             "VOILA_WS_PROTOCOL", "VOILA_WS_BASE_URL", "VOILA_SERVER_URL", "QUERY_STRING")


def report_code(watched=HEAVY) -> str:
    """Code that prints, after ``app = kit.app.start(...)``, what the process holds."""
    return f"""
import json, sys
print("\\nJAMKIT-REPORT " + json.dumps({{
    "loaded": sorted(m for m in sys.modules if m in {tuple(watched)!r}),
    "lang": app.lang, "params": app.params,
    "options": list(app.context.organisation_options)}}))
"""


def clean_env(**extra) -> dict:
    """The environment a kernel gets: the test's store (``JAMKIT_DB_URL``), no Voilà variables."""
    env = {k: v for k, v in os.environ.items() if k not in VOILA_ENV}
    env.update(extra)
    return env


def run_python(*code: str, **env) -> dict:
    """Run the code in a fresh interpreter; return the JSON it printed after JAMKIT-REPORT."""
    script = "\n".join(textwrap.dedent(part) for part in code)
    done = subprocess.run([sys.executable, "-c", script], cwd=ROOT,
                          env=clean_env(**env), capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    line = [ln for ln in done.stdout.splitlines() if ln.startswith("JAMKIT-REPORT ")][-1]
    return json.loads(line[len("JAMKIT-REPORT "):])


@pytest.fixture
def store_with_group():
    """The test's store with one group in workshop "W" (seeded from this process)."""
    from kit.store import Store

    store = Store(os.environ["JAMKIT_DB_URL"])
    store.save_answers("W", "Örby", "uppstart", "chef", {1: {"score": 3}})
    store.dispose()


class RequestInfo:
    """A stand-in for Voilà's ``voila/query/<kernel id>`` websocket: it answers a preheated
    kernel with the request's variables, as Voilà does when a page takes the kernel."""

    KERNEL_ID = "0f0e-light"

    def __init__(self, info: dict):
        from websockets.sync.server import serve

        self.info = info
        self.paths: list[str] = []
        self.server = serve(self._handle, "127.0.0.1", 0)
        self.port = self.server.socket.getsockname()[1]
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def _handle(self, ws) -> None:
        self.paths.append(ws.request.path)
        ws.send(json.dumps(self.info))

    def env(self) -> dict:
        return {"VOILA_PREHEAT": "True", "VOILA_APP_IP": "127.0.0.1", "VOILA_APP_PORT": str(self.port),
                "VOILA_SERVER_URL": "/", "VOILA_KERNEL_ID": self.KERNEL_ID}

    def close(self) -> None:
        self.server.shutdown()


# ------------------------------------------------------------------ imports, outside a kernel
def test_start_page_imports_nothing_heavy():
    found = run_python("""
        import kit.app
        app = kit.app.start()
    """, report_code())
    assert found["loaded"] == []
    assert found["options"] == [] and found["lang"] == "sv"


def test_start_page_for_a_workshop_reads_its_groups_without_pandas(store_with_group):
    found = run_python("""
        import kit.app
        app = kit.app.start(workshop="W")
    """, report_code())
    assert found["options"] == ["Örby"]  # the store was asked (SQLAlchemy is allowed now)
    assert not set(found["loaded"]) & set(HEAVY_WITH_STORE), found["loaded"]


def test_import_kit_is_light_and_its_api_resolves_on_use():
    found = run_python("""
        import json, sys
        import kit
        before = sorted(m for m in sys.modules if m in ("pandas", "numpy", "matplotlib"))
        listed = [n for n in kit.__all__ + ["plots"] if n in dir(kit)]
        table = kit.summary_table(kit.read_scores(
            name="svar.csv", data="Organisation;Tillfälle;Moment;Poäng\\nÖrby;Uppstart;1;3\\n".encode()))
        print("JAMKIT-REPORT " + json.dumps({
            "before": before, "listed": listed, "pandas": "pandas" in sys.modules,
            "value": float(table.loc[1, "uppstart"]), "radar": callable(kit.plots.radar),
            "same": kit.incomplete is sys.modules["kit.domain.scores"].incomplete,
            "salience": kit.salience_type(True, True, False),
            "shift": kit.run_chart_rules([5, 7, 5, 7, 5, 7, 9, 9, 9, 9, 9, 9], baseline=6).shift}))
    """)
    assert found["before"] == []
    assert sorted(found["listed"]) == ["InputError", "gap_measures", "incomplete", "organisation_totals",
                                       "plots", "read_indicators", "read_scores", "run_chart_rules",
                                       "salience_type", "summary_table", "suppress_small"]
    assert found["pandas"] and found["value"] == 3.0 and found["radar"] and found["same"]
    assert found["salience"] == "dominant" and found["shift"] is True


def test_light_modules_import_no_pandas():
    found = run_python("""
        import json, sys
        import kit.content, kit.domain.access, kit.domain.scores, kit.errors, kit.fmt, kit.store
        import kit.ui.html, kit.ui.start, kit.ui.strings, kit.ui.widgets
        print("JAMKIT-REPORT " + json.dumps(sorted(
            m for m in sys.modules if m in ("pandas", "numpy", "matplotlib", "openpyxl"))))
    """)
    assert found == []


def test_a_preheated_kernel_reads_the_request_without_voila_utils(store_with_group):
    server = RequestInfo({"QUERY_STRING": "lang=en&workshop=W&group=%C3%96rby"})
    try:
        found = run_python("""
            import kit.app
            app = kit.app.start()
        """, report_code(HEAVY + ("voila", "voila.utils")), **server.env())
    finally:
        server.close()
    assert server.paths == [f"/voila/query/{RequestInfo.KERNEL_ID}"]
    assert found["lang"] == "en" and found["params"]["group"] == "Örby"
    assert found["options"] == ["Örby"]
    assert not set(found["loaded"]) & {"voila", "voila.utils", *HEAVY_WITH_STORE}, found["loaded"]


# ------------------------------------------------------------------ a real, ordinary kernel
def entry_kernel_rss(env: dict) -> tuple[int, dict]:
    """Start an ordinary ``python3`` ipykernel, run the entry notebook's code in it, and return
    the kernel process's resident memory and what it reported."""
    import psutil
    from jupyter_client.manager import KernelManager

    km = KernelManager(kernel_name="python3")
    km.start_kernel(env=env, cwd=str(ROOT / "notebooks"))
    kc = km.client()
    outputs: list[str] = []

    def hook(msg):
        if msg["msg_type"] == "stream":
            outputs.append(msg["content"]["text"])
        elif msg["msg_type"] == "error":
            outputs.append("\n".join(msg["content"]["traceback"]))

    try:
        kc.start_channels()
        kc.wait_for_ready(timeout=60)
        reply = kc.execute_interactive("import kit.app\n\napp = kit.app.start()", timeout=120,
                                       output_hook=hook)
        assert reply["content"]["status"] == "ok", "".join(outputs)
        rss = psutil.Process(km.provisioner.pid).memory_info().rss
        reply = kc.execute_interactive(report_code(), timeout=60, output_hook=hook)
        assert reply["content"]["status"] == "ok", "".join(outputs)
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=True)
    text = "".join(outputs)
    line = [ln for ln in text.splitlines() if ln.startswith("JAMKIT-REPORT ")][-1]
    return rss, json.loads(line[len("JAMKIT-REPORT "):])


def test_an_ordinary_entry_kernel_stays_under_100_mb():
    rss, found = entry_kernel_rss(clean_env())
    print(f"entry kernel RSS: {rss / 1e6:.1f} MB")
    assert found["loaded"] == []
    assert rss <= RSS_LIMIT, f"the entry kernel holds {rss / 1e6:.1f} MB"


def test_a_preheated_entry_kernel_for_a_workshop_stays_under_100_mb(store_with_group):
    """As Voilà serves the entry notebook: the kernel was preheated and then given the request."""
    server = RequestInfo({"QUERY_STRING": "workshop=W"})
    try:
        rss, found = entry_kernel_rss(clean_env(**server.env()))
    finally:
        server.close()
    print(f"preheated entry kernel RSS (workshop): {rss / 1e6:.1f} MB")
    assert found["options"] == ["Örby"]
    assert not set(found["loaded"]) & set(HEAVY_WITH_STORE), found["loaded"]
    assert rss <= RSS_LIMIT, f"the entry kernel holds {rss / 1e6:.1f} MB"
