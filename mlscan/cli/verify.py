"""The ``mlscan verify`` command (registered in ``mlscan.cli.main``): a thin click wrapper
around ``mlscan.verify.verify_model``.

Exit codes: 0 verified, 1 not verified (one line says why), 2 usage errors.
"""

from __future__ import annotations

import json
import sys

import click

from mlscan.cli.options import policy_option
from mlscan.errors import MlscanError
from mlscan.verify import VerifyOptions, verify_model


@click.command("verify")
@click.argument("model_path", type=click.Path())
@click.option("--signature", type=click.Path(dir_okay=False),
              help="Signature file (default: MODEL.sig, MODEL.sigstore.json, MODEL.sigstore).")
@click.option("--key", "keys", multiple=True, type=click.Path(exists=True, dir_okay=False),
              help="Trusted public key (PEM); repeatable.")
@click.option("--certificate", "certificates", multiple=True,
              type=click.Path(exists=True, dir_okay=False),
              help="Trusted CA certificate(s) (PEM) for certificate-signed models; repeatable.")
@click.option("--identity", help="Trusted keyless signer identity (certificate SAN).")
@click.option("--issuer", help="OIDC issuer of --identity.")
@click.option("--trust-root", type=click.Path(exists=True, dir_okay=False),
              help="Pinned Sigstore trusted_root.json (default: the one bundled with sigstore).")
@click.option("--config", "config_path", type=click.Path(exists=True, dir_okay=False),
              help="Take the trust from this configuration's 'signing' section when no "
              "--key/--certificate/--identity is given (default: .mlscan.yaml here).")
@policy_option
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text",
              show_default=True)
def verify_command(
    model_path: str,
    signature: str | None,
    keys: tuple[str, ...],
    certificates: tuple[str, ...],
    identity: str | None,
    issuer: str | None,
    trust_root: str | None,
    config_path: str | None,
    policy_dirs: tuple[str, ...],
    fmt: str,
) -> None:
    """Verify MODEL_PATH against its model-signing signature, offline.

    Passes (exit 0) only when no control denies the model, as a scan would judge it: the
    signature verifies against a trusted signer and every file matches the signed
    manifest.
    """
    try:
        outcome = verify_model(
            VerifyOptions(
                model_path=model_path,
                signature=signature,
                keys=keys,
                certificates=certificates,
                identity=identity,
                issuer=issuer,
                trust_root=trust_root,
                config_path=config_path,
                policy_dirs=policy_dirs,
            )
        )
    except MlscanError as exc:
        raise click.UsageError(str(exc)) from exc
    if fmt == "json":
        click.echo(json.dumps(outcome.to_json(), indent=2, sort_keys=True))
    else:
        click.echo(("OK " if outcome.ok else "FAIL ") + outcome.message)
    sys.exit(0 if outcome.ok else 1)
