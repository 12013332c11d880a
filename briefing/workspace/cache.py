"""A cache of validated reports inside the workspace (``.briefing/cache.sqlite``).

What is cached for a valid file is its contribution to the figures
(:class:`briefing.figures.figures.Contribution`), stored with ``marshal`` as plain strings, numbers and
tuples, so loading a planted cache cannot run code.  Files with errors or warnings are never
cached, so their problems are found again on every run.

Every entry carries a MAC (keyed BLAKE2b) over its path, file size, times, content hash and
payload.  The key is derived from a per-user secret kept outside the workspace (the user's cache
folder, file mode 0600, see :func:`user_secret`), from the workspace's place and from the
fingerprint below, so an entry edited or copied in by anyone who can write the workspace (a
shared folder, a copied workspace) fails the check and is only a miss: the cache can make a
build slower, never change a figure.  Without the secret (no writable user folder) there is no
cache.

A file is taken from the cache when its size and modification time match what was recorded
(and the time is not so recent that an edit in the same clock tick could hide), or else when
the hash of its bytes matches.  The whole cache is dropped when the config, the package's source
code or the Python/pydantic version changes.  A missing, stale or damaged cache only means parsing again:
any error here falls back to reading the files.  SQLite's locking keeps two builds at once safe;
a database that is locked or cannot be locked (some network shares) means running without it.

Besides the reports, the cache keeps *derived* results (:class:`Derived`): what was computed from
the whole set of contributions, such as the settled project ledger's figures for a week.  Each is
keyed by the *state* it was computed from: a hash of every contribution's file path (as the
loader named it) and content hash, in loading order (:attr:`Derived.state`); with the
fingerprint (config, code, versions) in the MAC key, any changed, added or removed report, a
changed config or code makes every derived entry a miss.  Only the current state's entries are
kept.  Derived payloads are ``marshal``-ed plain data, MAC-checked like the reports.
"""

from __future__ import annotations

import hashlib
import hmac
import marshal
import os
import sqlite3
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Callable, TypeVar

if TYPE_CHECKING:
    from briefing.figures.figures import Deferred

T = TypeVar("T")

FORMAT = "5"  # 4: contributions carry the ledger's identity data (names, codes, lines); 5: derived results
BATCH = 1000             # entries written per transaction (bounds the memory held)
RACY_NS = 2_000_000_000  # mtimes this close to the check are not trusted (coarse file-system clocks)
SECRET_NAME = "cache-key"
SECRET_BYTES = 32


def fingerprint(config_bytes: bytes) -> str:
    """What the cached validation depends on besides the report itself."""
    import pydantic

    from briefing import __version__

    parts = [FORMAT, __version__, sys.version, pydantic.VERSION]
    digest_ = hashlib.sha256("\0".join(parts).encode() + b"\0" + config_bytes)
    digest_.update(_source_digest())  # any change to the code, released or not
    return digest_.hexdigest()


def _source_digest(package: Path | None = None) -> bytes:
    """A hash of every module of the package (or of ``package``), in every subpackage, with
    their paths."""
    package = package or Path(__file__).resolve().parent.parent
    digest_ = hashlib.sha256()
    for path in sorted(package.rglob("*.py")):
        digest_.update(path.relative_to(package).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    return digest_.digest()


def user_cache_dir() -> Path:
    """The per-user cache folder (outside any workspace): ``%LOCALAPPDATA%\\briefing`` on Windows,
    ``~/Library/Caches/briefing`` on macOS, ``$XDG_CACHE_HOME/briefing`` or ``~/.cache/briefing``."""
    if os.name == "nt":
        base = os.environ.get("LOCALAPPDATA") or str(Path.home() / "AppData" / "Local")
    elif os.environ.get("XDG_CACHE_HOME"):
        base = os.environ["XDG_CACHE_HOME"]
    elif sys.platform == "darwin":
        base = str(Path.home() / "Library" / "Caches")
    else:
        base = str(Path.home() / ".cache")
    return Path(base) / "briefing"


def user_secret() -> bytes | None:
    """The per-user secret the cache's MAC keys derive from, made on first use (random, 0600);
    ``None`` when it can be neither read nor made."""
    try:
        folder = user_cache_dir()
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    except (OSError, RuntimeError):  # RuntimeError: no home folder
        return None
    path = folder / SECRET_NAME
    for _ in range(100):
        try:
            with open(path, "rb") as handle:
                secret = handle.read(SECRET_BYTES + 1)
        except FileNotFoundError:
            _make_secret(path, replace=False)
            continue
        except OSError:
            return None
        if len(secret) == SECRET_BYTES:
            return secret
        if _age(path) > 2:  # damaged, not being written right now: a new secret (old entries become misses)
            _make_secret(path, replace=True)
        else:
            time.sleep(0.01)
    return None


def _make_secret(path: Path, replace: bool) -> None:
    tmp = path.with_name(f"{path.name}.{os.getpid()}.tmp")
    try:
        fd = os.open(tmp, os.O_CREAT | os.O_EXCL | os.O_WRONLY | getattr(os, "O_BINARY", 0), 0o600)
        with os.fdopen(fd, "wb") as handle:
            handle.write(os.urandom(SECRET_BYTES))
            handle.flush()
            os.fsync(handle.fileno())
        if replace:
            os.replace(tmp, path)
        else:
            os.link(tmp, path)  # fails if another process made one first: theirs is used
    except OSError:
        pass
    finally:
        try:
            os.unlink(tmp)
        except OSError:
            pass


def _age(path: Path) -> float:
    try:
        return time.time() - path.stat().st_mtime
    except OSError:
        return 0.0


def digest(raw: bytes) -> bytes:
    """Content hash of a report file."""
    return hashlib.blake2b(raw, digest_size=16).digest()


@dataclass
class Entry:
    """One cached file."""

    size: int
    mtime_ns: int
    checked_ns: int
    digest: bytes
    payload: bytes
    mac: bytes


class ReportCache:
    """Validated reports keyed by absolute path; see the module docstring."""

    def __init__(self, path: Path, config_bytes: bytes, secret: bytes):
        self.path = path
        self.key = fingerprint(config_bytes)
        where = os.path.realpath(path).encode("utf-8", "surrogatepass")
        mac_key = hashlib.blake2b(self.key.encode() + b"\0" + where, key=secret, digest_size=32).digest()
        self._mac = hashlib.blake2b(key=mac_key, digest_size=16)
        self.entries: dict[str, Entry] = {}
        self.pending: list[tuple] = []
        self.seen: set[str] = set()
        self.db: sqlite3.Connection | None = None
        try:
            self._open()
        except sqlite3.OperationalError as error:
            if any(word in str(error) for word in ("locked", "readonly", "unable to open", "disk I/O")):
                self.close()  # busy, read-only or a network share without locking: run without a cache
                self.entries.clear()
            else:
                self._reset()
        except (sqlite3.Error, OSError):  # not a database any more: start a new one
            self._reset()

    def _open(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        for suffix in ("", "-wal", "-shm"):
            if os.path.islink(f"{self.path}{suffix}"):  # planted: SQLite would write through it
                os.unlink(f"{self.path}{suffix}")
        self.db = sqlite3.connect(self.path, timeout=60, isolation_level=None)
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.execute("PRAGMA synchronous=NORMAL")
        self.db.execute("CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT)")
        self.db.execute(_CREATE_REPORTS)
        self.db.execute(_CREATE_DERIVED)
        row = self.db.execute("SELECT value FROM meta WHERE key = 'fingerprint'").fetchone()
        if row is None or row[0] != self.key:
            with self.db:
                self.db.execute("BEGIN IMMEDIATE")
                self.db.execute("DROP TABLE IF EXISTS reports")  # its layout may be an older one
                self.db.execute("DROP TABLE IF EXISTS derived")
                self.db.execute(_CREATE_REPORTS)
                self.db.execute(_CREATE_DERIVED)
                self.db.execute("INSERT OR REPLACE INTO meta VALUES ('fingerprint', ?)", (self.key,))
        for path, size, mtime_ns, checked_ns, blob_digest, payload, mac in self.db.execute(
                "SELECT path, size, mtime_ns, checked_ns, digest, payload, mac FROM reports"):
            self.entries[path] = Entry(size, mtime_ns, checked_ns, blob_digest, payload, mac)

    def _reset(self) -> None:
        """A damaged cache file: start a new one (or run without a cache)."""
        self.close()
        self.entries.clear()
        for suffix in ("", "-wal", "-shm"):
            try:
                os.unlink(f"{self.path}{suffix}")
            except OSError:
                pass
        try:
            self._open()
        except (sqlite3.Error, OSError):
            self.db = None

    def get(self, path: str, stat: os.stat_result, read) -> tuple[object | None, bytes | None]:
        """``(value, None)`` from the cache, or ``(None, raw bytes)`` when the file must be parsed.

        ``read`` reads the file's bytes (only called when the stat check is not enough).
        """
        value, raw, _ = self.lookup(path, stat, read)
        if value is not None:
            try:
                return value.contribution(), None
            except Exception:  # a damaged entry: read the file
                return None, read()
        return value, raw

    def lookup(self, path: str, stat: os.stat_result, read) -> tuple[Deferred | None, bytes | None, bytes | None]:
        """As :meth:`get`, but the contribution is :class:`~briefing.figures.figures.Deferred` (only
        its unit and week read), and with the content hash of a file taken from the cache."""
        key = str(path)
        entry = self.entries.get(key)
        if entry is not None:
            self.seen.add(key)  # only entries can be forgotten (save): a first build keeps no set of every path
        if entry is not None and not self._authentic(key, entry):
            entry = None  # edited or planted: a miss
        if entry is not None and entry.size == stat.st_size and entry.mtime_ns == stat.st_mtime_ns \
                and stat.st_mtime_ns + RACY_NS < entry.checked_ns:
            report = _decode(entry.payload)
            if report is not None:
                return report, None, entry.digest
        raw = read()
        if entry is not None and entry.digest == digest(raw):
            report = _decode(entry.payload)
            if report is not None:
                self._record(key, stat, entry.digest, entry.payload)
                return report, None, entry.digest
        return None, raw, None

    def _sign(self, key: str, size: int, mtime_ns: int, checked_ns: int, blob_digest: bytes, payload: bytes) -> bytes:
        mac = self._mac.copy()
        mac.update(f"{key}\0{size}\0{mtime_ns}\0{checked_ns}\0".encode("utf-8", "surrogatepass"))
        mac.update(blob_digest)  # fixed length, so payload cannot be shifted into it
        mac.update(payload)
        return mac.digest()

    def _authentic(self, key: str, entry: Entry) -> bool:
        try:
            expected = self._sign(key, entry.size, entry.mtime_ns, entry.checked_ns, entry.digest, entry.payload)
        except (TypeError, ValueError):  # a planted row with values of the wrong type
            return False
        return type(entry.mac) is bytes and hmac.compare_digest(expected, entry.mac)

    def _record(self, key: str, stat: os.stat_result, blob_digest: bytes, payload: bytes) -> None:
        checked_ns = time.time_ns()
        mac = self._sign(key, stat.st_size, stat.st_mtime_ns, checked_ns, blob_digest, payload)
        self.pending.append((key, stat.st_size, stat.st_mtime_ns, checked_ns, blob_digest, payload, mac))

    def put(self, path: str, stat: os.stat_result, raw: bytes, value: object, known: bytes | None = None) -> None:
        """Record what a freshly validated file gave (written by :meth:`save`); ``known``: the
        hash of ``raw`` when already made."""
        from briefing.figures.figures import pack

        payload = pack(value)  # data only: loading it cannot run code
        self._record(str(path), stat, known or digest(raw), payload)
        if len(self.pending) >= BATCH:
            self.save()

    def save(self, final: bool = False) -> None:
        """Write the new entries in one transaction; a failure leaves the old cache usable.

        ``final`` also forgets entries of files that no longer exist.
        """
        gone = [(key,) for key in self.entries.keys() - self.seen if not os.path.exists(key)] if final else []
        if self.db is None or not (self.pending or gone):
            return
        try:
            with self.db:
                self.db.execute("BEGIN IMMEDIATE")
                row = self.db.execute("SELECT value FROM meta WHERE key = 'fingerprint'").fetchone()
                if row is not None and row[0] == self.key:  # else another build's config won the race
                    self.db.executemany("INSERT OR REPLACE INTO reports VALUES (?, ?, ?, ?, ?, ?, ?)", self.pending)
                    self.db.executemany("DELETE FROM reports WHERE path = ?", gone)
        except sqlite3.Error:
            pass
        finally:
            self.pending.clear()

    def derived(self, state: bytes) -> Derived | None:
        """The store of results derived from ``state`` (``None`` when there is no database)."""
        if self.db is None:
            return None
        return Derived(self.path, self.key, self._mac, state)

    def close(self) -> None:
        """Close the database."""
        if self.db is not None:
            try:
                self.db.close()
            except sqlite3.Error:
                pass
            self.db = None


_CREATE_REPORTS = ("CREATE TABLE IF NOT EXISTS reports (path TEXT PRIMARY KEY, size INTEGER, mtime_ns INTEGER,"
                   " checked_ns INTEGER, digest BLOB, payload BLOB, mac BLOB)")
_CREATE_DERIVED = "CREATE TABLE IF NOT EXISTS derived (name TEXT PRIMARY KEY, state BLOB, payload BLOB, mac BLOB)"


class Derived:
    """Results computed from one state of the workspace's contributions (see the module docstring).

    Made by :meth:`ReportCache.derived` once every file is loaded; opens its own connection
    when first used (the report cache is closed by then), and never raises: a failure is a miss.
    """

    def __init__(self, path: Path, key: str, mac, state: bytes):
        self.path, self.key, self._mac, self.state = path, key, mac, state

    def _sign(self, name: str, payload: bytes) -> bytes:
        mac = self._mac.copy()
        mac.update(b"derived\0" + name.encode("utf-8", "surrogatepass") + b"\0" + self.state)  # fixed-length state
        mac.update(payload)
        return mac.digest()

    def _connect(self) -> sqlite3.Connection:
        if os.path.islink(self.path):
            raise sqlite3.OperationalError("planted link")
        return sqlite3.connect(self.path, timeout=60, isolation_level=None)

    def get(self, name: str) -> object | None:
        """The plain data stored under ``name`` for this state, or ``None``."""
        try:
            db = self._connect()
            try:
                row = db.execute("SELECT state, payload, mac FROM derived WHERE name = ?", (name,)).fetchone()
            finally:
                db.close()
            if row is None or row[0] != self.state or type(row[1]) is not bytes or type(row[2]) is not bytes:
                return None
            if not hmac.compare_digest(self._sign(name, row[1]), row[2]):
                return None  # edited, planted, or from another config or code
            return marshal.loads(row[1])
        except Exception:  # a locked, damaged or foreign database, a malformed payload: a miss
            return None

    def load(self, name: str, read: Callable[[object], T]) -> T | None:
        """What is stored under ``name`` for this state, turned back into objects by ``read``;
        ``None`` when absent or when ``read`` finds it malformed (raises)."""
        plain = self.get(name)
        if plain is None:
            return None
        try:
            return read(plain)
        except Exception:  # malformed: the caller computes it again
            return None

    def put(self, name: str, value: object) -> None:
        """Store plain data (strings, numbers, tuples, lists, dicts) under ``name`` for this state;
        entries of other states are dropped."""
        try:
            payload = marshal.dumps(value)
            db = self._connect()
            try:
                with db:
                    db.execute("BEGIN IMMEDIATE")
                    row = db.execute("SELECT value FROM meta WHERE key = 'fingerprint'").fetchone()
                    if row is None or row[0] != self.key:
                        return  # another config or code owns the cache now
                    db.execute("DELETE FROM derived WHERE state != ?", (self.state,))
                    db.execute("INSERT OR REPLACE INTO derived VALUES (?, ?, ?, ?)",
                               (name, self.state, payload, self._sign(name, payload)))
            finally:
                db.close()
        except Exception:  # read-only, locked, damaged: nothing stored
            pass


def _decode(payload: bytes) -> "Deferred | None":
    from briefing.figures.figures import unpack

    try:
        return unpack(payload)
    except Exception:  # a damaged, foreign or incompatible entry is a cache miss
        return None
