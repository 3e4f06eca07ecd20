"""Payloads of the built-in task types that are not plain text."""

import numpy as np

from .v1 import swmrfacade_pb2 as pb

_DTYPES = {"float32", "float64", "int32", "int64"}


def append(stream: str, samples, dtype: str = None, units: str = "", sample_rate_hz: float = 0.0,
           start_time_us: int = 0) -> bytes:
    """The payload of an ``append`` task: ``samples`` (a numpy array or a sequence) for the stream
    dataset at the absolute HDF5 path ``stream``, packed little-endian as ``dtype`` (float32,
    float64, int32 or int64; default: the array's own). Units, rate and start time are set when the
    writer creates the stream."""
    arr = np.asarray(samples)
    name = dtype or arr.dtype.name
    if name not in _DTYPES:
        raise ValueError(f"dtype {name!r} is not one of {sorted(_DTYPES)}")
    if arr.ndim != 1:
        raise ValueError(f"samples must be 1-D, not of shape {arr.shape}")
    packed = arr.astype(np.dtype(name).newbyteorder("<"), copy=False).tobytes()
    return pb.AppendPayload(stream=stream, dtype=name, samples=packed, units=units, sample_rate_hz=sample_rate_hz,
                            start_time_us=start_time_us).SerializeToString()
