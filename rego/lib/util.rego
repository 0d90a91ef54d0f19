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
