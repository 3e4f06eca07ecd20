"""The partition a keyed record lands on: Kafka's murmur2, exactly as the Java client's
default partitioner computes it. Python's Kafka client (librdkafka) defaults to a different
hash (consistent_random, CRC32), which picks another partition for most keys; a session's
results and journal are on the murmur2 partition, so every client must use this one.
"""

_SEED = 0x9747B28C
_M = 0x5BD1E995
_MASK = 0xFFFFFFFF


def murmur2(data: bytes) -> int:
    """Kafka's murmur2 of ``data`` (``org.apache.kafka.common.utils.Utils.murmur2``), as a signed 32-bit int."""
    length = len(data)
    h = (_SEED ^ length) & _MASK
    whole = length - length % 4
    for i in range(0, whole, 4):
        k = data[i] | (data[i + 1] << 8) | (data[i + 2] << 16) | (data[i + 3] << 24)
        k = (k * _M) & _MASK
        k ^= k >> 24
        k = (k * _M) & _MASK
        h = (h * _M) & _MASK
        h ^= k
    rest = length % 4
    if rest == 3:
        h ^= data[whole + 2] << 16
    if rest >= 2:
        h ^= data[whole + 1] << 8
    if rest >= 1:
        h ^= data[whole]
        h = (h * _M) & _MASK
    h ^= h >> 13
    h = (h * _M) & _MASK
    h ^= h >> 15
    return h - (1 << 32) if h & 0x80000000 else h


def partition_for(key, partitions: int) -> int:
    """The partition of ``key`` (str or bytes) among ``partitions``: ``(murmur2(key) & 0x7fffffff) % partitions``."""
    if partitions < 1:
        raise ValueError(f"partitions must be at least 1, not {partitions}")
    if isinstance(key, str):
        key = key.encode("utf-8")
    return (murmur2(key) & 0x7FFFFFFF) % partitions
