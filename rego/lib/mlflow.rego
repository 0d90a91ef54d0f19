package mlscan.lib.mlflow

import data.mlscan.lib.util
import rego.v1

# A server whose effective host is reachable from other machines (loopback as in util).
exposed(server) if {
	server.host != null
	not util.loopback_host(server.host)
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
