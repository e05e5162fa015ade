"""A private Debian dovecot (dovecot-imapd) on loopback, for the unsubscribe mailbox's tests.

    server = Dovecot(tls=False).start()   # `dovecot -F` with its own folder, config and port
    mailbox = server.add_user("reader")           # a passwd-file user with a maildir of its own
    mailbox.append(b"Subject: ...")               # IMAP APPEND, as a delivery would
    mailbox.url()                                 # imap+plain://reader:…@127.0.0.1:<port>/INBOX
    mailbox.messages()                            # [(uid, flags, subject)] as the server keeps
    server.sessions("reader")                     # dovecot's log line of each ended session
    server.stop(); server.remove()

Nothing of the machine's own dovecot is used or touched: config, sockets, state and mail all
live in a folder of its own (not under pytest's tmp_path, whose 0700 parents dovecot's
unprivileged processes could not enter). Run as root (CI), the mail processes run as `nobody`
and the login ones as Debian's `dovenull`; run as anyone else, every process runs as that user.
With `tls=True` the server also offers STARTTLS and implicit TLS (`imaps_port`) with a
self-signed certificate for 127.0.0.1 (`certificate`), made with the openssl that dovecot-core
depends on.
"""

import grp
import imaplib
import os
import pwd
import secrets
import shutil
import subprocess
import tempfile
import time
from email.header import decode_header, make_header
from email.parser import BytesHeaderParser
from pathlib import Path

from tests.processes import Launcher

from .smtp_sink import HOST, free_port

DOVECOT = shutil.which("dovecot") or "/usr/sbin/dovecot"
IMAP_BINARY = Path("/usr/lib/dovecot/imap")  # dovecot-imapd's


def installed() -> bool:
    return Path(DOVECOT).exists() and IMAP_BINARY.exists()


class Mailbox:
    def __init__(self, server: "Dovecot", user: str, password: str):
        self.server, self.user, self.password = server, user, password

    def url(self, scheme: str = "imap+plain", *, port: int | None = None) -> str:
        port = port or (self.server.imaps_port if scheme == "imaps" else self.server.port)
        return f"{scheme}://{self.user}:{self.password}@{HOST}:{port}/INBOX"

    def connect(self) -> imaplib.IMAP4:
        imap = imaplib.IMAP4(HOST, self.server.port, timeout=10)
        imap.login(self.user, self.password)
        imap.select("INBOX")
        return imap

    def append(self, raw: bytes, *, flags: str = "") -> None:
        imap = self.connect()
        try:
            status, answer = imap.append("INBOX", flags or None, None, raw)
            assert status == "OK", answer
        finally:
            imap.logout()

    def messages(self) -> list[tuple[int, set[str], str]]:
        """Every message still in the INBOX: its UID, flags and decoded subject."""
        imap = self.connect()
        try:
            status, answer = imap.uid("FETCH", "1:*", "(FLAGS BODY.PEEK[HEADER.FIELDS (SUBJECT)])")
            assert status == "OK", answer
        finally:
            imap.logout()
        found = []
        for item in answer:
            if isinstance(item, tuple):
                meta = item[0].decode()
                uid = int(meta.split("UID ")[1].split()[0])
                flags = set(meta.split("FLAGS (")[1].split(")")[0].split())
                subject = BytesHeaderParser().parsebytes(item[1])["Subject"] or ""
                found.append((uid, flags, str(make_header(decode_header(subject)))))
        return found


class Dovecot:
    def __init__(self, *, tls: bool = False):
        self.folder, self.tls = Path(tempfile.mkdtemp(prefix="rtb-dovecot-")), tls
        self.port = free_port()
        self.imaps_port = free_port() if tls else 0
        self.launcher = Launcher(self.folder, cwd=self.folder)
        self.process: subprocess.Popen | None = None
        self.log = self.folder / "dovecot.log"
        self.passwd = self.folder / "passwd"  # one file per user: never one read while it grows
        self.certificate = self.folder / "cert.pem"

    def start(self) -> "Dovecot":
        self.folder.chmod(0o755)
        for name in ("run", "state", "mail"):
            (self.folder / name).mkdir()
        self.passwd.mkdir()
        mail_user = self._mail_user()
        shutil.chown(self.folder / "mail", pwd.getpwnam(mail_user).pw_uid)
        if self.tls:
            self._make_certificate()
        config = self.folder / "dovecot.conf"
        config.write_text(self._config(mail_user))
        command = [DOVECOT, "-F", "-c", str(config)]
        self.process = self.launcher.start("dovecot", command, env=dict(os.environ)).popen
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"dovecot stopped at start:\n{self.log.read_text()}")
            try:
                imaplib.IMAP4(HOST, self.port, timeout=1).shutdown()
                return self
            except OSError:
                time.sleep(0.1)
        raise RuntimeError(f"dovecot did not listen in time:\n{self.log.read_text()}")

    def stop(self) -> None:
        """SIGTERM, SIGKILL after 15 s, and the log printed (tests/processes.py)."""
        self.launcher.stop_all(timeout=15)

    def remove(self) -> None:
        shutil.rmtree(self.folder, ignore_errors=True)

    @property
    def log_text(self) -> str:
        return self.log.read_text() if self.log.exists() else ""

    def sessions(self, user: str, *, wait: float = 1) -> list[str]:
        """The log lines of `user`'s ended IMAP sessions. Dovecot writes one as a session
        closes, a moment after the client has gone, so this waits that long for the last."""
        deadline = time.monotonic() + wait
        while True:
            lines = [
                line
                for line in self.log_text.splitlines()
                if f"imap({user})" in line and "Disconnected" in line
            ]
            if time.monotonic() > deadline:
                return lines
            time.sleep(0.1)

    def add_user(self, user: str) -> Mailbox:
        password = secrets.token_urlsafe(12)
        (self.passwd / user).write_text(f"{user}:{{PLAIN}}{password}\n")
        return Mailbox(self, user, password)

    def _mail_user(self) -> str:
        return "nobody" if os.geteuid() == 0 else pwd.getpwuid(os.geteuid()).pw_name

    def _make_certificate(self) -> None:
        key = self.folder / "key.pem"
        subprocess.run(
            [
                "openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
                "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1",
                "-keyout", str(key), "-out", str(self.certificate),
            ],
            check=True, capture_output=True,
        )  # fmt: skip
        key.chmod(0o644)  # the unprivileged login processes read it

    def _config(self, mail_user: str) -> str:
        folder = self.folder
        mail_group = grp.getgrgid(pwd.getpwnam(mail_user).pw_gid).gr_name
        if os.geteuid() == 0:
            users = "default_internal_user = dovecot\ndefault_login_user = dovenull\n"
            chroot = ""
        else:
            users = (
                f"default_internal_user = {mail_user}\ndefault_internal_group = {mail_group}\n"
                f"default_login_user = {mail_user}\n"
            )
            chroot = "  chroot =\n"
        if self.tls:
            ssl = f"ssl = yes\nssl_cert = <{self.certificate}\nssl_key = <{folder / 'key.pem'}\n"
        else:
            ssl = "ssl = no\n"
        return f"""\
base_dir = {folder / "run"}
state_dir = {folder / "state"}
instance_name = rtb-test-{self.port}
log_path = /dev/stderr
protocols = imap
listen = {HOST}
{users}{ssl}disable_plaintext_auth = no
auth_mechanisms = plain login
auth_failure_delay = 0
passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%u {self.passwd}/%u
}}
userdb {{
  driver = static
  args = uid={mail_user} gid={mail_group} home={folder / "mail"}/%u
}}
mail_location = maildir:~/Maildir
# The tests read how much of each message the site fetched (hdr_… and body_…).
imap_logout_format = in=%i out=%o hdr_count=%{{fetch_hdr_count}} \
body_count=%{{fetch_body_count}} body_bytes=%{{fetch_body_bytes}}
service imap-login {{
{chroot}  inet_listener imap {{
    address = {HOST}
    port = {self.port}
  }}
  inet_listener imaps {{
    address = {HOST}
    port = {self.imaps_port}
  }}
}}
# No growing delay after the tests' deliberate failed logins.
service anvil {{
{chroot}  unix_listener anvil-auth-penalty {{
    mode = 0
  }}
}}
"""
