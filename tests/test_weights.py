"""Tests for model_utils.weights: the cache path, offline loading and downloads from 127.0.0.1."""

import hashlib
import http.server
import os
import socket
import threading
import types
import urllib.request
from pathlib import Path

import pytest
import torch
from torchvision.models import mobilenet_v3_small

from model_utils import (
    DEFAULT_WEIGHTS,
    WeightsUnavailableError,
    create_model,
    download_weights,
    imagenet_categories,
    preprocess,
    pretrained_weights_available,
    weights_file,
)
from model_utils.weights import OFFLINE_ENV, offline_mode

MARKER = 0.125
PAYLOAD = bytes(range(256)) * 64  # 16 KiB served by the local HTTP server
PAYLOAD_HASH = hashlib.sha256(PAYLOAD).hexdigest()


def leftovers(folder: Path) -> list[str]:
    """Return the names of temporary download files in `folder`."""
    return [path.name for path in folder.iterdir() if path.name.endswith(".part")]


# --- Cache path and offline mode ------------------------------------------------------------


def test_weights_file_under_torch_home(isolated_torch_home):
    assert weights_file() == isolated_torch_home / "hub" / "checkpoints" / weights_file().name


def test_weights_file_name_from_url():
    assert weights_file().name == DEFAULT_WEIGHTS.url.rsplit("/", 1)[-1]


def test_weights_available_empty_cache():
    assert pretrained_weights_available() is False


def test_weights_available_after_copy():
    weights_file().parent.mkdir(parents=True)
    weights_file().write_bytes(b"x")
    assert pretrained_weights_available() is True


@pytest.mark.parametrize("value", ["1", "true", "YES", "ja"])
def test_offline_mode_on(monkeypatch, value):
    monkeypatch.setenv(OFFLINE_ENV, value)
    assert offline_mode() is True


@pytest.mark.parametrize("value", ["", "0", "false"])
def test_offline_mode_off(monkeypatch, value):
    monkeypatch.setenv(OFFLINE_ENV, value)
    assert offline_mode() is False


# --- Loading a stand-in checkpoint from the cache -------------------------------------------


@pytest.fixture
def cached_weights() -> Path:
    """Write a randomly initialised torchvision state_dict with a marker value to the cache."""
    state_dict = mobilenet_v3_small(weights=None).state_dict()
    state_dict["features.0.0.weight"].fill_(MARKER)
    path = weights_file()
    path.parent.mkdir(parents=True)
    torch.save(state_dict, path)
    return path


def test_cached_weights_loaded(cached_weights, network_calls):
    model = create_model(43, pretrained=True)
    assert torch.all(model.features[0][0].weight == MARKER)


def test_cached_weights_no_download(monkeypatch, cached_weights, network_calls):
    monkeypatch.delenv(OFFLINE_ENV)
    create_model(43, pretrained=True)
    assert network_calls == []


def test_cached_weights_auto_loaded(cached_weights, network_calls):
    model = create_model(43)
    assert torch.all(model.features[0][0].weight == MARKER)


def test_cached_weights_auto_no_notice(cached_weights, capsys):
    create_model(43)
    assert capsys.readouterr().out == ""


def test_cached_weights_head_replaced(cached_weights):
    model = create_model(43, pretrained=True)
    assert model.classifier[3].out_features == 43


# --- Downloads from a local HTTP server -----------------------------------------------------


class PayloadHandler(http.server.BaseHTTPRequestHandler):
    """Serve PAYLOAD, or misbehave depending on the request path."""

    release: threading.Event

    def do_GET(self):
        if self.path.startswith("/missing"):
            self.send_error(404)
            return
        self.send_response(200)
        self.send_header("Content-Length", str(len(PAYLOAD)))
        self.end_headers()
        if self.path.startswith("/stall"):
            # Send part of the body, then wait until the test ends.
            self.wfile.write(PAYLOAD[:100])
            self.wfile.flush()
            self.release.wait(10)
            return
        if self.path.startswith("/short"):
            self.wfile.write(PAYLOAD[:100])
            self.close_connection = True
            return
        self.wfile.write(PAYLOAD)

    def log_message(self, format, *args):
        pass


@pytest.fixture(scope="module")
def server_url():
    """Run an HTTP server on 127.0.0.1 for this module and return its base URL."""
    release = threading.Event()
    handler = type("Handler", (PayloadHandler,), {"release": release})
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    release.set()
    server.shutdown()
    server.server_close()
    thread.join()


@pytest.fixture
def silent_url():
    """Return a URL on 127.0.0.1 whose socket accepts connections but never sends a response."""
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.bind(("127.0.0.1", 0))
    listener.listen(4)
    yield f"http://127.0.0.1:{listener.getsockname()[1]}"
    listener.close()


def remote(url: str) -> types.SimpleNamespace:
    """Return a stand-in for a torchvision Weights entry; download_weights reads only `.url`."""
    return types.SimpleNamespace(url=url)


def test_download_writes_payload(server_url):
    weights = remote(f"{server_url}/tiny-{PAYLOAD_HASH[:8]}.pth")
    path = download_weights(weights, timeout=5, progress=False)
    assert path.read_bytes() == PAYLOAD


def test_download_returns_cache_path(server_url):
    weights = remote(f"{server_url}/tiny-{PAYLOAD_HASH[:8]}.pth")
    path = download_weights(weights, timeout=5, progress=False)
    assert path == weights_file(weights)


def test_download_no_part_left(server_url):
    weights = remote(f"{server_url}/tiny-{PAYLOAD_HASH[:8]}.pth")
    path = download_weights(weights, timeout=5, progress=False)
    assert leftovers(path.parent) == []


def test_download_existing_file_kept(network_calls):
    weights = remote("http://127.0.0.1:9/tiny-00000000.pth")
    weights_file(weights).parent.mkdir(parents=True)
    weights_file(weights).write_bytes(b"already here")
    download_weights(weights, timeout=5, progress=False)
    assert network_calls == []


def test_download_hash_mismatch_raises(server_url):
    weights = remote(f"{server_url}/tiny-00000000.pth")
    with pytest.raises(WeightsUnavailableError, match="SHA-256"):
        download_weights(weights, timeout=5, progress=False)


def test_download_hash_mismatch_no_file(server_url):
    weights = remote(f"{server_url}/tiny-00000000.pth")
    with pytest.raises(WeightsUnavailableError):
        download_weights(weights, timeout=5, progress=False)
    assert not weights_file(weights).exists()


def test_download_hash_mismatch_no_part(server_url):
    weights = remote(f"{server_url}/tiny-00000000.pth")
    with pytest.raises(WeightsUnavailableError):
        download_weights(weights, timeout=5, progress=False)
    assert leftovers(weights_file(weights).parent) == []


def test_download_silent_server_times_out(silent_url):
    weights = remote(f"{silent_url}/tiny-{PAYLOAD_HASH[:8]}.pth")
    with pytest.raises(WeightsUnavailableError, match="timed out"):
        download_weights(weights, timeout=0.3, progress=False)


def test_download_stalled_body_times_out(server_url):
    weights = remote(f"{server_url}/stall-{PAYLOAD_HASH[:8]}.pth")
    with pytest.raises(WeightsUnavailableError, match="timed out"):
        download_weights(weights, timeout=0.3, progress=False)


def test_download_stalled_body_no_file(server_url):
    weights = remote(f"{server_url}/stall-{PAYLOAD_HASH[:8]}.pth")
    with pytest.raises(WeightsUnavailableError):
        download_weights(weights, timeout=0.3, progress=False)
    assert os.listdir(weights_file(weights).parent) == []


def test_download_short_body_without_hash(server_url):
    """A body shorter than Content-Length fails even when the file name carries no hash."""
    weights = remote(f"{server_url}/short.pth")
    with pytest.raises(WeightsUnavailableError):
        download_weights(weights, timeout=5, progress=False)


def test_download_short_body_no_file(server_url):
    weights = remote(f"{server_url}/short.pth")
    with pytest.raises(WeightsUnavailableError):
        download_weights(weights, timeout=5, progress=False)
    assert os.listdir(weights_file(weights).parent) == []


def test_download_not_found(server_url):
    weights = remote(f"{server_url}/missing-{PAYLOAD_HASH[:8]}.pth")
    with pytest.raises(WeightsUnavailableError, match="404"):
        download_weights(weights, timeout=5, progress=False)


def test_download_error_names_url(server_url):
    url = f"{server_url}/missing-{PAYLOAD_HASH[:8]}.pth"
    with pytest.raises(WeightsUnavailableError) as caught:
        download_weights(remote(url), timeout=5, progress=False)
    assert url in str(caught.value)


def test_download_uses_urlopen_timeout(monkeypatch):
    seen = {}

    def urlopen(url, timeout=None):
        seen["timeout"] = timeout
        raise OSError("stop")

    monkeypatch.setattr(urllib.request, "urlopen", urlopen)
    with pytest.raises(WeightsUnavailableError):
        download_weights(remote("http://127.0.0.1:9/x.pth"), timeout=1.5, progress=False)
    assert seen["timeout"] == 1.5


# --- Preprocessing and categories -----------------------------------------------------------


def test_preprocess_default_is_weights_preset():
    assert repr(preprocess()) == repr(DEFAULT_WEIGHTS.transforms())


def test_preprocess_small_crop():
    assert preprocess(64).crop_size == [64]


def test_preprocess_small_resize():
    assert preprocess(64).resize_size == [73]


def test_preprocess_output_shape():
    image = torch.rand(3, 100, 120)
    assert preprocess(64)(image).shape == (3, 64, 64)


@pytest.mark.parametrize("size", [16, 64.0, True, "224"])
def test_preprocess_invalid_size(size):
    with pytest.raises(ValueError, match="image_size"):
        preprocess(size)


def test_imagenet_categories_count():
    assert len(imagenet_categories()) == 1000


def test_imagenet_categories_first():
    assert imagenet_categories()[0] == "tench"
