package mlscan.lib.util

import rego.v1

# A file-level location for a path.
file_loc(path) := {"path": path, "line": null, "col": null, "end_line": null, "end_col": null}

# True when a URL uses a plaintext scheme.
plaintext_url(url) if startswith(lower(url), "http://")
