"""The checkov check map is policy data: a user's --policy folder re-maps a check, adds
one (which then runs), or removes one, without editing mlscan's package."""

from __future__ import annotations

from pathlib import Path

from mlscan.scan import ScanOptions, run

BUCKET_TF = """\
resource "aws_s3_bucket" "features" {
  bucket = "acme-feature-store"
}
"""

USER_MAP = """\
package mlscan.user.checkov

import rego.v1

# cross-region replication: not in the built-in map; report it as MLS-IAC-004, high
checks["CKV_AWS_144"] := {
	"control": "MLS-IAC-004", "severity": "high", "stride": ["denial-of-service"], "fallback": true,
}

# versioning: moved from MLS-BKT-004 to MLS-IAC-004 at critical
checks["CKV_AWS_21"] := {
	"control": "MLS-IAC-004", "severity": "critical", "stride": ["tampering"], "fallback": true,
}
"""


def _findings(root: Path, policy: Path | None = None) -> set[tuple[str, str, str, int, str]]:
    result = run(
        ScanOptions(paths=(str(root),), policy_dirs=(str(policy),) if policy else ())
    )
    return {
        (
            f.control.id,
            ",".join(f.evidence.get("checkov", [])) if isinstance(f.evidence, dict) else "",
            f.location.path,
            f.location.start_line,
            f.severity,
        )
        for f in result.findings
        if f.control.id in ("MLS-IAC-004", "MLS-BKT-004")
    }


def test_user_policy_remaps_and_adds_checkov_checks(tmp_path: Path) -> None:
    project = tmp_path / "project"
    project.mkdir()
    (project / "main.tf").write_text(BUCKET_TF)
    policy = tmp_path / "policy"
    policy.mkdir()
    (policy / "checkov_map.rego").write_text(USER_MAP)

    before = _findings(project)
    assert before == {("MLS-BKT-004", "CKV_AWS_21", "main.tf", 1, "medium")}

    after = _findings(project, policy)
    assert after == {
        # the bucket fact still fires MLS-BKT-004, now without checkov evidence
        ("MLS-BKT-004", "", "main.tf", 1, "medium"),
        # CKV_AWS_21 is MLS-IAC-004 now, at the user's severity
        ("MLS-IAC-004", "CKV_AWS_21", "main.tf", 1, "critical"),
        # CKV_AWS_144 ran because the user mapped it
        ("MLS-IAC-004", "CKV_AWS_144", "main.tf", 1, "high"),
    }


def test_user_policy_removes_a_checkov_check(tmp_path: Path) -> None:
    project = tmp_path / "project"
    project.mkdir()
    (project / "main.tf").write_text(BUCKET_TF)
    policy = tmp_path / "policy"
    policy.mkdir()
    (policy / "unmap.rego").write_text(
        "package mlscan.user.checkov\n\nimport rego.v1\n\n"
        'checks["CKV_AWS_21"] := {"control": null}\n'
    )
    assert _findings(project, policy) == {("MLS-BKT-004", "", "main.tf", 1, "medium")}
