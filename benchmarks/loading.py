"""Images/s of the model_utils datasets, and where the time per image goes."""

import torch
import torchvision.transforms.functional as F
from timing import Series, single_thread, timed
from torch.utils.data import Dataset
from training import BATCH_SIZE, DataSpec, evenly_spaced, iterate

from model_utils import preprocess
from model_utils.data import make_loader

# Images per timed pass: enough for a stable rate, few enough that decoding the sample's JPEGs
# three times per run stays within seconds.
LOADING_IMAGES = 256
STAGE_IMAGES = 64


def loading_rate(dataset: Dataset) -> float:
    """Return images/s for one pass over `dataset` with the notebooks' loader settings."""
    subset = evenly_spaced(dataset, LOADING_IMAGES)
    seconds, images = timed(lambda: iterate(make_loader(subset, BATCH_SIZE)))
    return images / seconds


def measure_loading(spec: DataSpec, runs: int) -> dict[str, Series]:
    """Time building the dataset and passes with the cache off, cold and warm.

    A new dataset object per run gives a cold cache each time. The passes use the same
    evenly spread subset, so the three rates compare the same images.
    """
    construct, off, cold, warm, warm_one_thread = [], [], [], [], []
    threads = torch.get_num_threads()
    for _ in range(runs):
        off.append(loading_rate(spec.make_train(cache=False)))
        seconds, cached = timed(spec.make_train, cache=True)
        construct.append(seconds)
        cold.append(loading_rate(cached))
        warm.append(loading_rate(cached))
        with single_thread():
            warm_one_thread.append(loading_rate(cached))
    return {
        "build the dataset object": Series.of(construct),
        "cache off": Series.of(off),
        "cache cold (first epoch)": Series.of(cold),
        "cache warm (later epochs)": Series.of(warm),
        f"cache warm, torch.set_num_threads(1) instead of {threads}": Series.of(warm_one_thread),
    }


def measure_stages(spec: DataSpec) -> dict[str, Series]:
    """Time the steps of loading one image, in seconds per image, over STAGE_IMAGES images.

    For photos: reading and decoding (load_image, through dataset.image), the resize that the
    cache stores, and the preprocessing from the cached or from the full-size image. The
    synthetic dataset draws its images instead of decoding them.
    """
    dataset = spec.make_train(cache=False)
    preset = preprocess(dataset.image_size)
    resize_size = list(preset.resize_size)
    stages: dict[str, list[float]] = {}

    def record(name: str, seconds: float) -> None:
        stages.setdefault(name, []).append(seconds)

    photos = spec.key == "real"
    for index in evenly_spaced(dataset, STAGE_IMAGES).indices:
        seconds, image = timed(dataset.image, index)
        record("read and decode the JPEG" if photos else "draw the image", seconds)
        if photos:
            seconds, small = timed(F.resize, image, resize_size, preset.interpolation)
            record("resize for the cache", seconds)
            record("preprocess the cached image", timed(preset, small)[0])
            record("preprocess the full-size image", timed(preset, image)[0])
        else:
            record("preprocess the image", timed(preset, image)[0])
    return {name: Series.of(values) for name, values in stages.items()}
