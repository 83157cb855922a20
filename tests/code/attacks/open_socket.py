"""Connects to a server on this machine, over TCP and over a unix socket."""

import socket

PORT = 0  # the test writes a listening port here
UNIX_PATH = ""  # and a listening unix socket's path here

for family, address in ((socket.AF_INET, ("127.0.0.1", PORT)), (socket.AF_UNIX, UNIX_PATH)):
    try:
        with socket.socket(family, socket.SOCK_STREAM) as connection:
            connection.connect(address)
            connection.sendall(b"exfiltrated")
        print("connected", family.name)
    except OSError as error:
        print("refused", family.name, type(error).__name__)
