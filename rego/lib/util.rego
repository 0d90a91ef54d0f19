package mlscan.lib.util

# Small shared constructors for control packages.

import rego.v1

# A file-level location for a path (no line known).
file_loc(path) := {"path": path, "line": null, "col": null, "end_line": null, "end_col": null}

# A violation: the three required fields plus any optional ones (`key`, `evidence`,
# `related`, `severity`, `logical_location`) given in `extra`; `extra` wins on a clash.
violation(msg, loc, asset, extra) := object.union({"msg": msg, "loc": loc, "asset": asset}, extra)

# True when a URL uses a plaintext scheme.
plaintext_url(url) if startswith(lower(url), "http://")

# Loopback addresses, treated the same way by every control: traffic to them never leaves
# the machine, so it is no transport risk and no exposure.
loopback_host(host) if lower(host) in {"localhost", "::1", "[::1]", "ip6-localhost"}

loopback_host(host) if regex.match(`^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$`, host)

loopback_host(host) if endswith(lower(host), ".localhost")

# The host of a URL ("http://user@127.0.0.1:5000/x" -> "127.0.0.1"), lower-cased.
url_host(url) := host if {
	rest := regex.replace(lower(url), `^[a-z][a-z0-9+.-]*://`, "")
	authority := split(rest, "/")[0]
	hostport := regex.replace(authority, `^.*@`, "")
	host := _strip_port(hostport)
}

_strip_port(hp) := regex.replace(hp, `^(\[[^\]]*\]).*$`, "$1") if startswith(hp, "[")

_strip_port(hp) := split(hp, ":")[0] if not startswith(hp, "[")

loopback_url(url) if loopback_host(url_host(url))
