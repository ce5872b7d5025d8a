"""The machine's processes as /proc lists them, for the benches that watch what they start."""

from collections.abc import Iterator
from pathlib import Path


def process_stats() -> Iterator[tuple[int, list[str]]]:
    """Each live process's id and the fields of its /proc stat after the ")" that ends its
    command name: ``fields[0]`` is its state, ``[1]`` its parent's id, ``[3]`` its session,
    ``[11]`` and ``[12]`` its user and system CPU ticks. A process that ends while it is read is
    left out."""
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        yield int(stat.parent.name), fields
