"""Which key-encryption key the settings give: a secret in production, a local one in dev."""

from __future__ import annotations

import asyncio
import base64
import os
from pathlib import Path

from pydantic import SecretStr

from tandem_events.backbone_settings import BackboneSettings
from tandem_events.key_wrapping import wrapper_from


def test_production_without_a_kek_has_no_wrapper(tmp_path: Path) -> None:
    settings = BackboneSettings(env="production", dev_keys_dir=tmp_path)
    assert wrapper_from(settings) is None
    assert not list(tmp_path.iterdir())


def test_development_makes_one_local_kek_and_keeps_it(tmp_path: Path) -> None:
    settings = BackboneSettings(env="development", dev_keys_dir=tmp_path / "keys")
    first, second = wrapper_from(settings), wrapper_from(settings)
    assert first is not None
    assert second is not None
    assert first.kek_id == second.kek_id
    wrapped = asyncio.run(first.wrap("ana", os.urandom(32)))
    assert len(asyncio.run(second.unwrap("ana", wrapped, first.kek_id))) == 32
    assert (tmp_path / "keys" / "key-encryption-key").stat().st_mode & 0o077 == 0


def test_a_configured_kek_wins_over_the_local_one(tmp_path: Path) -> None:
    kek = base64.b64encode(os.urandom(32)).decode()
    local = wrapper_from(BackboneSettings(dev_keys_dir=tmp_path))
    configured = wrapper_from(
        BackboneSettings(key_encryption_key=SecretStr(kek), dev_keys_dir=tmp_path)
    )
    assert local is not None
    assert configured is not None
    assert local.kek_id != configured.kek_id
