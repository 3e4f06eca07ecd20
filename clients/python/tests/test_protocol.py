"""The test vectors of docs/PROTOCOL.md hold for the Python client (the Java client checks the same rows)."""

import os
import re
import unittest
import uuid

from confluent_kafka import Producer

from swmrfacade import ids
from swmrfacade.facade import PARTITIONER
from swmrfacade.partitions import murmur2, partition_for

PROTOCOL = os.path.join(os.path.dirname(__file__), "..", "..", "..", "docs", "PROTOCOL.md")


def table(name):
    rows, inside, seen = [], False, 0
    with open(PROTOCOL, encoding="utf-8") as f:
        for line in f:
            if line.startswith(f"<!-- vectors:{name} "):
                inside = True
            elif inside and line.startswith("<!-- end vectors"):
                break
            elif inside and line.startswith("|"):
                seen += 1
                if seen > 2:
                    rows.append([c.strip() for c in line.strip()[1:-1].split("|")])
    return rows


class ProtocolVectors(unittest.TestCase):

    def test_murmur2_vectors_give_the_partitions_the_page_lists(self):
        rows = table("murmur2")
        self.assertGreaterEqual(len(rows), 10)
        for row in rows:
            key = row[0][1:-1].encode("utf-8")
            self.assertEqual(murmur2(key), int(row[1]), row[0])
            for n, want in zip((1, 3, 6, 12), row[2:]):
                self.assertEqual(partition_for(key, n), int(want), f"{row[0]} among {n}")
                self.assertEqual(partition_for(row[0][1:-1], n), int(want), "str keys hash as UTF-8")

    def test_uuid7_vectors_have_the_layout_the_page_lists(self):
        rows = table("uuid7")
        self.assertGreaterEqual(len(rows), 4)
        for ms, counter, rand, text in rows:
            self.assertEqual(ids.format_id(int(ms), int(counter), int(rand, 16)), text)
            self.assertTrue(ids.is_valid(text))
            self.assertEqual(ids.created_ms(text), int(ms))

    def test_made_ids_are_uuid7_and_strictly_increase(self):
        made = [ids.next_id() for _ in range(20_000)]  # many per millisecond: the counter keeps order
        self.assertEqual(made, sorted(made))
        self.assertEqual(len(set(made)), len(made))
        u = uuid.UUID(made[-1])
        self.assertEqual(u.version, 7)
        self.assertEqual(u.variant, uuid.RFC_4122)

    def test_session_ids_that_are_not_uuid7_are_refused_naming_the_value(self):
        with self.assertRaisesRegex(ValueError, "'not-a-session' is not a UUIDv7"):
            ids.require_session_id("not-a-session")
        with self.assertRaises(ValueError):
            ids.require_session_id(str(uuid.uuid4()))

    def test_partition_count_must_be_positive(self):
        with self.assertRaisesRegex(ValueError, "partitions must be at least 1, not 0"):
            partition_for(b"x", 0)


class ProducerPartitioner(unittest.TestCase):
    """librdkafka's own mock cluster (in-process, no broker needed) says where its producer puts a key."""

    KEYS = ["", "a", "abc", "é", "018f3a5e-7c2a-7b4d-9e1f-0123456789ab"] + [f"routing-{i}" for i in range(200)]

    def delivered(self, settings):
        producer = Producer({"test.mock.num.brokers": 1, "log_level": 0, **settings})
        got = {}
        for k in self.KEYS:
            producer.produce("keys", b"", key=k.encode(), on_delivery=lambda e, m, k=k: got.__setitem__(k, m.partition()))
        self.assertEqual(producer.flush(10), 0)
        partitions = len(producer.list_topics("keys", timeout=5).topics["keys"].partitions)
        self.assertGreater(partitions, 1)
        return got, partitions

    def test_the_facades_partitioner_puts_every_key_where_javas_murmur2_does(self):
        got, n = self.delivered({"partitioner": PARTITIONER})
        self.assertEqual(got, {k: partition_for(k, n) for k in self.KEYS})

    def test_librdkafkas_default_partitioner_does_not(self):
        got, n = self.delivered({})
        agree = sum(got[k] == partition_for(k, n) for k in self.KEYS)
        self.assertLess(agree, len(self.KEYS) * 0.6, "consistent_random (CRC32) differs for most keys")


if __name__ == "__main__":
    unittest.main()
