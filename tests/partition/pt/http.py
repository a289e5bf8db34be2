"""A small HTTP/1.1 client over sockets made in a namespace (one connection per request, bounded in time)."""
import json
import socket
import time


class Reply:
    __slots__ = ("status", "headers", "body", "error")

    def __init__(self, status=0, headers=None, body=b"", error=None):
        self.status = status
        self.headers = headers or {}
        self.body = body
        self.error = error

    def json(self):
        try:
            return json.loads(self.body.decode("utf-8", "replace"))
        except ValueError:
            return None

    def text(self, limit=200):
        return self.body[:limit].decode("utf-8", "replace").replace("\n", " ")


def request(net, ns, host, port, method, path, body=None, headers=None, timeout=5.0):
    """One request; a Reply whose status is 0 and `error` says why when no answer came in `timeout` s."""
    deadline = time.monotonic() + timeout
    data = b"" if body is None else (body if isinstance(body, bytes) else json.dumps(body).encode())
    head = ["%s %s HTTP/1.1" % (method, path), "Host: %s:%d" % (host, port), "Connection: close",
            "Content-Length: %d" % len(data)]
    if body is not None:
        head.append("Content-Type: application/json")
    for k, v in (headers or {}).items():
        head.append("%s: %s" % (k, v))
    raw = ("\r\n".join(head) + "\r\n\r\n").encode() + data
    sock = None
    try:
        sock = net.socket(ns)
        sock.settimeout(max(0.01, deadline - time.monotonic()))
        sock.connect((host, port))
        sock.sendall(raw)
        buf = b""
        need = None
        header_end = -1
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                raise socket.timeout("timed out")
            sock.settimeout(left)
            chunk = sock.recv(65536)
            if not chunk:
                break
            buf += chunk
            if header_end < 0:
                header_end = buf.find(b"\r\n\r\n")
                if header_end >= 0:
                    for line in buf[:header_end].split(b"\r\n")[1:]:
                        k, _, v = line.partition(b":")
                        if k.strip().lower() == b"content-length":
                            need = header_end + 4 + int(v.strip())
            if need is not None and len(buf) >= need:
                break
        if header_end < 0:
            return Reply(error="connection closed before a complete header (%d bytes)" % len(buf))
        lines = buf[:header_end].split(b"\r\n")
        parts = lines[0].split(b" ", 2)
        headers = {}
        for line in lines[1:]:
            k, _, v = line.partition(b":")
            headers[k.strip().lower().decode()] = v.strip().decode("latin-1")
        body = buf[header_end + 4:need] if need else buf[header_end + 4:]
        if headers.get("transfer-encoding", "").lower() == "chunked":
            body = _unchunk(body)
        return Reply(int(parts[1]), headers, body)
    except (OSError, ValueError, IndexError) as e:
        return Reply(error="%s: %s" % (type(e).__name__, e))
    finally:
        if sock is not None:
            sock.close()


def _unchunk(data):
    """A chunked body read to the end of the connection (the request said Connection: close)."""
    out = b""
    while data:
        line, sep, rest = data.partition(b"\r\n")
        if not sep:
            raise ValueError("truncated chunked body")
        size = int(line.split(b";")[0].strip() or b"0", 16)
        if size == 0:
            return out
        if len(rest) < size:
            raise ValueError("truncated chunk")
        out += rest[:size]
        data = rest[size + 2:]
    raise ValueError("chunked body without its last chunk")
