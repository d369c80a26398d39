"""Shared fixtures: an isolated torch cache, offline mode and small models and batches.

Every test runs with TORCH_HOME pointing at its own empty folder and MODEL_UTILS_OFFLINE=1, so
no test reads the user's weights cache or tries to download. Tests that need the online code
path remove MODEL_UTILS_OFFLINE themselves and block the network with `network_calls`.
"""

import copy
import socket
import urllib.request
from pathlib import Path

import pytest
import torch
from torch import nn
from torch.utils.data import DataLoader, TensorDataset
from torchvision.models import resnet18

from model_utils import create_model
from model_utils.notices import reset_notices
from model_utils.weights import OFFLINE_ENV

NUM_CLASSES = 3
IMAGE_SIZE = 32  # MobileNetV3-small downsamples by 32, so the backbone output is 1x1.


@pytest.fixture(scope="session", autouse=True)
def single_torch_thread():
    """Run torch on one thread for the whole session and restore the count afterwards."""
    # The test tensors are tiny, so a second thread brings nothing. On a busy two-core machine
    # (load average 9) two OpenMP threads made one training epoch use 25 times more CPU time.
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(threads)


@pytest.fixture(autouse=True)
def isolated_torch_home(tmp_path_factory, monkeypatch) -> Path:
    """Point TORCH_HOME at an empty folder, switch downloads off and forget shown notices."""
    torch_home = tmp_path_factory.mktemp("torch_home")
    monkeypatch.setenv("TORCH_HOME", str(torch_home))
    monkeypatch.setenv(OFFLINE_ENV, "1")
    # torch.hub.set_dir() would override TORCH_HOME for the whole process.
    monkeypatch.setattr(torch.hub, "_hub_dir", None)
    reset_notices()
    yield torch_home
    reset_notices()


@pytest.fixture
def network_calls(monkeypatch) -> list[str]:
    """Record and block every attempt to open a URL or a socket connection."""
    calls: list[str] = []

    def blocked_urlopen(url, *args, **kwargs):
        calls.append(f"urlopen {getattr(url, 'full_url', url)}")
        raise AssertionError(f"the test tried to open {url}")

    def blocked_create_connection(address, *args, **kwargs):
        calls.append(f"create_connection {address}")
        raise AssertionError(f"the test tried to connect to {address}")

    def blocked_connect(self, address):
        calls.append(f"connect {address}")
        raise AssertionError(f"the test tried to connect to {address}")

    monkeypatch.setattr(urllib.request, "urlopen", blocked_urlopen)
    monkeypatch.setattr(socket, "create_connection", blocked_create_connection)
    monkeypatch.setattr(socket.socket, "connect", blocked_connect)
    return calls


@pytest.fixture(scope="session")
def base_model() -> nn.Module:
    """Build one randomly initialised model per session; tests get copies through `model`."""
    torch.manual_seed(0)
    return create_model(NUM_CLASSES, pretrained=False)


@pytest.fixture
def model(base_model) -> nn.Module:
    """Return a fresh copy of the session model that a test may change freely."""
    return copy.deepcopy(base_model)


@pytest.fixture
def images() -> torch.Tensor:
    """Return four random 32x32 RGB images."""
    generator = torch.Generator().manual_seed(1)
    return torch.randn(4, 3, IMAGE_SIZE, IMAGE_SIZE, generator=generator)


@pytest.fixture
def num_classes() -> int:
    """Return the number of classes of the `model` fixture."""
    return NUM_CLASSES


@pytest.fixture(scope="session")
def tensor_loader():
    """Return a factory for DataLoaders over random 32x32 images with labels 0..NUM_CLASSES-1."""

    def build(count: int, batch_size: int, *, seed: int = 2) -> DataLoader:
        generator = torch.Generator().manual_seed(seed)
        inputs = torch.randn(count, 3, IMAGE_SIZE, IMAGE_SIZE, generator=generator)
        labels = torch.arange(count) % NUM_CLASSES
        return DataLoader(TensorDataset(inputs, labels), batch_size=batch_size)

    return build


@pytest.fixture
def loader(tensor_loader) -> DataLoader:
    """Return a loader of eight images in batches of four."""
    return tensor_loader(8, 4)


@pytest.fixture(scope="session")
def resnet_checkpoint(tmp_path_factory) -> Path:
    """Return a file holding a randomly initialised resnet18 state_dict (another network)."""
    path = tmp_path_factory.mktemp("resnet") / "resnet18.pth"
    torch.save(resnet18(weights=None).state_dict(), path)
    return path
