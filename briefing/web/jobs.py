"""Long tasks started from the page (mail import, sending reminders): one at a time, in a
background thread, with progress the page can show.

A job's page refreshes itself while the job runs (``<meta http-equiv="refresh">``, so it works
without JavaScript); the page script instead polls the job's JSON and moves the progress bar.
Jobs live in memory: the result of a task is also in the workspace (the ingest log, the mail
sent), so nothing is lost when the server stops.
"""

from __future__ import annotations

import secrets
import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Callable, Iterator

from briefing.errors import BriefingError

RUNNING, DONE, FAILED = "running", "done", "failed"
KEEP = 20
"""Finished jobs remembered (their pages stay available)."""


@dataclass
class Job:
    """One task and how far it is."""

    id: str
    title: str
    state: str = RUNNING
    label: str = "正在准备…"
    total: int = 0
    done: int = 0
    text: str = ""
    """The result (or the error) in Chinese, when finished."""
    lines: list[str] = field(default_factory=list)
    started: float = field(default_factory=time.time)

    def progress(self, total: int, label: str):
        """A progress display in the shape the library's ``ingest`` expects."""
        @contextmanager
        def counting() -> Iterator[Callable[[], None]]:
            self.total, self.done, self.label = total, 0, label

            def advance() -> None:
                self.done += 1
            yield advance
        return counting()

    def as_dict(self) -> dict:
        return {"state": self.state, "label": self.label, "total": self.total, "done": self.done,
                "text": self.text, "title": self.title}


class Jobs:
    """The server's jobs; at most one runs at a time."""

    def __init__(self) -> None:
        self._jobs: dict[str, Job] = {}
        self._lock = threading.Lock()

    def get(self, job_id: str) -> Job | None:
        return self._jobs.get(job_id)

    def running(self) -> Job | None:
        return next((job for job in self._jobs.values() if job.state == RUNNING), None)

    def start(self, title: str, work: Callable[[Job], str]) -> Job:
        """Run ``work(job)`` in a thread; its return value is the job's result text.  Raises
        :class:`BriefingError` when another job is still running."""
        with self._lock:
            busy = self.running()
            if busy is not None:
                raise BriefingError(f"“{busy.title}”还在进行，请等它结束后再试")
            job = Job(secrets.token_urlsafe(12), title)
            self._jobs[job.id] = job
            for old in list(self._jobs)[:-KEEP]:
                if self._jobs[old].state != RUNNING:
                    del self._jobs[old]
        threading.Thread(target=self._run, args=(job, work), daemon=True, name=f"job-{job.id}").start()
        return job

    @staticmethod
    def _run(job: Job, work: Callable[[Job], str]) -> None:
        try:
            job.text = work(job)
            job.state = DONE
        except BriefingError as error:
            job.text = "\n".join([*(str(p) for p in error.problems), f"错误：{error.message}"])
            job.state = FAILED
        except Exception as error:  # noqa: BLE001 - shown to the clerk in one line, as the CLI does
            job.text = f"程序内部错误（{type(error).__name__}: {error}）。请把这条信息发给技术支持。"
            job.state = FAILED
        job.label = "已完成" if job.state == DONE else "未完成"
