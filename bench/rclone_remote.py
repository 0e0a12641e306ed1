"""An unmodified rclone pointed at a loopback `skydrive-emu`, for side-by-side benchmark rows.

rclone's OneDrive backend always calls `https://graph.microsoft.com`; it has no setting for
another Graph address. So this module starts, on 127.0.0.1 only:
- a throwaway certificate authority and a certificate for `graph.microsoft.com` (made with
  the `openssl` command in a temporary folder), and
- an HTTPS proxy that answers `CONNECT graph.microsoft.com:443`, ends TLS with that
  certificate, and passes the plain HTTP/1.1 bytes on to the emulator's port unchanged.
rclone runs with `HTTPS_PROXY` set to the proxy and trusts the authority (`--ca-cert`, and
`SSL_CERT_FILE` for the clients it builds without that flag). Download, upload and monitor
URLs the emulator hands out are `http://` loopback addresses: Go's HTTP client proxies
neither plain `http://` under `HTTPS_PROXY` nor loopback hosts, so those go straight to the
emulator. The token URL in rclone's config is the emulator's own token endpoint, direct.

Use: `with RcloneRemote(emu) as r: subprocess.run(r.command(["lsf", "-R", "remote:"]), env=r.env())`.
`available()` says whether rclone and openssl are installed; without them the rows are skipped.
Standard library only.
"""
import asyncio
import json
import os
import shutil
import ssl
import subprocess
import tempfile
import threading
import urllib.request

GRAPH_HOST = "graph.microsoft.com"


def available():
    """True when the `rclone` and `openssl` commands are on PATH."""
    return shutil.which("rclone") is not None and shutil.which("openssl") is not None


def _openssl(*args, cwd):
    subprocess.run(["openssl", *args], cwd=cwd, check=True, capture_output=True)


def _make_certificates(folder):
    """Writes ca.pem, and server.pem/server.key signed by it for GRAPH_HOST; returns their paths."""
    _openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=bench CA",
             "-keyout", "ca.key", "-out", "ca.pem", "-addext", "basicConstraints=critical,CA:TRUE",
             "-addext", "keyUsage=critical,keyCertSign,cRLSign", cwd=folder)
    _openssl("req", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=" + GRAPH_HOST,
             "-keyout", "server.key", "-out", "server.csr", cwd=folder)
    with open(os.path.join(folder, "server.ext"), "w") as f:
        f.write("subjectAltName=DNS:%s\nextendedKeyUsage=serverAuth\n" % GRAPH_HOST)
    _openssl("x509", "-req", "-in", "server.csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial",
             "-days", "2", "-extfile", "server.ext", "-out", "server.pem", cwd=folder)
    return tuple(os.path.join(folder, n) for n in ("ca.pem", "server.pem", "server.key"))


class _Proxy:
    """The CONNECT proxy, on an asyncio loop in a thread of its own."""

    def __init__(self, upstream_port, certfile, keyfile):
        self.upstream_port = upstream_port
        self.tls = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        self.tls.load_cert_chain(certfile, keyfile)
        self.tls.set_alpn_protocols(["http/1.1"])
        self.loop = asyncio.new_event_loop()
        self.ready = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.port = None

    def start(self):
        self.thread.start()
        self.ready.wait(10)
        if self.port is None:
            raise RuntimeError("the rclone proxy did not start")
        return self

    def stop(self):
        asyncio.run_coroutine_threadsafe(self._shutdown(), self.loop).result(10)
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(10)

    async def _shutdown(self):
        """Cancels the tunnels still open (rclone keeps idle connections), then stops the loop."""
        tasks = [t for t in asyncio.all_tasks() if t is not asyncio.current_task()]
        for t in tasks:
            t.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)

    def _run(self):
        asyncio.set_event_loop(self.loop)
        server = self.loop.run_until_complete(asyncio.start_server(self._client, "127.0.0.1", 0))
        self.port = server.sockets[0].getsockname()[1]
        self.ready.set()
        self.loop.run_forever()
        server.close()
        self.loop.close()

    async def _client(self, reader, writer):
        try:
            head = await reader.readuntil(b"\r\n\r\n")
            method, target = head.split(b"\r\n", 1)[0].decode("latin-1").split()[:2]
            if method != "CONNECT" or target.lower() != GRAPH_HOST + ":443":
                writer.write(b"HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\n\r\n")
                return
            writer.write(b"HTTP/1.1 200 Connection Established\r\n\r\n")
            await writer.drain()
            await writer.start_tls(self.tls)
            up_reader, up_writer = await asyncio.open_connection("127.0.0.1", self.upstream_port)
            await asyncio.gather(_pump(reader, up_writer), _pump(up_reader, writer))
        except (OSError, ValueError, asyncio.IncompleteReadError, asyncio.LimitOverrunError, ssl.SSLError,
                asyncio.CancelledError):
            pass  # a tunnel ends however its ends go: rclone sees a closed connection
        finally:
            writer.close()


async def _pump(reader, writer):
    """Copies bytes from `reader` to `writer` until the end of the stream, then closes `writer`."""
    try:
        while chunk := await reader.read(1 << 16):
            writer.write(chunk)
            await writer.drain()
    finally:
        writer.close()


class RcloneRemote:
    """rclone set up against the emulator `emu` (a `scenarios.Emu`) as the remote `remote:`."""

    def __init__(self, emu):
        self.emu = emu
        self.folder = None
        self.proxy = None

    def __enter__(self):
        self.folder = tempfile.mkdtemp(prefix="bench-rclone-")
        ca, cert, key = _make_certificates(self.folder)
        self.ca = ca
        port = int(self.emu.graph_url.split(":")[2].split("/")[0])
        self.proxy = _Proxy(port, cert, key).start()
        self.conf = os.path.join(self.folder, "rclone.conf")
        self._write_config(port)
        return self

    def __exit__(self, *exc):
        if self.proxy is not None:
            self.proxy.stop()
        shutil.rmtree(self.folder, ignore_errors=True)

    def _write_config(self, port):
        req = urllib.request.Request("http://127.0.0.1:%d/v1.0/me/drive" % port,
                                     headers={"Authorization": "Bearer " + self.emu.token})
        with urllib.request.urlopen(req, timeout=30) as r:
            drive = json.load(r)
        token = {"access_token": self.emu.token, "token_type": "Bearer",
                 "refresh_token": self.emu.refresh_token, "expiry": "2099-01-01T00:00:00Z"}
        drive_type = "personal" if drive.get("driveType", "personal") == "personal" else "business"
        with open(self.conf, "w") as f:
            f.write("[remote]\ntype = onedrive\ndrive_type = %s\ndrive_id = %s\ntoken = %s\ntoken_url = %s\n" % (
                drive_type, drive["id"], json.dumps(token, separators=(",", ":")),
                self.emu.login_url.rstrip("/") + "/common/oauth2/v2.0/token"))

    def env(self):
        """The environment rclone runs in: the proxy, the authority, this config only."""
        env = {k: v for k, v in os.environ.items()
               if not k.startswith("RCLONE_") and k.upper() not in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "NO_PROXY")}
        env.update(HTTPS_PROXY="http://127.0.0.1:%d" % self.proxy.port, SSL_CERT_FILE=self.ca,
                   RCLONE_CONFIG=self.conf)
        return env

    def command(self, args):
        """The argv of `rclone ARGS` against `remote:`."""
        return ["rclone", "--config", self.conf, "--ca-cert", self.ca,
                "--cache-dir", os.path.join(self.folder, "cache")] + list(args)

    def rclone(self, args, timeout=3600):
        """Runs `rclone ARGS`; the CompletedProcess (text output)."""
        return subprocess.run(self.command(args), env=self.env(), capture_output=True, text=True, timeout=timeout)
