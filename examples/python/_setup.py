"""Shared by the examples: their command line, and the package from the checkout when not installed."""

import argparse
import os
import sys

try:
    import swmrfacade  # noqa: F401  (installed with pip)
except ImportError:
    sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "clients", "python", "src"))


def arguments(description, **extra):
    p = argparse.ArgumentParser(description=description)
    p.add_argument("--bootstrap", default=os.environ.get("SF_BOOTSTRAP", "127.0.0.1:9092"), help="Kafka host:port")
    p.add_argument("--topic-prefix", default="sf.", help="the installation's topic prefix")
    for name, (default, help_text) in extra.items():
        p.add_argument("--" + name.replace("_", "-"), default=default, type=type(default) if default is not None else str,
                       help=help_text)
    return p.parse_args()
