"""One window per user database: a second `configurator [FILE.json]` hands its file to the running window
(QLocalServer / QLocalSocket) and exits, instead of opening a second window on the same user database.

The server's name is derived from the user data folder, so separate XDG_DATA_HOME folders (tests, a second
profile) are separate instances. The message is one line of JSON, {"open": "/absolute/path"} or
{"open": ""} (just raise the window), answered with "ok"; the file is opened after the answer, so a
question the window asks (unsaved changes) never keeps the second process waiting.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path
from typing import Callable

from PySide6.QtCore import QObject, QTimer
from PySide6.QtNetwork import QLocalServer, QLocalSocket

CONNECT_MS = 500  # a live instance accepts at once; a stale socket file fails at once
REPLY_MS = 3000  # the running window answers from its event loop, even while busy with a paint


def server_name() -> str:
    from configurator.paths import user_data_dir

    key = hashlib.sha256(str(user_data_dir().resolve()).encode()).hexdigest()[:16]
    uid = os.getuid() if hasattr(os, "getuid") else 0
    return f"ai-configurator-{uid}-{key}"


def hand_over(path: str | None, name: str | None = None) -> bool:
    """Give ``path`` (or nothing: just raise the window) to a running instance; True when it took it."""
    socket = QLocalSocket()
    socket.connectToServer(name or server_name())
    if not socket.waitForConnected(CONNECT_MS):
        return False
    message = {"open": str(Path(path).resolve()) if path else ""}
    socket.write((json.dumps(message) + "\n").encode())
    socket.flush()
    reply = bytearray()
    socket.waitForBytesWritten(REPLY_MS)  # false when flush() already wrote it all: not a failure
    while b"\n" not in reply and socket.waitForReadyRead(REPLY_MS):
        reply.extend(bytes(socket.readAll()))
    reply.extend(bytes(socket.readAll()))  # what came with the server's disconnect
    socket.disconnectFromServer()
    return reply.strip() == b"ok"


class InstanceServer(QObject):
    """Listens for later starts; ``on_open(path or "")`` runs in the event loop for each."""

    def __init__(self, on_open: Callable[[str], None], name: str | None = None, parent: QObject | None = None):
        super().__init__(parent)
        self.on_open = on_open
        self.name = name or server_name()
        self.server = QLocalServer(self)
        self.server.setSocketOptions(QLocalServer.SocketOption.UserAccessOption)  # this user only
        self.server.newConnection.connect(self._accept)
        self.listening = self.server.listen(self.name)
        if not self.listening:  # a socket file left by a killed instance: nobody answers on it, so take it over
            probe = QLocalSocket()
            probe.connectToServer(self.name)
            if not probe.waitForConnected(CONNECT_MS):
                QLocalServer.removeServer(self.name)
                self.listening = self.server.listen(self.name)
            else:
                probe.disconnectFromServer()

    def _accept(self) -> None:
        while self.server.hasPendingConnections():
            socket = self.server.nextPendingConnection()
            buffer = bytearray()

            def read(socket=socket, buffer=buffer) -> None:
                buffer.extend(bytes(socket.readAll()))
                if b"\n" not in buffer:
                    return
                try:
                    path = str(json.loads(buffer.split(b"\n", 1)[0].decode()).get("open") or "")
                except (ValueError, UnicodeError, AttributeError):
                    socket.disconnectFromServer()  # not one of ours: no answer, nothing opened
                    return
                socket.write(b"ok\n")
                socket.flush()
                socket.disconnectFromServer()
                QTimer.singleShot(0, lambda: self.on_open(path))

            socket.readyRead.connect(read)
            socket.disconnected.connect(socket.deleteLater)

    def close(self) -> None:
        self.server.close()


def bring_forward(window, path: str) -> None:
    """What the running window does with a later start's file."""
    from PySide6.QtCore import Qt

    if path:
        window.files.open(path)  # asks about unsaved changes; a bad file is the usual message
    window.setWindowState((window.windowState() & ~Qt.WindowState.WindowMinimized) | Qt.WindowState.WindowActive)
    window.show()
    window.raise_()
    window.activateWindow()
