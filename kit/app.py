"""Entry points for the notebooks: each starts one app and displays it.

In Voilà with preheated kernels the notebook runs before the request arrives, so the URL's
query string is read only after the request has come (:func:`wait_for_request`).

This module, and the start page it shows, import little: pandas, matplotlib, SQLAlchemy and
the module apps are imported when they are first needed, so an entry kernel stays small.
"""

from __future__ import annotations

import os
from urllib.parse import parse_qs


def wait_for_request() -> None:
    """In a kernel that Voilà preheated (``VOILA_PREHEAT=True``), wait until a page request
    takes the kernel, and put that request's variables (``QUERY_STRING``, ...) into the
    environment; anywhere else (no preheating, JupyterLab, nbval) return at once.

    This is what :func:`voila.utils.wait_for_request` does — it asks Voilà's websocket
    ``voila/query/<kernel id>`` — without importing :mod:`voila.utils`, which loads much of
    Jupyter Server (some 40 MB in every kernel).
    """
    env = os.environ
    if env.get("VOILA_PREHEAT", "False") == "False":
        return
    try:
        from websockets.sync.client import connect
    except ImportError:  # websockets before 11: Voilà's own helper
        from voila.utils import wait_for_request as voila_wait

        voila_wait()
        return
    import json

    base = env.get("VOILA_WS_BASE_URL", env.get("VOILA_SERVER_URL", "/"))
    url = (f"{env.get('VOILA_WS_PROTOCOL', 'ws')}://{env.get('VOILA_APP_IP', '127.0.0.1')}:"
           f"{env.get('VOILA_APP_PORT', '8866')}{base}voila/query/{env.get('VOILA_KERNEL_ID')}")
    with connect(url, open_timeout=5) as ws:
        info = ws.recv()
    for key, value in json.loads(info).items():
        env[key] = value


def query_params() -> dict:
    """The page URL's query parameters (``lang``, ``workshop``, ``group``, ...), or ``{}``.

    >>> os.environ["QUERY_STRING"] = "lang=en&group=%C3%96rby&x=1&x=2"
    >>> sorted(query_params().items())
    [('group', 'Örby'), ('lang', 'en'), ('x', '1')]
    >>> del os.environ["QUERY_STRING"]
    """
    try:
        wait_for_request()
    except Exception as exc:  # noqa: BLE001 - the request never came: open without its parameters
        import logging

        logging.getLogger("kit").warning("no request info from Voilà: %s", exc)
    raw = os.environ.get("QUERY_STRING", "")
    return {k: v[0][:200] for k, v in parse_qs(raw, keep_blank_values=False).items()}


def _log_to_server() -> None:
    """The kit's warnings and errors go to the server's log (the kernel's real stderr), never
    into the participant's page, which is where a kernel's ``sys.stderr`` would put them."""
    import logging
    import sys

    logger = logging.getLogger("kit")
    if not any(getattr(h, "_jamkit", False) for h in logger.handlers):
        handler = logging.StreamHandler(sys.__stderr__)
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
        handler._jamkit = True
        logger.addHandler(handler)
        logger.setLevel(logging.INFO)


def _display(widget):
    from IPython.display import display

    display(widget)
    return widget


def start(**overrides):
    """The start page (the shell for every module)."""
    from kit.ui.start import StartApp

    _log_to_server()
    app = StartApp(query_params() | overrides)
    _display(app.widget)
    return app


def module(key: str, **overrides):
    """One module of the registry (:mod:`kit.modules`) on its own page — what each module's
    notebook calls (self-study, JupyterLab, nbval). The URL's parameters (``lang``,
    ``workshop``, ``group``, ``gkey``, ``occasion``...) are passed on, ``overrides`` win."""
    from kit import modules

    found = modules.get(key)
    if found is None or not found.ready:
        raise LookupError(f"JämKit has no ready module {key!r}: "
                          f"{', '.join(m.key for m in modules.REGISTRY if m.ready)}")
    _log_to_server()
    params = query_params() | overrides
    params.pop("module", None)
    app = found.app(params)
    _display(app.widget)
    return app


def self_assessment(**overrides):
    """The self-assessment app on its own (its notebook)."""
    return module("sjalvskattning", **overrides)


def stakeholders(**overrides):
    """The stakeholder analysis (Intressentanalys) on its own (its notebook)."""
    return module("intressentanalys", **overrides)


def statistics(**overrides):
    """The Statistik page (sex-disaggregated statistics) in a notebook."""
    return module("statistik", **overrides)


def analysis(**overrides):
    """The Könskonsekvensanalys page (the guided gender-impact analysis) in a notebook."""
    return module("konskonsekvensanalys", **overrides)


def improvement(**overrides):
    """The Förbättringsteori page (the improvement theory, PDSA and run charts) in a notebook."""
    return module("forbattringsteori", **overrides)


def facilitator(**overrides):
    """The facilitator's app on its own (its notebook)."""
    return module("facilitator", **overrides)
