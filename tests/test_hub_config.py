"""The kit's JupyterHub configuration (kit/share/jupyterhub/jamkit_config.py) and its
participants' server (kit/hub.py), without a hub: what each user's server runs, which
environment it gets, and who may have JupyterLab. tests/test_hub.py runs them in a real hub."""

from __future__ import annotations

import types

import pytest
from traitlets.config import Config, PyFileConfigLoader

from kit import hub
from tests.conftest import ROOT

CONFIG = ROOT / "kit" / "share" / "jupyterhub" / "jamkit_config.py"


def load(monkeypatch, env: dict | None = None, parent: Config | None = None) -> Config:
    """The file as JupyterHub loads it: a sub-configuration merged into the main one."""
    for name in ("JAMKIT_DB_URL", "JAMKIT_LAB_DB_URL", "JAMKIT_LAB_GROUP", "JAMKIT_CULL_SECONDS"):
        monkeypatch.delenv(name, raising=False)
    for name, value in (env or {}).items():
        monkeypatch.setenv(name, value)
    loader = PyFileConfigLoader(CONFIG.name, path=str(CONFIG.parent))
    merged = Config(parent or {})
    merged.merge(loader.load_config())
    return merged


def resolved(value, empty):
    """A container as the hub sees it once every file is merged (a lazy extension of nothing
    becomes the extension itself)."""
    from traitlets.config import LazyConfigValue

    return value.get_value(empty) if isinstance(value, LazyConfigValue) else value


def spawner(config: Config, name: str = "", groups=(), environment=None):
    user = types.SimpleNamespace(name="anna", groups=[types.SimpleNamespace(name=g) for g in groups])
    env = dict(environment if environment is not None else resolved(config.Spawner.environment, {}))
    return types.SimpleNamespace(name=name, user=user, cmd=["jupyterhub-singleuser"], default_url="/lab",
                                 environment=env)


def test_every_users_own_server_runs_the_apps_only(monkeypatch):
    config = load(monkeypatch, {"JAMKIT_DB_URL": "postgresql://jamkit_app@db/jamkit"})
    assert config.Spawner.cmd == ["jamkit-singleuser"]
    assert config.Spawner.default_url == "/voila/render/start.ipynb"
    s = spawner(config, groups=["jamkit-lab"])  # a lab member's own server is the apps' too
    config.Spawner.pre_spawn_hook(s)
    assert s.cmd == ["jamkit-singleuser"] and s.default_url == "/voila/render/start.ipynb"
    assert s.environment["JAMKIT_DB_URL"] == "postgresql://jamkit_app@db/jamkit"


def test_the_lab_group_gets_jupyterlab_without_the_apps_database(monkeypatch):
    config = load(monkeypatch, {"JAMKIT_DB_URL": "postgresql://jamkit_app:pw@db/jamkit"})
    s = spawner(config, "lab", groups=["jamkit-lab"], environment={
        **resolved(config.Spawner.environment, {}), "JAMKIT_DB_URL_FILE": "/x", "LANG": "sv_SE.UTF-8"})
    config.Spawner.pre_spawn_hook(s)
    assert s.cmd == ["jupyterhub-singleuser"] and s.default_url == "/lab"
    assert s.environment == {"LANG": "sv_SE.UTF-8"}  # no database URL of the apps' reaches Lab
    monkeypatch.setenv("JAMKIT_LAB_DB_URL", "postgresql://jamkit_read@db/jamkit")
    s = spawner(config, "lab", groups=["jamkit-lab"])
    config.Spawner.pre_spawn_hook(s)
    assert s.environment["JAMKIT_DB_URL"] == "postgresql://jamkit_read@db/jamkit"


@pytest.mark.parametrize("name, groups", [("lab", []), ("lab", ["analytiker"]), ("other", ["jamkit-lab"])])
def test_anyone_else_asking_for_a_second_server_is_refused(monkeypatch, name, groups):
    from tornado.web import HTTPError

    config = load(monkeypatch)
    s = spawner(config, name, groups=groups)
    with pytest.raises(HTTPError) as refused:
        config.Spawner.pre_spawn_hook(s)
    assert refused.value.status_code == 403 and "jamkit-lab" in refused.value.log_message
    assert s.cmd == ["jupyterhub-singleuser"]  # untouched: the spawn stops here


def test_the_group_can_be_renamed(monkeypatch):
    config = load(monkeypatch, {"JAMKIT_LAB_GROUP": "regionens-analytiker"})
    s = spawner(config, "lab", groups=["regionens-analytiker"])
    config.Spawner.pre_spawn_hook(s)
    assert s.cmd == ["jupyterhub-singleuser"]


def test_what_the_main_file_set_is_kept(monkeypatch):
    """Loaded as a sub-configuration, the file extends the main file's containers."""
    parent = Config()
    parent.Spawner.environment = {"LANG": "sv_SE.UTF-8"}
    parent.JupyterHub.services = [{"name": "announcement"}]
    parent.JupyterHub.load_roles = [{"name": "announcement", "scopes": ["read:users"], "services": ["announcement"]}]
    config = load(monkeypatch, {"JAMKIT_DB_URL": "postgresql://jamkit_app@db/jamkit", "JAMKIT_CULL_SECONDS": "1800"},
                  parent)
    assert config.Spawner.environment == {"LANG": "sv_SE.UTF-8", "JAMKIT_DB_URL": "postgresql://jamkit_app@db/jamkit"}
    names = [s["name"] for s in config.JupyterHub.services]
    assert names == ["announcement", "jamkit-idle-culler"]
    culler = config.JupyterHub.services[-1]["command"]
    assert culler[1:3] == ["-m", "jupyterhub_idle_culler"] and "--timeout=1800" in culler and "--cull-every=300" in culler
    assert "--max-age=43200" in culler
    role = config.JupyterHub.load_roles[-1]
    assert role["services"] == ["jamkit-idle-culler"] and "delete:servers" in role["scopes"]
    assert [r["name"] for r in config.JupyterHub.load_roles] == ["announcement", "jamkit-idle-culler"]


def test_no_culler_unless_asked(monkeypatch):
    config = load(monkeypatch)
    assert resolved(config.JupyterHub.services, []) == []
    assert resolved(config.Spawner.environment, {}) == {}


# ------------------------------------------------------------------ kit.hub
HUB_ENV = {"JUPYTERHUB_SERVICE_PREFIX": "/region/user/anna/",
           "JUPYTERHUB_SERVICE_URL": "http://127.0.0.1:47213/region/user/anna/"}


def test_the_participants_server_is_voila_behind_the_hubs_login():
    args = hub.command(env=HUB_ENV)
    assert args[1:3] == ["-m", "voila"]
    assert "--Voila.ip=127.0.0.1" in args and "--port=47213" in args
    assert "--Voila.base_url=/region/user/anna/" in args
    assert f"--Voila.identity_provider_class={hub.IDENTITY}" in args
    assert f"--Voila.authorizer_class={hub.AUTHORIZER}" in args
    assert not any(a.startswith("--token") for a in args)
    assert any('"pool_size": 0' in a for a in args)  # no kernel kept ready for an idle user
    assert "--template=jamkit" in args and "--VoilaConfiguration.show_tracebacks=False" in args


def test_the_login_routes_live_under_the_users_prefix(monkeypatch):
    pytest.importorskip("jupyterhub")
    for name, value in {**HUB_ENV, "JUPYTERHUB_API_TOKEN": "t", "JUPYTERHUB_CLIENT_ID": "jupyterhub-user-anna",
                        "JUPYTERHUB_API_URL": "http://127.0.0.1:8081/region/hub/api",
                        "JUPYTERHUB_OAUTH_CALLBACK_URL": "/region/user/anna/oauth_callback",
                        "JUPYTERHUB_BASE_URL": "/region/"}.items():
        monkeypatch.setenv(name, value)
    provider = hub.HubIdentityProvider(token="", login_handler_class=object)  # as Voilà passes them
    routes = [route for route, *_ in provider.get_handlers()]
    assert routes == ["/region/user/anna/logout", "/region/user/anna/oauth_callback"]
    assert provider.token == "t"  # the hub's token, not Voilà's


def test_outside_a_hub_it_says_what_to_run_instead(monkeypatch, capsys):
    monkeypatch.delenv("JUPYTERHUB_SERVICE_PREFIX", raising=False)
    assert hub.main([]) == 2
    err = capsys.readouterr().err
    assert "JupyterHub" in err and "python -m kit serve" in err
    from kit.cli import main

    assert main(["hub"]) == 2  # python -m kit hub is the same command


def test_the_hubs_login_page_comes_from_beside_the_file_first(monkeypatch):
    config = load(monkeypatch)
    paths = resolved(config.JupyterHub.template_paths, ["/hub/share/jupyterhub/templates"])
    assert paths == [str(CONFIG.parent / "jamkit_templates"), "/hub/share/jupyterhub/templates"]
    login = (CONFIG.parent / "jamkit_templates" / "login.html").read_text()
    assert login.lstrip().startswith("{#") and '{% extends "templates/login.html" %}' in login
    assert 'lang="sv"' in login
