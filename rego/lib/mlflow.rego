package mlscan.lib.mlflow

import rego.v1

loopback_hosts := {"127.0.0.1", "localhost", "::1", "[::1]"}

# A server whose effective host is reachable from other machines.
exposed(server) if {
	server.host != null
	not server.host in loopback_hosts
	not startswith(server.host, "127.")
}

# Strict "a < b" on [major, minor, patch] version arrays (portable across engines).
version_lt(a, b) if a[0] < b[0]

version_lt(a, b) if {
	a[0] == b[0]
	a[1] < b[1]
}

version_lt(a, b) if {
	a[0] == b[0]
	a[1] == b[1]
	a[2] < b[2]
}

# The loc to point at for a flag, falling back to the command.
flag_loc(server, key) := server[key] if server[key] != null

flag_loc(server, key) := server.loc if server[key] == null
