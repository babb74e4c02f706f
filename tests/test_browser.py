"""A student's view in a real browser: JupyterLab serves a filled-in planning notebook with
the planning explorer added, headless Chromium runs all its cells and checks that the
explorer (not its static fallback) shows the plot of its default run, moves the k slider
(which alone runs nothing), clicks Run and checks that the widget shows a new plot, then
again with another k.

Needs Debian's Chromium at /usr/bin/chromium (`make test` installs it; by hand:
`apt-get update && apt-get install -y chromium`). Playwright's own browser downloads are
never used. JupyterLab runs in a network namespace of its own with only a loopback
interface (when `unshare` is allowed, as for root) and listens on a Unix socket; this test
relays a random free port on 127.0.0.1 to that socket, so the browser reaches it while
the server can reach nothing else. Screenshots go to `<pytest tmp>/browser_screenshots`.
"""

import json
import os
import pathlib
import secrets
import shutil
import socket
import subprocess
import sys
import threading
import time
import urllib.request

import nbformat
import pytest

ROOT = pathlib.Path(__file__).resolve().parents[1]
CHROMIUM = pathlib.Path("/usr/bin/chromium")
NOTEBOOK = ROOT / "examples" / "submissions" / "alice" / "02_planning.ipynb"
WIDGET_CELL = ("from helpers.widgets import planning_explorer\n"
               "planning_explorer(dyna_q_model_update, dyna_q_planning)")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                 "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync",
                 # the browser resolves no name but the local server's
                 "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1"]


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Relay:
    """Forward TCP connections on 127.0.0.1:`port` to the Unix socket `path`."""

    def __init__(self, port, path):
        self.path = path
        self.listener = socket.create_server(("127.0.0.1", port))
        self.listener.settimeout(0.5)
        self.stopped = threading.Event()
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self):
        while not self.stopped.is_set():
            try:
                client, _ = self.listener.accept()
            except (socket.timeout, OSError):
                continue
            try:
                server = socket.socket(socket.AF_UNIX)
                server.connect(self.path)
            except OSError:
                client.close()
                continue
            for source, target in ((client, server), (server, client)):
                threading.Thread(target=self._pump, args=(source, target), daemon=True).start()

    @staticmethod
    def _pump(source, target):
        try:
            while data := source.recv(65536):
                target.sendall(data)
        except OSError:
            pass
        finally:
            for end in (source, target):
                try:
                    end.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass

    def close(self):
        self.stopped.set()
        self.thread.join(timeout=2)
        self.listener.close()


def loopback_only_prefix():
    """A command prefix that runs a program in a new network namespace with only 'lo'
    up, or [] where this user may not create one."""
    prefix = ["unshare", "--net", "--", "sh", "-c", 'ip link set lo up && exec "$0" "$@"']
    if shutil.which("unshare") and shutil.which("ip"):
        probe = subprocess.run([*prefix, "true"], capture_output=True)
        if probe.returncode == 0:
            return prefix
    return []


def prepare_folder(folder):
    """The planning notebook with the widget cell added before its summary, and the
    public tests next to it, as a student has them."""
    notebook = nbformat.read(NOTEBOOK, as_version=4)
    cell = nbformat.v4.new_code_cell(WIDGET_CELL)
    if notebook.nbformat_minor < 5:  # cell ids came with nbformat 4.5
        del cell["id"]
    notebook.cells.insert(len(notebook.cells) - 1, cell)
    nbformat.write(notebook, folder / "02_planning.ipynb")
    shutil.copytree(ROOT / "notebooks" / "tests", folder / "tests")


def jupyter_environment(home):
    """Environment for a JupyterLab that reads and writes only below `home` and asks the
    internet for nothing (no news, no update check)."""
    env = {key: value for key, value in os.environ.items()
           if not key.startswith(("JUPYTER", "IPYTHON", "MPLBACKEND"))}
    names = {"JUPYTER_CONFIG_DIR": "config", "JUPYTER_DATA_DIR": "data",
             "JUPYTER_RUNTIME_DIR": "runtime", "JUPYTERLAB_SETTINGS_DIR": "settings",
             "JUPYTERLAB_WORKSPACES_DIR": "workspaces", "IPYTHONDIR": "ipython"}
    for name, sub in names.items():
        (home / sub).mkdir(parents=True, exist_ok=True)
        env[name] = str(home / sub)
    (home / "config" / "jupyter_server_config.json").write_text(json.dumps({
        "LabApp": {"news_url": None, "check_for_updates_class": "jupyterlab.NeverCheckForUpdate",
                   "extension_manager": "readonly"},
        "LanguageServerManager": {"autodetect": False},
    }))
    notification = home / "settings" / "@jupyterlab" / "apputils-extension"
    notification.mkdir(parents=True)
    (notification / "notification.jupyterlab-settings").write_text(
        json.dumps({"fetchNews": "false", "checkForUpdates": False}))
    env["JUPYTER_PLATFORM_DIRS"] = "1"
    return env


@pytest.fixture(scope="module")
def chromium():
    if not CHROMIUM.exists():
        pytest.fail(f"Chromium is missing at {CHROMIUM}: install Debian's package with "
                    "`apt-get update && apt-get install -y chromium` (or run `make test`, "
                    "which does it). Do not use `playwright install`.", pytrace=False)
    return CHROMIUM


@pytest.fixture(scope="module")
def jupyterlab(tmp_path_factory):
    """A JupyterLab serving the prepared folder; yields (url, token, log path)."""
    base = tmp_path_factory.mktemp("jupyterlab")
    root, home = base / "course", base / "home"
    root.mkdir()
    prepare_folder(root)
    token = secrets.token_hex(16)
    sock = base / "jupyter.sock"
    log = base / "jupyterlab.log"
    isolated = loopback_only_prefix()
    command = [*isolated, sys.executable, "-m", "jupyter", "lab", "--no-browser",
               f"--IdentityProvider.token={token}", f"--ServerApp.sock={sock}",
               f"--ServerApp.root_dir={root}", "--ServerApp.open_browser=False",
               *(["--allow-root"] if os.geteuid() == 0 else [])]
    port = free_port()
    with open(log, "wb") as log_file:
        server = subprocess.Popen(command, cwd=root, env=jupyter_environment(home),
                                  stdout=log_file, stderr=subprocess.STDOUT,
                                  start_new_session=True)
    relay = Relay(port, str(sock))
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 40
        while True:
            if server.poll() is not None:
                pytest.fail(f"JupyterLab exited with {server.returncode}:\n{log.read_text()}")
            try:
                with urllib.request.urlopen(f"{url}/api/status?token={token}", timeout=2):
                    break
            except OSError:
                if time.monotonic() > deadline:
                    pytest.fail(f"JupyterLab did not start within 40 s:\n{log.read_text()}")
                time.sleep(0.3)
        print(f"JupyterLab at {url} ({'loopback-only network namespace' if isolated else 'host network'}),"
              f" log {log}")
        yield url, token, log, bool(isolated)
    finally:
        try:  # a clean shutdown also stops the kernel
            request = urllib.request.Request(f"{url}/api/shutdown?token={token}", method="POST")
            urllib.request.urlopen(request, timeout=5).close()
        except OSError:
            pass
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, 15)
            try:
                server.wait(timeout=5)
            except subprocess.TimeoutExpired:
                os.killpg(server.pid, 9)
                server.wait()
        relay.close()


def move_k_slider_left(page, k_slider, presses, readout):
    """Focus the slider's handle, press the left arrow `presses` times and wait until it
    reads `readout`."""
    k_slider.locator(".noUi-handle").first.focus()
    for _ in range(presses):
        page.keyboard.press("ArrowLeft")
    page.wait_for_function(f"el => el.textContent.trim() === '{readout}'",
                           arg=k_slider.locator(".widget-readout").element_handle(),
                           timeout=10_000)


def output_image(widget):
    """The src of the plot image inside the explorer's Output area."""
    image = widget.locator(".widget-output img").first
    image.wait_for(state="visible", timeout=30_000)
    return image.get_attribute("src")


def test_student_runs_the_notebook_moves_a_slider_and_sees_a_new_plot(chromium, jupyterlab,
                                                                     tmp_path_factory):
    from playwright.sync_api import sync_playwright

    url, token, log, isolated = jupyterlab
    shots = tmp_path_factory.getbasetemp() / "browser_screenshots"
    shots.mkdir(exist_ok=True)
    print(f"screenshots in {shots}")
    profile = tmp_path_factory.mktemp("chromium-profile")

    with sync_playwright() as playwright:
        context = playwright.chromium.launch_persistent_context(
            str(profile), executable_path=str(chromium), headless=True,
            args=CHROMIUM_ARGS, viewport={"width": 1400, "height": 1000})
        try:
            page = context.pages[0] if context.pages else context.new_page()
            page.set_default_timeout(30_000)
            page.goto(f"{url}/lab/tree/02_planning.ipynb?token={token}")
            page.locator(".jp-Notebook").first.wait_for()
            # the status bar reads "Python 3 (ipykernel) | Idle" once the kernel is up
            page.get_by_text("| Idle").first.wait_for(timeout=40_000)
            page.screenshot(path=str(shots / "1_notebook_open.png"))

            page.locator(".lm-MenuBar-itemLabel", has_text="Run").first.click()
            page.get_by_role("menuitem", name="Run All Cells", exact=True).click()

            widget = page.locator(".jp-OutputArea-output .widget-vbox").filter(
                has=page.locator("button", has_text="Run")).first
            widget.wait_for(timeout=60_000)
            widget.scroll_into_view_if_needed()
            status = widget.locator(".widget-html-content").first
            default = output_image(widget)
            assert default.startswith("data:image/png;base64,"), "the default run's plots"
            assert "k = 10" in status.inner_text() and "press Run" in status.inner_text()
            assert page.locator("text=cannot show").count() == 0, "the widget, not its fallback"
            assert page.locator("text=Error displaying widget").count() == 0
            errors = page.locator(".jp-OutputArea-output[data-mime-type='application/vnd.jupyter.error']")
            assert errors.count() == 0, f"a notebook cell failed: {errors.first.inner_text()}"
            page.screenshot(path=str(shots / "2_widget_rendered.png"))

            k_slider = widget.locator(".widget-slider", has_text="planning steps k")
            move_k_slider_left(page, k_slider, 5, "5")
            page.wait_for_timeout(1000)  # a run would draw within a second
            assert output_image(widget) == default, "moving a slider alone must not run"
            widget.screenshot(path=str(shots / "3_slider_moved.png"))

            widget.locator("button", has_text="Run").click()
            page.wait_for_function("el => el.textContent.includes('k = 5')",
                                   arg=status.element_handle(), timeout=30_000)
            first = output_image(widget)
            assert first.startswith("data:image/png;base64,") and first != default

            move_k_slider_left(page, k_slider, 2, "3")
            widget.locator("button", has_text="Run").click()
            page.wait_for_function(
                "([el, old]) => { const img = el.querySelector('.widget-output img');"
                " return img && img.getAttribute('src') !== old; }",
                arg=[widget.element_handle(), first], timeout=30_000)
            assert output_image(widget).startswith("data:image/png;base64,")
            page.wait_for_function("el => el.textContent.includes('k = 3')",
                                   arg=status.element_handle(), timeout=10_000)
            widget.screenshot(path=str(shots / "4_after_run.png"))
            page.screenshot(path=str(shots / "5_page_after_run.png"))
        finally:
            context.close()

    for name in ("1_notebook_open", "2_widget_rendered", "3_slider_moved", "4_after_run"):
        assert (shots / f"{name}.png").stat().st_size > 10_000
    assert "Traceback" not in log.read_text(), log.read_text()
