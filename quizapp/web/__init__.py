"""The TUI in a browser: textual-serve, behind a token when reachable from the network."""
