"""What the build does on each worker of a Dask LocalCluster it starts itself (no --scheduler),
restarted workers included. Imported only where Dask is installed (engines/dask_cluster.py)."""

from __future__ import annotations

from typing import Any

from distributed import WorkerPlugin

from eventset.collector import settle_worker


class SettledCollector(WorkerPlugin):
    """The worker's cycle collector as a pool worker's (collector.py), from its start."""

    def setup(self, worker: Any) -> None:
        # The per-document work's modules imported first, so that the freeze keeps them out of
        # every collection (a worker's first task would import them anyway).
        import eventset.validation.runner  # noqa: F401

        settle_worker()
