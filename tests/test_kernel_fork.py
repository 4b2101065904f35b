"""Forked kernels (kit.kernel): the provisioner's lifecycle, the template's rules, the fallback.

Every test starts real kernels through ``jupyter_client`` with the kit's ``jamkit`` kernelspec,
as Voilà, JupyterLab and nbval do, and each gets its own template process.
"""

from __future__ import annotations

import asyncio
import json
import os
import signal
import socket
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import psutil
import pytest

from kit.kernel import provisioner as prov
from kit.kernel import template as tpl

ROOT = Path(__file__).resolve().parent.parent
SHARE = ROOT / "kit" / "share" / "jupyter"

pytestmark = pytest.mark.skipif(not prov.fork_supported(), reason="fork needs Linux with pidfds")


@pytest.fixture
def template(monkeypatch, tmp_path):
    """A fresh template for this test, stopped afterwards; kernels find the kit's kernelspec."""
    monkeypatch.setenv("JUPYTER_PATH", str(SHARE))
    monkeypatch.delenv("MPLBACKEND", raising=False)
    monkeypatch.delenv("JAMKIT_FORK", raising=False)
    monkeypatch.setenv("JUPYTER_RUNTIME_DIR", str(tmp_path / "runtime"))
    fresh = prov.Template()
    monkeypatch.setattr(prov, "TEMPLATE", fresh)
    yield fresh
    fresh.stop()


def run(coro):
    """Run ``coro`` on a loop of its own, in a thread of its own: the browser tests' Playwright
    keeps an event loop running in the main thread."""
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, coro).result()


async def start(**kwargs):
    from jupyter_client.manager import AsyncKernelManager

    km = AsyncKernelManager(kernel_name="jamkit")
    await km.start_kernel(**kwargs)
    return km


async def execute(km, code: str, timeout: float = 60) -> tuple[str, dict]:
    """Run ``code``; return its stdout and the execute reply's content."""
    kc = km.client()
    kc.start_channels()
    out = []
    try:
        await kc.wait_for_ready(timeout=timeout)

        def on_output(msg):
            if msg["msg_type"] == "stream":
                out.append(msg["content"]["text"])

        reply = await kc.execute_interactive(code, timeout=timeout, output_hook=on_output)
    finally:
        kc.stop_channels()
    return "".join(out), reply["content"]


def alive(pid: int) -> bool:
    try:
        return psutil.Process(pid).status() != psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return False


def wait_gone(pids, seconds: float = 15) -> list[int]:
    deadline = time.time() + seconds
    while time.time() < deadline:
        left = [p for p in pids if alive(p)]
        if not left:
            return []
        time.sleep(0.2)
    return [p for p in pids if alive(p)]


# ------------------------------------------------------------------ lifecycle
def test_start_execute_interrupt_restart_shutdown(template):
    async def scenario():
        km = await start()
        assert km.provisioner.forked, "the kernel should be a fork of the template"
        first = km.provisioner.pid
        assert psutil.Process(first).ppid() == template.proc.pid
        out, reply = await execute(km, "import os; print(os.getpid(), 6 * 7)")
        assert reply["status"] == "ok" and out.split() == [str(first), "42"]

        # interrupt a running cell: the kernel answers KeyboardInterrupt and lives on
        kc = km.client()
        kc.start_channels()
        await kc.wait_for_ready(timeout=30)
        msg_id = kc.execute("import time; time.sleep(60)")
        await asyncio.sleep(1.0)
        t0 = time.monotonic()
        await km.interrupt_kernel()
        while True:
            msg = await kc.get_shell_msg(timeout=30)
            if msg["parent_header"].get("msg_id") == msg_id:
                break
        kc.stop_channels()
        assert msg["content"]["status"] == "error"
        assert msg["content"]["ename"] == "KeyboardInterrupt"
        assert time.monotonic() - t0 < 10
        assert await km.is_alive()

        await km.restart_kernel()
        assert km.provisioner.forked
        second = km.provisioner.pid
        assert second != first and not alive(first)
        out, _ = await execute(km, "print('after restart')")
        assert out.strip() == "after restart"

        await km.shutdown_kernel()
        assert not await km.is_alive()
        assert wait_gone([second]) == []

    run(scenario())


def test_forked_kernels_get_distinct_keys_and_random_state(template):
    code = textwrap.dedent("""
        import json, random, secrets, tempfile, uuid
        import numpy
        from kit.domain import access
        print(json.dumps([secrets.token_hex(16), random.random(), float(numpy.random.rand()),
                          str(uuid.uuid4()), tempfile.NamedTemporaryFile(delete=True).name,
                          access.new_group_key(), access.new_facilitator_key()]))
    """)

    async def scenario():
        kms = [await start() for _ in range(3)]
        try:
            assert all(km.provisioner.forked for km in kms)
            rows = []
            for km in kms:
                out, reply = await execute(km, code)
                assert reply["status"] == "ok", reply
                rows.append(json.loads(out))
        finally:
            for km in kms:
                await km.shutdown_kernel(now=True)
        for column in zip(*rows):
            assert len(set(column)) == len(column), f"forks share state: {column}"

    run(scenario())


def test_kernel_finds_the_inline_backend_and_the_environment_it_was_given(template, tmp_path):
    code = textwrap.dedent("""
        import os, sys, time, matplotlib
        import matplotlib.pyplot as plt
        plt.plot([1, 2])
        print(matplotlib.get_backend(), os.environ.get("JAMKIT_PROBE"), os.getcwd(),
              time.tzname[0], 'matplotlib_inline.backend_inline' in sys.modules)
    """)

    async def scenario():
        env = dict(os.environ, JAMKIT_PROBE="probe-1", TZ="Europe/Stockholm")
        km = await start(env=env, cwd=str(tmp_path))
        try:
            assert km.provisioner.forked
            kc = km.client()
            kc.start_channels()
            await kc.wait_for_ready(timeout=30)
            kinds, out = [], []

            def hook(msg):
                kinds.append(msg["msg_type"])
                if msg["msg_type"] == "stream":
                    out.append(msg["content"]["text"])
                if msg["msg_type"] == "display_data":
                    kinds.append(sorted(msg["content"]["data"]))

            reply = await kc.execute_interactive(code, timeout=60, output_hook=hook)
            kc.stop_channels()
        finally:
            await km.shutdown_kernel(now=True)
        assert reply["content"]["status"] == "ok", reply["content"]
        backend, probe, cwd, tz, inline_loaded = "".join(out).split()
        assert backend == tpl.INLINE_BACKEND and inline_loaded == "True"
        assert probe == "probe-1" and Path(cwd) == tmp_path and tz == "CET"
        assert ["image/png", "text/plain"] in kinds, "the inline backend drew no figure"

    run(scenario())


# ------------------------------------------------------------------ template failures
def test_template_crash_takes_no_kernel_and_the_next_launch_gets_a_new_template(template):
    async def scenario():
        km = await start()
        assert km.provisioner.forked
        old_template = template.proc.pid
        os.kill(old_template, signal.SIGKILL)
        assert wait_gone([old_template]) == []
        out, reply = await execute(km, "print('still here')")
        assert out.strip() == "still here", "a template crash must not end a live kernel"

        km2 = await start()
        try:
            assert km2.provisioner.forked
            assert template.proc.pid != old_template
            out, _ = await execute(km2, "print(1)")
            assert out.strip() == "1"
        finally:
            await km2.shutdown_kernel(now=True)
        # the first kernel, now an orphan of the dead template, is still managed
        pid = km.provisioner.pid
        await km.shutdown_kernel()
        assert wait_gone([pid]) == []

    run(scenario())


def test_a_redeploy_replaces_the_template_and_keeps_live_kernels(template, monkeypatch):
    async def scenario():
        km = await start()
        old = template.proc
        monkeypatch.setattr(template, "current_fingerprint", lambda: "a-new-deploy")
        km2 = await start()
        try:
            assert km2.provisioner.forked and template.proc.pid != old.pid
            assert old.wait(timeout=10) is not None  # the old template retired
            for k in (km, km2):
                out, _ = await execute(k, "print('ok')")
                assert out.strip() == "ok"
        finally:
            await km.shutdown_kernel(now=True)
            await km2.shutdown_kernel(now=True)

    run(scenario())


def test_a_template_that_cannot_start_falls_back_to_the_ordinary_launch(template, monkeypatch):
    monkeypatch.setattr(prov, "READY_TIMEOUT", 5)
    monkeypatch.setattr(template, "start", lambda: False)  # e.g. paused after crashes

    async def scenario():
        km = await start()
        try:
            assert not km.provisioner.forked
            assert psutil.Process(km.provisioner.pid).ppid() == os.getpid()
            out, _ = await execute(km, "print('ordinary')")
            assert out.strip() == "ordinary"
        finally:
            await km.shutdown_kernel(now=True)

    run(scenario())


def test_repeated_quick_deaths_pause_forking(template):
    for _ in range(3):
        assert template.start()
        template.proc.kill()
        template.proc.wait()
        template._forget()
    assert not template.start(), "three quick deaths in a row pause the template"


# ------------------------------------------------------------------ fallback
@pytest.mark.parametrize("case", ["off", "pythonpath", "backend", "unsupported"])
def test_fallback_path_starts_an_ordinary_kernel(template, monkeypatch, case, tmp_path):
    env = dict(os.environ)
    if case == "off":
        monkeypatch.setenv("JAMKIT_FORK", "0")
        env["JAMKIT_FORK"] = "0"
    elif case == "pythonpath":
        extra = tmp_path / "extra"
        extra.mkdir()
        (extra / "jamkit_probe_mod.py").write_text("VALUE = 7\n")
        env["PYTHONPATH"] = str(extra)
    elif case == "backend":
        env["MPLBACKEND"] = "Agg"
    else:
        monkeypatch.setattr(prov, "fork_supported", lambda: False)

    async def scenario():
        km = await start(env=env)
        try:
            assert not km.provisioner.forked
            code = "import matplotlib; print(matplotlib.get_backend())"
            if case == "pythonpath":
                code = "import jamkit_probe_mod; print(jamkit_probe_mod.VALUE)"
            out, reply = await execute(km, code)
            assert reply["status"] == "ok", reply
            if case == "pythonpath":
                assert out.strip() == "7"
            if case == "backend":
                assert out.strip().lower() == "agg"
            pid = km.provisioner.pid
            await km.interrupt_kernel()
            await km.restart_kernel()
            assert km.provisioner.pid != pid and not km.provisioner.forked
        finally:
            await km.shutdown_kernel(now=True)

    run(scenario())


def test_why_not_names_each_reason(template):
    info = {"executable": sys.executable, "startup": tpl.startup_settings(os.environ), "problems": []}
    cmd = [sys.executable, "-m", "ipykernel_launcher", "-f", "x.json"]
    assert template.why_not(cmd, {"env": dict(os.environ)}, info) is None
    assert "not ready" in template.why_not(cmd, {}, None)
    assert "interpreter" in template.why_not(["/usr/bin/python3.9", *cmd[1:]], {}, info)
    assert "ipykernel" in template.why_not([sys.executable, "-m", "other"], {}, info)
    assert "options" in template.why_not(cmd, {"stdout": 1}, info)
    assert "unsafe" in template.why_not(cmd, {}, dict(info, problems=["2 threads"]))
    env = dict(os.environ, PYTHONHASHSEED="1")
    assert "interpreter start" in template.why_not(cmd, {"env": env}, info)


# ------------------------------------------------------------------ the template's rules
def test_fork_problems_sees_threads_and_forbidden_imports():
    script = textwrap.dedent("""
        import sys, threading, time
        from kit.kernel import template as tpl
        print(tpl.fork_problems())
        t = threading.Thread(target=time.sleep, args=(2,)); t.start()
        print(tpl.fork_problems())
        t.join()
        import matplotlib.pyplot
        print(tpl.fork_problems())
    """)
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                         timeout=120, env=dict(os.environ, MPLBACKEND="Agg")).stdout.splitlines()
    assert out[0] == "[]"
    assert "2 threads" in out[1]
    assert "matplotlib.pyplot is imported" in out[2]


def test_the_template_preloads_without_threads_or_the_inline_backend(template):
    assert template.start()
    info = run(template.ready())
    assert info is not None and info["problems"] == []
    proc = psutil.Process(info["pid"])
    assert proc.num_threads() == 1
    folder = Path(template.folder)
    assert folder.stat().st_mode & 0o777 == 0o700
    assert Path(template.path).stat().st_mode & 0o777 == 0o600


def test_the_template_answers_only_its_own_user(template, monkeypatch):
    assert template.start()
    assert run(template.ready()) is not None
    # another user cannot even reach the socket: its folder is private
    code = textwrap.dedent(f"""
        import os, socket
        os.setgid(65534); os.setuid(65534)
        s = socket.socket(socket.AF_UNIX)
        try:
            s.connect({template.path!r}); print("connected")
        except PermissionError:
            print("refused")
    """)
    if os.getuid() == 0:
        out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
        assert out.stdout.strip() == "refused", out.stderr
    # and a peer with another uid gets no answer (the check behind the folder)
    server = tpl.Server(str(Path(template.folder) / "other.sock"), os.getppid())
    server.listen()
    monkeypatch.setattr(tpl, "peer_uid", lambda conn: os.getuid() + 1)
    client = socket.socket(socket.AF_UNIX)
    client.connect(server.path)
    client.sendall(b'{"op": "ping"}\n')
    server._accept()
    client.settimeout(2)
    try:
        answer = client.recv(100)
    except ConnectionResetError:  # closed with our request unread
        answer = b""
    assert answer == b"", "a stranger got an answer"
    client.close()
    server.close()


def test_bad_requests_get_an_answer_and_the_template_lives_on(template):
    assert template.start()
    assert run(template.ready()) is not None
    for req in ({"op": "nonsense"}, {"op": "fork"}, {"op": "fork", "argv": [], "env": {}, "server_pid": "x"}):
        reply, fds, conn = tpl.request(template.path, req)
        conn.close()
        assert reply["ok"] is False and reply["error"] and fds == []
    raw = socket.socket(socket.AF_UNIX)
    raw.connect(template.path)
    raw.sendall(b"not json\n")
    raw.settimeout(5)
    assert b'"ok": false' in raw.recv(1000)
    raw.close()
    assert template.ping() is not None


# ------------------------------------------------------------------ the server dying
SERVER = textwrap.dedent("""
    import asyncio, json, os, sys
    os.environ["JUPYTER_PATH"] = sys.argv[1]
    from jupyter_client.manager import AsyncKernelManager
    from kit.kernel import provisioner as prov

    async def main():
        km = AsyncKernelManager(kernel_name="jamkit")
        await km.start_kernel()
        kc = km.client(); kc.start_channels(); await kc.wait_for_ready(timeout=60)
        print(json.dumps({"kernel": km.provisioner.pid, "forked": km.provisioner.forked,
                          "template": prov.TEMPLATE.proc.pid}), flush=True)
        await asyncio.sleep(3600)

    asyncio.run(main())
""")


def test_killing_the_server_leaves_no_kernel_and_no_template(tmp_path):
    env = dict(os.environ, JUPYTER_RUNTIME_DIR=str(tmp_path / "rt"))
    env.pop("MPLBACKEND", None)
    server = subprocess.Popen([sys.executable, "-c", SERVER, str(SHARE)], stdout=subprocess.PIPE,
                              env=env, text=True)
    try:
        line = server.stdout.readline()
        info = json.loads(line)
        assert info["forked"]
        assert alive(info["kernel"]) and alive(info["template"])
        server.kill()  # SIGKILL: no shutdown, no atexit
        server.wait()
        assert wait_gone([info["kernel"], info["template"]], 15) == []
    finally:
        if server.poll() is None:
            server.kill()


FACTS = textwrap.dedent("""
    import json, os, sys
    import comm, matplotlib
    ip = get_ipython()
    print(json.dumps({
        "targets": sorted(comm.get_comm_manager().targets),
        "backend": matplotlib.get_backend(),
        "path": sys.path[:4], "cwd": os.getcwd(),
        "argv0": os.path.basename(sys.argv[0]),
        "formatters": sorted(k for k, f in ip.display_formatter.formatters.items() if f.enabled),
        "extensions": sorted(ip.extension_manager.loaded),
    }))
""")


def test_a_forked_kernel_is_set_up_like_an_ordinary_one(template, monkeypatch, tmp_path):
    """What a kernel registers when it starts (the widgets' comm targets among them) must not
    depend on how it was launched."""
    async def facts(fork: bool) -> dict:
        monkeypatch.setenv("JAMKIT_FORK", "1" if fork else "0")
        km = await start(env=dict(os.environ), cwd=str(tmp_path))
        try:
            assert km.provisioner.forked is fork
            out, reply = await execute(km, "import ipywidgets, kit.app\n" + FACTS)
            assert reply["status"] == "ok", reply
        finally:
            await km.shutdown_kernel(now=True)
        return json.loads(out)

    forked, ordinary = run(facts(True)), run(facts(False))
    assert "jupyter.widget.control" in forked["targets"]
    assert forked == ordinary
    assert Path(forked["cwd"]) == tmp_path


def test_signalling_an_ended_kernel_is_a_no_op_as_for_popen():
    """jupyter_client interrupts a kernel before shutting it down, dead or not; Popen ignores a
    signal to a process that has ended, and so must the forked kernel's stand-in."""
    pid = os.fork()
    if pid == 0:
        os._exit(3)
    ours, theirs = socket.socketpair()
    proc = prov.ForkedProcess(pid, os.pidfd_open(pid), ours)
    try:
        deadline = time.time() + 10
        while not proc._ended(0.1):
            assert time.time() < deadline
        theirs.sendall(b'{"exit": 3}\n')
        os.waitpid(pid, 0)
        for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGKILL):
            proc.send_signal(sig)  # no ProcessLookupError
        assert proc.wait(timeout=1) == 3 and proc.poll() == 3
        proc.kill()
    finally:
        theirs.close()
