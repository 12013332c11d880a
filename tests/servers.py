"""Real mail servers on loopback for the tests, started by the tests themselves:

* Dovecot (Debian's ``dovecot-imapd``) as a throwaway instance: its own config file, a static
  passdb, a maildir in a temporary folder, a free port, no SSL, run as the test user.  As root
  (CI, containers) Dovecot refuses to run its login and mail processes as root, so those run
  as ``nobody``, with the maildir in a folder ``nobody`` may enter.
* an SMTP sink on aiosmtpd that keeps every message it is given.

With ``CI=true`` a server that cannot start fails the test instead of skipping it.
"""

from __future__ import annotations

import imaplib
import os
import shutil
import socket
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import pytest

PASSWORD = "imap-secret"
USER = "clerk@bureau.example"


def unavailable(reason: str) -> None:
    """Skip, or fail in CI, when a server the test needs cannot be had."""
    if os.environ.get("CI") == "true":
        pytest.fail(f"{reason} (CI=true: the mail server tests must run)")
    pytest.skip(reason)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass
class Dovecot:
    """A running Dovecot instance and a few helpers to look into it."""

    port: int
    folder: Path
    log: Path

    def client(self) -> imaplib.IMAP4:
        client = imaplib.IMAP4("127.0.0.1", self.port)
        client.login(USER, PASSWORD)
        return client

    def deliver(self, *messages: bytes, folder: str = "INBOX") -> None:
        client = self.client()
        try:
            for raw in messages:
                typ, data = client.append(folder, None, None, raw)
                assert typ == "OK", data
        finally:
            client.logout()

    def flags(self, folder: str = "INBOX") -> dict[bytes, str]:
        """Message-ID → the FLAGS response of every message in ``folder``."""
        client = self.client()
        try:
            typ, _ = client.select(folder, readonly=True)
            assert typ == "OK"
            typ, data = client.uid("FETCH", "1:*", "(FLAGS BODY.PEEK[HEADER.FIELDS (MESSAGE-ID)])")
            found = {}
            for item in data or []:
                if isinstance(item, tuple):
                    ident = item[1].split(b":", 1)[1].strip()
                    found[ident] = item[0].decode()
            return found
        finally:
            client.logout()

    def log_text(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace") if self.log.exists() else ""


def _config(base: Path, port: int, login_user: str, group: str, uid: int, gid: int) -> str:
    return f"""\
base_dir = {base}/run
state_dir = {base}/state
log_path = {base}/dovecot.log
info_log_path = {base}/dovecot.log
protocols = imap
listen = 127.0.0.1
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
default_internal_user = {login_user}
default_internal_group = {group}
default_login_user = {login_user}
first_valid_uid = 1
mail_location = maildir:{base}/mail
imap_id_log = *
passdb {{
  driver = static
  args = password={PASSWORD}
}}
userdb {{
  driver = static
  args = uid={uid} gid={gid} home={base}/home
}}
service imap-login {{
  inet_listener imap {{
    address = 127.0.0.1
    port = {port}
  }}
  inet_listener imaps {{
    port = 0
  }}
  chroot =
}}
service anvil {{
  chroot =
}}
"""


def _wait_for_greeting(port: int, process: subprocess.Popen, patience: float = 30.0) -> bool:
    deadline = time.monotonic() + patience
    while time.monotonic() < deadline:
        if process.poll() is not None:
            return False
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=2) as conn:
                if conn.recv(100).startswith(b"* OK"):
                    return True
        except OSError:
            time.sleep(0.1)
    return False


@pytest.fixture
def dovecot(tmp_path):
    """A throwaway Dovecot IMAP server on a free loopback port."""
    binary = shutil.which("dovecot") or ("/usr/sbin/dovecot" if os.path.exists("/usr/sbin/dovecot") else None)
    if binary is None or not hasattr(os, "geteuid"):
        unavailable("Dovecot is not installed (Debian: apt-get install dovecot-imapd)")
    import grp
    import pwd

    as_root = os.geteuid() == 0
    if as_root:
        account = pwd.getpwnam("nobody")
        base = Path(tempfile.mkdtemp(prefix="briefing-dovecot-"))
        os.chmod(base, 0o755)
    else:
        account = pwd.getpwuid(os.getuid())
        base = tmp_path / "dovecot"
        base.mkdir()
    group = grp.getgrgid(account.pw_gid).gr_name
    for name in ("mail", "home"):
        (base / name).mkdir()
        if as_root:
            os.chown(base / name, account.pw_uid, account.pw_gid)
    port = free_port()
    conf = base / "dovecot.conf"
    conf.write_text(_config(base, port, account.pw_name, group, account.pw_uid, account.pw_gid), encoding="utf-8")
    output = open(base / "dovecot.out", "wb")
    process = subprocess.Popen([binary, "-F", "-c", str(conf)], stdout=output, stderr=subprocess.STDOUT,
                               stdin=subprocess.DEVNULL)
    try:
        if not _wait_for_greeting(port, process):
            detail = (base / "dovecot.out").read_text(errors="replace") + (
                (base / "dovecot.log").read_text(errors="replace") if (base / "dovecot.log").exists() else "")
            unavailable(f"Dovecot did not start: {detail[-2000:]}")
        yield Dovecot(port=port, folder=base, log=base / "dovecot.log")
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        output.close()
        if as_root:
            shutil.rmtree(base, ignore_errors=True)


@dataclass
class Sink:
    """Messages an SMTP sink received: ``(envelope recipients, raw bytes)``."""

    port: int
    received: list[tuple[list[str], bytes]] = field(default_factory=list)
    logins: list[tuple[bytes, bytes]] = field(default_factory=list)


SMTP_USER = "zsj@bureau.example"
SMTP_PASSWORD = "smtp-secret"


@pytest.fixture
def smtp_sink():
    """An aiosmtpd server on a free loopback port that keeps what it is sent (AUTH without TLS)."""
    try:
        from aiosmtpd.controller import Controller
        from aiosmtpd.smtp import AuthResult
    except ImportError:
        unavailable("aiosmtpd is not installed (pip install '.[test]')")
    sink = Sink(port=free_port())

    class Handler:
        async def handle_DATA(self, server, session, envelope):
            sink.received.append((list(envelope.rcpt_tos), bytes(envelope.original_content or envelope.content)))
            return "250 OK"

    def authenticator(server, session, envelope, mechanism, auth_data):
        sink.logins.append((auth_data.login, auth_data.password))
        ok = auth_data.login == SMTP_USER.encode() and auth_data.password == SMTP_PASSWORD.encode()
        return AuthResult(success=ok)

    controller = Controller(Handler(), hostname="127.0.0.1", port=sink.port, authenticator=authenticator,
                            auth_require_tls=False)
    try:
        controller.start()
    except Exception as error:  # noqa: BLE001 - any failure to start is "unavailable"
        unavailable(f"aiosmtpd did not start: {error}")
    try:
        yield sink
    finally:
        controller.stop()
