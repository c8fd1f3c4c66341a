"""Background jobs of the dashboard: runs, comparisons and ensembles, one at a time, with progress.

A job is a call into the public API (:func:`portcap.engine.run`,
:func:`portcap.comparison.compare`, :func:`portcap.ensemble.run_ensemble`,
:func:`portcap.engine.run_ships`) made on a worker
thread, so the server keeps answering while it works. Each job has a server-made id (hex),
a progress count, and either its result or the error it raised: a failed run is shown, and
the server goes on serving.

Examples
--------
>>> manager = JobManager()
>>> job = manager.submit("run", "demo", lambda progress: progress(1, 1) or 42)
>>> manager.wait(job.id, timeout_s=5).result
42
>>> manager.shutdown()
"""

from __future__ import annotations

import re
import secrets
import threading
import time
import traceback
from collections import OrderedDict
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any, Literal

__all__ = ["JOB_ID_PATTERN", "Job", "JobManager"]

JobKind = Literal["run", "compare", "ensemble", "ships"]
JobStatus = Literal["queued", "running", "done", "failed"]
JOB_ID_PATTERN = re.compile(r"^[0-9a-f]{12}$")
"""A job id: 12 lower-case hex digits, made by the server."""

Progress = Callable[[int, int], None]


@dataclass
class Job:
    """One piece of background work and what became of it."""

    id: str
    kind: JobKind
    label: str
    status: JobStatus = "queued"
    done: int = 0
    total: int = 0
    error: str | None = None
    result: Any = None
    created_s: float = field(default_factory=time.time)
    finished_s: float | None = None

    @property
    def fraction(self) -> float:
        """Share of the work done [-] (1 once finished)."""
        if self.status in ("done", "failed"):
            return 1.0
        return self.done / self.total if self.total else 0.0

    def public(self) -> dict[str, object]:
        """Return what the progress API tells a browser (no result objects, no tracebacks)."""
        return {
            "id": self.id,
            "kind": self.kind,
            "label": self.label,
            "status": self.status,
            "done": self.done,
            "total": self.total,
            "fraction": round(self.fraction, 4),
            "error": self.error,
        }


class JobManager:
    """Run jobs on one worker thread, keep the last ``keep`` of them.

    Parameters
    ----------
    keep : int
        Finished jobs kept in memory (oldest forgotten first); a job still queued or
        running is never forgotten.
    """

    def __init__(self, keep: int = 24) -> None:
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="portcap-job")
        self._jobs: OrderedDict[str, Job] = OrderedDict()
        self._lock = threading.Lock()
        self._events: dict[str, threading.Event] = {}
        self._keep = keep

    def submit(self, kind: JobKind, label: str, work: Callable[[Progress], Any]) -> Job:
        """Queue ``work(progress)``; it calls ``progress(done, total)`` as it goes."""
        job = Job(id=secrets.token_hex(6), kind=kind, label=label)
        event = threading.Event()
        with self._lock:
            self._jobs[job.id] = job
            self._events[job.id] = event
            self._forget_old()

        def progress(done: int, total: int) -> None:
            job.done, job.total = int(done), int(total)

        def body() -> None:
            job.status = "running"
            try:
                job.result = work(progress)
                job.status = "done"
            except Exception as error:  # noqa: BLE001 - any failure is shown, the server goes on
                job.error = f"{type(error).__name__}: {error}"
                job.status = "failed"
                traceback.print_exc()
            finally:
                job.finished_s = time.time()
                event.set()

        self._executor.submit(body)
        return job

    def get(self, job_id: str) -> Job | None:
        """Return the job of this id, or None (also for anything that is not a job id)."""
        if not isinstance(job_id, str) or not JOB_ID_PATTERN.match(job_id):
            return None
        with self._lock:
            return self._jobs.get(job_id)

    def latest(self, kind: JobKind, *, status: JobStatus | None = "done") -> Job | None:
        """Return the newest job of a kind (with the given status; None: any status)."""
        with self._lock:
            for job in reversed(self._jobs.values()):
                if job.kind == kind and (status is None or job.status == status):
                    return job
        return None

    def jobs(self) -> list[Job]:
        """All jobs kept, newest first."""
        with self._lock:
            return list(reversed(self._jobs.values()))

    def wait(self, job_id: str, timeout_s: float | None = None) -> Job:
        """Block until the job has finished (for tests and scripts); return it."""
        event = self._events[job_id]
        if not event.wait(timeout_s):
            msg = f"job {job_id} did not finish within {timeout_s} s"
            raise TimeoutError(msg)
        return self._jobs[job_id]

    def shutdown(self) -> None:
        """Stop taking jobs and let the running one finish."""
        self._executor.shutdown(wait=False, cancel_futures=True)

    def _forget_old(self) -> None:
        finished = [j.id for j in self._jobs.values() if j.status in ("done", "failed")]
        for job_id in finished[: max(0, len(self._jobs) - self._keep)]:
            del self._jobs[job_id]
            self._events.pop(job_id, None)
