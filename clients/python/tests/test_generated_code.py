"""The committed swmrfacade/v1/swmrfacade_pb2.py is what protoc makes of the proto today."""

import os
import shutil
import subprocess
import tempfile
import unittest

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..", ".."))
PROTO_DIR = os.path.join(ROOT, "proto", "src", "main", "protobuf")
COMMITTED = os.path.join(ROOT, "clients", "python", "src", "swmrfacade", "v1", "swmrfacade_pb2.py")


class GeneratedCode(unittest.TestCase):

    @unittest.skipIf(shutil.which("protoc") is None, "protoc is not installed (apt-get install protobuf-compiler)")
    def test_committed_module_matches_protoc_output(self):
        with tempfile.TemporaryDirectory() as out:
            subprocess.run(["protoc", "-I", PROTO_DIR, f"--python_out={out}", "swmrfacade/v1/swmrfacade.proto"],
                           check=True)
            with open(os.path.join(out, "swmrfacade", "v1", "swmrfacade_pb2.py")) as f:
                fresh = f.read()
        with open(COMMITTED) as f:
            self.assertEqual(f.read(), fresh, "regenerate it: see clients/python/README.md, 'The generated module'")


if __name__ == "__main__":
    unittest.main()
