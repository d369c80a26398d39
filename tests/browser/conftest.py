"""Fixtures for the browser tests: JupyterLab and Voilà servers, Chromium and screenshots.

Both servers serve a temporary copy of notebooks/, so a test run never changes the notebooks in
the repository. Chromium comes from the system (`apt-get install -y chromium`) because
`playwright install` needs a download. Set CHROMIUM_PATH to use another Chromium binary.
"""

from __future__ import annotations

import html
import json
import os
import re
import secrets
import shutil
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

import psutil
import pytest
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError
from playwright.sync_api import sync_playwright

REPO_ROOT = Path(__file__).resolve().parents[2]
NOTEBOOKS_DIR = REPO_ROOT / "notebooks"
SCREENSHOT_DIR = REPO_ROOT / "test-artifacts" / "screenshots"
QUIZ_NOTEBOOK = "05_examenquiz.ipynb"
# The topic "modi" has no computed questions, so the bank contains every answer the tests need.
QUIZ_TOPIC = "modi"
CHOICE_TYPES = ("single", "code_output", "truefalse")

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]
SERVER_START_TIMEOUT_S = 90
SERVER_STOP_TIMEOUT_S = 15
# A notebook runs for up to about 60 s on an idle machine with 2 cores. The margin covers a
# machine that is busy with other work.
NOTEBOOK_RUN_TIMEOUT_MS = 180_000
WIDGET_TIMEOUT_MS = 30_000

_REPORTS = pytest.StashKey[dict]()


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "browser: drives JupyterLab or Voilà in Chromium (needs /usr/bin/chromium)"
    )


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo):
    # Stores the report of each phase so fixtures can see in their teardown whether the test failed.
    report = yield
    item.stash.setdefault(_REPORTS, {})[report.when] = report
    return report


def _test_failed(item: pytest.Item) -> bool:
    reports = item.stash.get(_REPORTS, {})
    return any(report.failed for report in reports.values())


# --------------------------------------------------------------------------- servers


@dataclass
class Server:
    """A running JupyterLab or Voilà server that the tests reach through its base URL."""

    name: str
    base_url: str
    token: str
    root_dir: Path
    progress_file: Path
    log_path: Path
    process: subprocess.Popen = field(repr=False)

    def url(self, path: str) -> str:
        separator = "&" if "?" in path else "?"
        return f"{self.base_url}{path}{separator}token={self.token}"

    def api(self, method: str, path: str) -> object:
        request = urllib.request.Request(
            self.base_url + path,
            method=method,
            headers={"Authorization": f"token {self.token}"},
        )
        with urllib.request.urlopen(request, timeout=10) as response:
            body = response.read()
        return json.loads(body) if body else None

    def log_tail(self, lines: int = 40) -> str:
        return log_tail(self.log_path, lines)


def log_tail(log_path: Path, lines: int = 40) -> str:
    if not log_path.exists():
        return "(no log written)"
    text = log_path.read_text(encoding="utf-8", errors="replace")
    return "\n".join(text.splitlines()[-lines:])


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _skip_when_copying(folder: str, names: list[str]) -> set[str]:
    # A kernel run with IPC transport leaves sockets next to the notebooks, and those cannot be
    # copied. Checkpoints are skipped so JupyterLab starts from the notebooks as they are.
    skipped = {".ipynb_checkpoints"}
    for name in names:
        path = Path(folder, name)
        if not (path.is_file() or path.is_dir()):
            skipped.add(name)
    return skipped


def _copy_notebooks(destination: Path) -> Path:
    shutil.copytree(NOTEBOOKS_DIR, destination, ignore=_skip_when_copying)
    return destination


def _write_lab_user_settings(settings_dir: Path) -> None:
    # Keeps the Jupyter news prompt away, because it covers widgets and requests data from the web.
    notification = settings_dir / "@jupyterlab" / "apputils-extension"
    notification.mkdir(parents=True, exist_ok=True)
    (notification / "notification.jupyterlab-settings").write_text(
        json.dumps({"fetchNews": "false", "checkForUpdates": False}), encoding="utf-8"
    )


def _server_env(base: Path, progress_file: Path) -> dict[str, str]:
    """Return an environment that isolates Jupyter's user folders in `base`."""
    env = dict(os.environ)
    folders = {
        "JUPYTERLAB_SETTINGS_DIR": base / "lab-settings",
        "JUPYTERLAB_WORKSPACES_DIR": base / "lab-workspaces",
        "JUPYTER_CONFIG_DIR": base / "jupyter-config",
        "JUPYTER_DATA_DIR": base / "jupyter-data",
        "JUPYTER_RUNTIME_DIR": base / "jupyter-runtime",
        "IPYTHONDIR": base / "ipython",
        "TORCH_HOME": base / "torch-home",
    }
    for name, folder in folders.items():
        folder.mkdir(parents=True, exist_ok=True)
        env[name] = str(folder)
    _write_lab_user_settings(folders["JUPYTERLAB_SETTINGS_DIR"])
    env["QUIZ_PROGRESS_FILE"] = str(progress_file)
    env["MODEL_UTILS_OFFLINE"] = "1"
    env["PYTHONUNBUFFERED"] = "1"
    # Kernels, JupyterLab and Chromium share the cores. With one OpenMP thread per kernel,
    # notebook 03 ran in 10 s instead of 38 s on a busy 2-core machine (nbconvert, load 5).
    env.setdefault("OMP_NUM_THREADS", "1")
    return env


def _wait_until_ready(process: subprocess.Popen, url: str, name: str, log_path: Path) -> None:
    """Poll `url` until the server responds with an HTTP status below 500."""
    deadline = time.monotonic() + SERVER_START_TIMEOUT_S
    last_error = "no answer yet"
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(
                f"{name} stopped with exit code {process.returncode} during start-up.\n"
                f"Last lines of {log_path}:\n{log_tail(log_path)}",
                pytrace=False,
            )
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                if response.status < 500:
                    return
        except urllib.error.HTTPError as error:
            if error.code < 500:
                return
            last_error = f"HTTP {error.code}"
        except (urllib.error.URLError, OSError) as error:
            last_error = str(error)
        time.sleep(0.3)
    pytest.fail(
        f"{name} did not answer on {url.split('?')[0]} within {SERVER_START_TIMEOUT_S} s "
        f"(last error: {last_error}).\nLast lines of {log_path}:\n{log_tail(log_path)}",
        pytrace=False,
    )


def _stop(process: subprocess.Popen) -> None:
    """Stop a server and the kernels it started: terminate first, kill what is left."""
    try:
        children = psutil.Process(process.pid).children(recursive=True)
    except psutil.NoSuchProcess:
        children = []
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=SERVER_STOP_TIMEOUT_S)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=SERVER_STOP_TIMEOUT_S)
    for child in children:
        try:
            child.kill()
        except psutil.NoSuchProcess:
            pass


def _start_server(command: list[str], env: dict[str, str], log_path: Path):
    log_file = log_path.open("w", encoding="utf-8")
    process = subprocess.Popen(
        command,
        env=env,
        cwd=REPO_ROOT,
        stdout=log_file,
        stderr=subprocess.STDOUT,
        stdin=subprocess.DEVNULL,
    )
    log_file.close()
    return process


@pytest.fixture(scope="session")
def jupyter_lab(tmp_path_factory: pytest.TempPathFactory):
    """Start JupyterLab on a free port of 127.0.0.1 with a random token."""
    base = tmp_path_factory.mktemp("jupyterlab")
    root_dir = _copy_notebooks(base / "notebooks")
    progress_file = base / "voortgang.json"
    log_path = base / "jupyterlab.log"
    port = _free_port()
    token = secrets.token_hex(16)
    command = [
        sys.executable,
        "-m",
        "jupyter",
        "lab",
        "--ServerApp.open_browser=False",
        "--ServerApp.ip=127.0.0.1",
        f"--ServerApp.port={port}",
        "--ServerApp.port_retries=0",
        f"--IdentityProvider.token={token}",
        f"--ServerApp.root_dir={root_dir}",
        "--ServerApp.allow_root=True",
        # These switch off every request JupyterLab would send to the internet.
        "--LabApp.news_url=None",
        "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
        "--LabApp.extension_manager=readonly",
    ]
    process = _start_server(command, _server_env(base, progress_file), log_path)
    server = Server(
        name="JupyterLab",
        base_url=f"http://127.0.0.1:{port}",
        token=token,
        root_dir=root_dir,
        progress_file=progress_file,
        log_path=log_path,
        process=process,
    )
    try:
        _wait_until_ready(process, server.url("/api/status"), "JupyterLab", log_path)
        yield server
    finally:
        _stop(process)


@pytest.fixture(scope="session")
def voila_server(tmp_path_factory: pytest.TempPathFactory):
    """Start Voilà on the quiz notebook on a free port of 127.0.0.1 with a random token."""
    base = tmp_path_factory.mktemp("voila")
    root_dir = _copy_notebooks(base / "notebooks")
    progress_file = base / "voortgang.json"
    log_path = base / "voila.log"
    port = _free_port()
    token = secrets.token_hex(16)
    command = [
        sys.executable,
        "-m",
        "voila",
        str(root_dir / QUIZ_NOTEBOOK),
        "--no-browser",
        f"--port={port}",
        "--Voila.ip=127.0.0.1",
        "--Voila.port_retries=0",
        f"--token={token}",
        "--show_tracebacks=True",
    ]
    process = _start_server(command, _server_env(base, progress_file), log_path)
    server = Server(
        name="Voilà",
        base_url=f"http://127.0.0.1:{port}",
        token=token,
        root_dir=root_dir,
        progress_file=progress_file,
        log_path=log_path,
        process=process,
    )
    try:
        # Voilà has no status endpoint and runs the notebook for every page it serves, so the
        # probe requests the page without the token and counts the redirect to the login as ready.
        _wait_until_ready(process, server.base_url + "/", "Voilà", log_path)
        yield server
    finally:
        _stop(process)


# --------------------------------------------------------------------------- browser


@pytest.fixture(scope="session")
def browser():
    """Launch the system Chromium once for the whole session."""
    executable = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
    install_hint = (
        "Install Chromium with `apt-get install -y chromium` (Debian/Ubuntu) or set CHROMIUM_PATH "
        "to a Chromium binary; `playwright install` is not used because it needs a download."
    )
    if not Path(executable).exists():
        pytest.fail(f"Chromium not found at {executable}. {install_hint}", pytrace=False)

    playwright = sync_playwright().start()
    try:
        try:
            chromium = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        except PlaywrightError as error:
            pytest.fail(
                f"Chromium at {executable} did not start: {error}\n{install_hint}", pytrace=False
            )
        yield chromium
        chromium.close()
    finally:
        playwright.stop()


@pytest.fixture(scope="session", autouse=True)
def _fresh_screenshot_dir():
    """Remove the screenshots of an earlier run, so every file belongs to this run."""
    if SCREENSHOT_DIR.is_dir():
        for path in SCREENSHOT_DIR.iterdir():
            if path.suffix in (".png", ".txt"):
                path.unlink()


def _artifact_name(item: pytest.Item, label: str) -> str:
    name = re.sub(r"[^A-Za-z0-9_.-]+", "_", item.name).strip("_")
    return f"{name}-{label}"


@dataclass
class BrowserTab:
    """A page in its own browser context, with the console messages it logged."""

    context: object
    page: object
    console: list[str]

    def save_failure_artifacts(self, item: pytest.Item) -> None:
        SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
        stem = SCREENSHOT_DIR / _artifact_name(item, "failure")
        try:
            self.page.screenshot(path=f"{stem}.png", full_page=True)
        except PlaywrightError as error:
            self.console.append(f"screenshot failed: {error}")
        Path(f"{stem}.console.txt").write_text("\n".join(self.console), encoding="utf-8")


def open_tab(browser) -> BrowserTab:
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, locale="nl-NL")
    context.set_default_timeout(WIDGET_TIMEOUT_MS)
    new_page = context.new_page()
    console: list[str] = []
    new_page.on("console", lambda message: console.append(f"{message.type}: {message.text}"))
    new_page.on("pageerror", lambda error: console.append(f"pageerror: {error}"))
    return BrowserTab(context, new_page, console)


@pytest.fixture
def page(browser, request: pytest.FixtureRequest):
    """Open a fresh browser context; on failure save a screenshot and the console log."""
    tab = open_tab(browser)
    yield tab.page
    if _test_failed(request.node):
        tab.save_failure_artifacts(request.node)
    tab.context.close()


@pytest.fixture
def save_screenshot(request: pytest.FixtureRequest):
    """Return a function(page, label) that saves a screenshot under test-artifacts/screenshots/."""

    def save(page, label: str) -> Path:
        SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
        path = SCREENSHOT_DIR / f"{_artifact_name(request.node, label)}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return save


# --------------------------------------------------------------------------- JupyterLab driver

_NUMBERED_PROMPT = re.compile(r"^\[\d+\]:?$")
_COMMAND_TIMEOUT_MS = 5_000
_NOTEBOOK_FOCUSED_JS = """() => document.activeElement !== null
    && document.activeElement.closest('.jp-NotebookPanel:not(.lm-mod-hidden)') !== null"""
_PROMPTS_JS = """[...document.querySelectorAll(
    '.jp-NotebookPanel:not(.lm-mod-hidden) .jp-CodeCell .jp-InputPrompt')]
    .map((prompt) => prompt.textContent.trim())"""
_ALL_CLEARED_JS = f"""() => {_PROMPTS_JS}.every((text) => !/\\d|\\*/.test(text))
    && document.querySelectorAll(
        '.jp-NotebookPanel:not(.lm-mod-hidden) .jp-OutputArea-output').length === 0"""
# JupyterLab marks every queued cell with [*] at once when "run all" starts. After an error it
# clears the [*] of the cells that did not run, so the run is over when no [*] is left.
_RUN_STARTED_JS = f"() => {_PROMPTS_JS}.some((text) => /\\d|\\*/.test(text))"
_RUN_FINISHED_JS = f"""() => {{
    const texts = {_PROMPTS_JS};
    return !texts.some((text) => text.includes('*')) && texts.some((text) => /\\d/.test(text));
}}"""
_SAVED_JS = """() => document.querySelector(
    '.lm-TabBar-tab.jp-mod-current:not(.jp-mod-dirty)') !== null"""
# IPython prints "Traceback" for runtime errors, but a SyntaxError only shows its last line.
_TRACEBACK = re.compile(r"Traceback|^\w*(Error|Exception)(:|$)", re.MULTILINE)


class JupyterLabDriver:
    """Steps a participant takes in JupyterLab, written against the real DOM of JupyterLab 4."""

    def __init__(self, page, server: Server) -> None:
        self.page = page
        self.server = server

    def open_notebook(self, name: str) -> None:
        # "reset" starts from an empty workspace, so tabs of earlier tests do not reopen.
        self.page.goto(self.server.url(f"/lab/tree/{name}?reset"))
        self.page.wait_for_selector(
            ".jp-NotebookPanel:not(.lm-mod-hidden) .jp-Cell", timeout=60_000
        )
        self.wait_for_kernel_idle(timeout_ms=60_000)
        # JupyterLab focuses the notebook once it has loaded. A command palette opened before
        # that loses the focus and closes, so the tests wait for it (run_command still retries).
        try:
            self.page.wait_for_function(_NOTEBOOK_FOCUSED_JS, timeout=10_000)
        except PlaywrightTimeoutError:
            print(f"{name} did not get the focus within 10 s")

    def wait_for_kernel_idle(self, timeout_ms: int) -> None:
        self.page.wait_for_selector(
            ".jp-NotebookPanel:not(.lm-mod-hidden) "
            ".jp-Notebook-ExecutionIndicator[data-status='idle']",
            timeout=timeout_ms,
        )

    def run_command(self, command_id: str, done_js: str) -> None:
        """Run a command through the command palette and wait until `done_js` is true.

        Right after loading, JupyterLab may move the focus and so close the palette before the
        command ran. `done_js` is a JavaScript function that returns true once the command took
        effect, and the command is tried again when it did not.
        """
        for attempt in range(1, 5):
            try:
                self._run_from_palette(command_id)
                self.page.wait_for_function(done_js, timeout=_COMMAND_TIMEOUT_MS)
                return
            except PlaywrightTimeoutError as error:
                print(f"Command {command_id}, try {attempt}: {error.message.splitlines()[0]}")
                self.page.keyboard.press("Escape")
        raise AssertionError(f"command {command_id} had no effect after 4 tries from the palette")

    def _run_from_palette(self, command_id: str) -> None:
        # The palette redraws its items whenever a command changes state, so a mouse click on an
        # item can hit a detached element. Filtering by the label and pressing Enter cannot.
        palette = self.page.locator(".jp-ModalCommandPalette")
        self.page.keyboard.press("Control+Shift+C")
        palette.wait_for(state="visible", timeout=_COMMAND_TIMEOUT_MS)
        # The palette keeps the previous query, which may hide the requested item.
        search = palette.locator(".lm-CommandPalette-input")
        search.fill("", timeout=_COMMAND_TIMEOUT_MS)
        item = palette.locator(f'.lm-CommandPalette-item[data-command="{command_id}"]')
        label = item.locator(".lm-CommandPalette-itemLabel").first
        search.fill(label.text_content(timeout=_COMMAND_TIMEOUT_MS) or "")
        active = palette.locator(".lm-CommandPalette-item.lm-mod-active")
        for _ in range(10):
            if active.get_attribute("data-command", timeout=_COMMAND_TIMEOUT_MS) == command_id:
                self.page.keyboard.press("Enter")
                return
            self.page.keyboard.press("ArrowDown")
        raise AssertionError(f"command {command_id} not found in the command palette")

    def run_all_cells(self) -> None:
        """Clear old outputs, run all cells and wait until the kernel is idle again."""
        self.run_command("notebook:clear-all-cell-outputs", _ALL_CLEARED_JS)
        self.run_command("notebook:run-all-cells", _RUN_STARTED_JS)
        self.page.wait_for_function(_RUN_FINISHED_JS, timeout=NOTEBOOK_RUN_TIMEOUT_MS)
        self.wait_for_kernel_idle(timeout_ms=NOTEBOOK_RUN_TIMEOUT_MS)

    def code_cells(self):
        return self.page.locator(".jp-NotebookPanel:not(.lm-mod-hidden) .jp-CodeCell")

    def unexecuted_code_cells(self) -> list[int]:
        """Return the indexes of non-empty code cells that have no execution count."""
        missing = []
        cells = self.code_cells()
        for index in range(cells.count()):
            cell = cells.nth(index)
            source = cell.locator(".cm-content").text_content() or ""
            prompt = (cell.locator(".jp-InputPrompt").text_content() or "").strip()
            if source.strip() and not _NUMBERED_PROMPT.match(prompt):
                missing.append(index)
        return missing

    def traceback_outputs(self) -> list[str]:
        """Return the text of every stderr output that shows a Python traceback."""
        stderr = self.page.locator(
            ".jp-NotebookPanel:not(.lm-mod-hidden) "
            '.jp-OutputArea-output[data-mime-type="application/vnd.jupyter.stderr"]'
        )
        texts = [text or "" for text in stderr.all_text_contents()]
        return [text for text in texts if _TRACEBACK.search(text)]

    def output_texts(self) -> list[str]:
        outputs = self.page.locator(".jp-NotebookPanel:not(.lm-mod-hidden) .jp-OutputArea-output")
        return [text or "" for text in outputs.all_text_contents()]

    def output_images(self):
        return self.page.locator(".jp-NotebookPanel:not(.lm-mod-hidden) .jp-OutputArea-output img")

    def save_and_read(self, name: str) -> dict:
        """Save the open notebook and return its file content as JSON."""
        self.run_command("docmanager:save", _SAVED_JS)
        return json.loads((self.server.root_dir / name).read_text(encoding="utf-8"))

    def shutdown_kernels(self) -> None:
        """Shut down every kernel of the server in the background.

        A kernel with torch loaded needs seconds to exit, and the next test need not wait.
        """
        for session in self.server.api("GET", "/api/sessions") or []:
            threading.Thread(
                target=_delete_quietly, args=(self.server, session["id"]), daemon=True
            ).start()


def _delete_quietly(server: Server, session_id: str) -> None:
    try:
        server.api("DELETE", f"/api/sessions/{session_id}")
    except (urllib.error.URLError, OSError) as error:
        print(f"Could not shut down session {session_id}: {error}")


@pytest.fixture
def lab(page, jupyter_lab: Server):
    """Return a JupyterLab driver; the kernels it started are shut down afterwards."""
    driver = JupyterLabDriver(page, jupyter_lab)
    yield driver
    try:
        driver.shutdown_kernels()
    except (urllib.error.URLError, OSError) as error:
        print(f"Could not list the kernels: {error}\n{jupyter_lab.log_tail()}")


# --------------------------------------------------------------------------- quiz driver


def squash(text: str) -> str:
    """Remove all whitespace, so HTML text and DOM text compare equal whatever the layout."""
    return re.sub(r"\s+", "", html.unescape(text))


def markdown_text(markdown: str) -> str:
    """Return the squashed text that the quiz shows for a markdown field of the bank."""
    from quiz.render import markdown_html

    return squash(re.sub(r"<[^>]+>", "", markdown_html(markdown)))


def _exact_text(text: str) -> re.Pattern:
    return re.compile(r"^\s*" + re.escape(text) + r"\s*$")


_SETTLE_MS = 500
_ANSWER_WIDGETS = ".quiz-app .quiz-options, .quiz-app .quiz-option, .quiz-app .quiz-open-answer"
_MARK_STALE_JS = f"""() => document.querySelectorAll('{_ANSWER_WIDGETS}')
    .forEach((element) => element.setAttribute('data-test-stale', ''))"""
_NEW_SCREEN_JS = f"""() => {{
    if (document.querySelector('.quiz-app [data-test-stale]') !== null) return false;
    const score = document.querySelector('.quiz-app .quiz-score');
    if (score !== null && score.offsetParent !== null) return true;
    const feedback = document.querySelector('.quiz-app .quiz-feedback');
    return document.querySelector('{_ANSWER_WIDGETS}') !== null
        && feedback !== null && feedback.textContent.trim() === '';
}}"""


@pytest.fixture(scope="session")
def quiz_bank():
    """Load the question bank in the test process to know the answer to a shown question."""
    from quiz.bank import load_bank

    return load_bank()


class QuizDriver:
    """Drive the quiz widgets through the DOM classes that quiz/widgets.py adds.

    The quiz shuffles questions and options, so the driver finds the shown question by its
    prompt text in the bank and picks options by their label text.
    """

    def __init__(self, page, bank) -> None:
        self.page = page
        self.bank = bank
        self.app = page.locator(".quiz-app")
        # Several prompts read "Wat print deze code?", so the code belongs to the signature.
        self._signatures = {
            question.id: markdown_text(question.prompt) + squash(question.code or "")
            for question in bank.questions
        }

    def wait_until_shown(self, timeout_ms: int = WIDGET_TIMEOUT_MS) -> None:
        self.page.locator(".quiz-app .quiz-start").wait_for(state="visible", timeout=timeout_ms)

    def return_to_start(self) -> None:
        """Leave a running quiz or its results and show the start screen."""
        start = self.app.locator(".quiz-start")
        screens = ".quiz-app .quiz-start, .quiz-app .quiz-stop, .quiz-app .quiz-restart"
        self.page.locator(screens).locator("visible=true").first.wait_for()
        if start.is_visible():
            return
        stop = self.app.locator(".quiz-stop")
        if stop.is_visible():
            stop.click()
        self.app.locator(".quiz-restart").click()
        start.wait_for(state="visible")

    def start(
        self, *, mode: str = "oefenmodus", topic: str | None = None, count: int | None = None
    ):
        """Choose mode, topic title and exam size on the start screen, then press Start."""
        self.app.locator(".quiz-mode button").filter(has_text=_exact_text(mode)).click()
        if topic is not None:
            self.app.locator(".quiz-topic select").select_option(label=topic)
        if count is not None:
            count_input = self.app.locator(".quiz-count input")
            count_input.fill(str(count))
            # BoundedIntText sends its value to the kernel on blur.
            count_input.press("Tab")
        self._click_to_new_screen(".quiz-start")

    def question_text(self) -> str:
        return self.app.locator(".quiz-question").text_content() or ""

    def current_question(self):
        """Return the bank question whose prompt the page shows (the longest match wins)."""
        shown = squash(self.question_text())
        matches = [qid for qid, signature in self._signatures.items() if signature in shown]
        assert matches, f"shown question not found in the bank: {self.question_text()!r}"
        longest = max(len(self._signatures[qid]) for qid in matches)
        best = [qid for qid in matches if len(self._signatures[qid]) == longest]
        assert len(best) == 1, f"shown question matches several bank questions: {best}"
        return self.bank.by_id(best[0])

    def next_question(self) -> None:
        self._click_to_new_screen(".quiz-next")

    def _click_to_new_screen(self, button: str) -> None:
        """Click `button` and wait for the answer widgets of the next question or the score.

        Many questions share the same options, so the test cannot tell new answer widgets from
        old ones by their text. It marks the old widgets and waits until they are gone.
        """
        self.page.evaluate(_MARK_STALE_JS)
        self.app.locator(button).click()
        self.page.wait_for_function(_NEW_SCREEN_JS)

    def skip_to(self, accept) -> object:
        """Press "Volgende vraag" until `accept(question)` holds; return that question."""
        for _ in range(len(self.bank.questions)):
            question = self.current_question()
            if accept(question):
                return question
            self.next_question()
        raise AssertionError("no question in this quiz fits the test")

    # Answering

    def choose(self, question, correct: bool) -> None:
        """Fill in a right or a wrong answer for `question` without submitting it."""
        if question.type in ("single", "code_output", "truefalse"):
            self._choose_radio(question, correct)
        elif question.type == "multiple":
            self._choose_checkboxes(question, correct)
        elif question.type == "number":
            self._type_number(question, correct)
        elif question.type == "order":
            if correct:
                self._sort_steps(question)
        else:
            raise ValueError(f"choose() does not handle {question.type} questions, use open_*")

    def answer(self, question, correct: bool) -> str:
        """Answer `question` right or wrong, submit it and return the feedback text."""
        if question.type == "open":
            self.reveal_model_answer()
            self.tick_key_points(len(question.key_points) if correct else 0)
            self.app.locator(".quiz-selfgrade").click()
        else:
            self.choose(question, correct)
            self.app.locator(".quiz-submit").click()
        return self.feedback_text()

    def feedback_text(self) -> str:
        feedback = self.app.locator(".quiz-feedback")
        self.page.wait_for_function(
            "() => document.querySelector('.quiz-app .quiz-feedback').textContent.trim() !== ''"
        )
        return (feedback.text_content() or "").strip()

    def option_labels(self) -> list[str]:
        labels = self.app.locator(".quiz-options label").all_text_contents()
        return [label.strip() for label in labels if label.strip()]

    def expected_option_text(self, question, correct: bool) -> str:
        if question.type == "truefalse":
            from quiz.texts import FALSE_TEXT, TRUE_TEXT

            return TRUE_TEXT if question.answer == correct else FALSE_TEXT
        right = question.options[question.answer]
        if correct:
            return right
        return next(option for option in question.options if option != right)

    def _choose_radio(self, question, correct: bool) -> None:
        text = self.expected_option_text(question, correct)
        self.app.locator(".quiz-options label").filter(has_text=_exact_text(text)).click()

    def _choose_checkboxes(self, question, correct: bool) -> None:
        right = {question.options[index] for index in question.answer}
        if correct:
            chosen = right
        else:
            # Toggling the first option in or out of the right set always gives a wrong set.
            chosen = right ^ {question.options[0]}
        for text in chosen:
            label = self.app.locator(".quiz-option label.widget-label-basic")
            label.filter(has_text=_exact_text(text)).locator("input").check()

    def _type_number(self, question, correct: bool) -> None:
        from quiz.texts import format_number

        value = question.answer if correct else question.answer + 2 * question.tolerance + 1
        self.app.locator(".quiz-number input").fill(format_number(value))

    def _shown_steps(self) -> list[str]:
        labels = self.app.locator(".quiz-option .widget-label").all_text_contents()
        return [re.sub(r"^\d+\.\s*", "", label.strip()) for label in labels]

    def _sort_steps(self, question) -> None:
        """Sort the steps with the "omhoog" buttons (a bubble sort, at most 15 clicks)."""
        steps = list(question.steps)
        labels = self.app.locator(".quiz-option .widget-label")
        for _ in range(len(steps) ** 2):
            shown = self._shown_steps()
            ranks = [steps.index(text) for text in shown]
            wrong = next((i for i in range(1, len(ranks)) if ranks[i] < ranks[i - 1]), None)
            if wrong is None:
                return
            before = "|".join(labels.all_text_contents())
            self.app.locator(".quiz-option").nth(wrong).locator("button").first.click()
            self.page.wait_for_function(
                """([before]) => [...document.querySelectorAll(
                        '.quiz-app .quiz-option .widget-label')].map((e) => e.textContent)
                        .join('|') !== before""",
                arg=[before],
            )
        raise AssertionError(f"steps not sorted after clicking: {self._shown_steps()}")

    def press_tab_until(self, selector: str, limit: int = 25) -> None:
        """Press Tab until the focused element is (inside) `selector`."""
        for _ in range(limit):
            self.page.keyboard.press("Tab")
            if self.page.evaluate(
                "(selector) => document.activeElement?.closest(selector) != null", selector
            ):
                return
        raise AssertionError(f"{limit} presses of Tab did not reach {selector}")

    def select_option_with_keyboard(self, target: int) -> int:
        """Select radio `target` (0-based) with Tab and arrow keys; return the checked index."""
        # Clicking the prompt text only sets where Tab starts, it focuses nothing.
        self.app.locator(".quiz-question").click()
        self.press_tab_until(".quiz-options input[type=radio]")
        if target == 0:
            # Before any choice the first radio gets the focus but is not checked yet.
            self.page.keyboard.press("ArrowDown")
            self.page.keyboard.press("ArrowUp")
        for _ in range(target):
            self.page.keyboard.press("ArrowDown")
        # ipywidgets holds back a change of a widget while its previous change is on the way to
        # the kernel, but sends a button click at once. After fast key presses the click could
        # overtake the last choice, so the test pauses like a person would.
        self.page.wait_for_timeout(_SETTLE_MS)
        return self.app.locator(".quiz-options input[type=radio]").evaluate_all(
            "(radios) => radios.findIndex((radio) => radio.checked)"
        )

    def reveal_model_answer(self) -> str:
        self.app.locator(".quiz-reveal").click()
        model_answer = self.app.locator(".quiz-model-answer")
        model_answer.wait_for(state="visible")
        return (model_answer.text_content() or "").strip()

    def tick_key_points(self, count: int) -> None:
        boxes = self.app.locator(".quiz-key-point input")
        for index in range(count):
            boxes.nth(index).check()

    def score_text(self) -> str:
        score = self.app.locator(".quiz-score")
        score.wait_for(state="visible")
        return (score.text_content() or "").strip()


@pytest.fixture(scope="module")
def quiz_tab(browser, jupyter_lab: Server):
    """Run the quiz notebook once in JupyterLab for all quiz tests of a module.

    Starting JupyterLab, the kernel and the notebook takes several seconds, while each quiz
    test needs only a second, so the tests share this page and start from the start screen.
    """
    tab = open_tab(browser)
    lab = JupyterLabDriver(tab.page, jupyter_lab)
    try:
        lab.open_notebook(QUIZ_NOTEBOOK)
        lab.run_all_cells()
    except Exception:
        SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
        tab.page.screenshot(path=str(SCREENSHOT_DIR / "quiz_tab-setup-failure.png"))
        tab.context.close()
        raise
    yield tab, lab
    try:
        lab.shutdown_kernels()
    finally:
        tab.context.close()


@pytest.fixture
def quiz_notebook(quiz_tab, request: pytest.FixtureRequest):
    """Return the JupyterLab driver of the shared quiz page; save artifacts on failure."""
    tab, lab = quiz_tab
    yield lab
    if _test_failed(request.node):
        tab.save_failure_artifacts(request.node)


@pytest.fixture
def quiz(quiz_notebook: JupyterLabDriver, quiz_bank) -> QuizDriver:
    """Return a quiz driver on the start screen of the shared quiz page."""
    driver = QuizDriver(quiz_notebook.page, quiz_bank)
    driver.return_to_start()
    return driver


def code_cell_sources(notebook: dict) -> list[str]:
    """Return the source of every code cell of a notebook read as JSON."""
    sources = []
    for cell in notebook.get("cells", []):
        if cell.get("cell_type") == "code":
            source = cell.get("source", "")
            sources.append("".join(source) if isinstance(source, list) else source)
    return sources


def read_progress(path: Path) -> dict:
    """Return the questions part of a quiz progress file, or {} when it does not exist yet."""
    if not path.exists():
        return {}
    return json.loads(path.read_text(encoding="utf-8")).get("questions", {})
