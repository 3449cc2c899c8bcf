import socket


def free_port():
    """A port nobody listens on right now (bind to 0 on loopback, then release)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]
