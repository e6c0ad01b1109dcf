from __future__ import annotations

from pathlib import Path

import pytest

from earful.config import load_config, parse_config
from earful.errors import ConfigError
from earful.workspace import Workspace

GOOD = """
[workspace]
name = "acme"

[[products]]
name = "Acme Pulse"
aliases = ["Pulse", "acmepulse"]
description = "Analytics dashboard for small SaaS teams"
competitors = ["Chartwell"]
[products.accounts]
x = ["@acme_pm"]

[[watches]]
name = "acme"
query = '"acme pulse" OR #acmepulse'
sources = ["x", "hn"]

[sources.x]
base_url = "https://api.x.com"
token_env = "EARFUL_X_BEARER_TOKEN"
"""


def test_good_config(tmp_path: Path) -> None:
    path = tmp_path / "earful.toml"
    path.write_text(GOOD)
    config = load_config(path)
    assert config.name == "acme"
    product = config.product("pulse")
    assert product is not None and product.name == "Acme Pulse"
    assert product.accounts["x"] == ("acme_pm",)
    watch = config.watch("acme")
    assert watch is not None and watch.sources == ("x", "hn")
    assert config.sources["x"].env == {"token": "EARFUL_X_BEARER_TOKEN"}


@pytest.mark.parametrize(
    ("text", "key", "reason"),
    [
        ("[[products]]\naliases = ['a']\n", "products[0].name", "required"),
        ("[[products]]\nname = 'A'\nalias = ['a']\n", "products[0].alias", "unknown key"),
        (
            "[[products]]\nname = 'A'\naliases = 'x'\n[[products]]\nname = 'a'\n",
            "products",
            "duplicate",
        ),
        ("[[watches]]\nname = 'w'\nquery = '(unbalanced'\n", "watches[0].query", "column"),
        (
            "[[watches]]\nname = 'w'\nquery = 'a'\nsources = ['myspace']\n",
            "watches[0].sources",
            "unknown source",
        ),
        ("[sources.x]\nbase_url = 'ftp://nope'\n", "sources.x.base_url", "http(s) URL"),
        ("[sources.x]\ntoken = 'abc123'\n", "sources.x.token", "secrets are not kept"),
        ("[sources.x]\ntoken_env = 'lower case'\n", "sources.x.token_env", "environment variable"),
        ("[workspace]\nallow_private_urls = 'yes'\n", "workspace.allow_private_urls", "true or"),
        ("[workspace]\naccurate_labels = 1\n", "workspace.accurate_labels", "true or"),
        ("[workspace]\naccurate_label = true\n", "workspace.accurate_label", "unknown key"),
        ("[nonsense]\n", "nonsense", "unknown section"),
    ],
)
def test_bad_config_names_key_and_reason(text: str, key: str, reason: str) -> None:
    import tomllib

    with pytest.raises(ConfigError) as info:
        parse_config(tomllib.loads(text), "earful.toml")
    assert info.value.key == key
    assert reason in str(info.value)
    assert "abc123" not in str(info.value)


def test_toml_syntax_error(tmp_path: Path) -> None:
    path = tmp_path / "earful.toml"
    path.write_text("[workspace\n")
    with pytest.raises(ConfigError) as info:
        load_config(path)
    assert "line 1" in str(info.value)


def test_init_creates_workspace(tmp_path: Path) -> None:
    ws = Workspace.init(tmp_path / "w")
    assert ws.config_path.exists() and ws.db_path.exists()
    assert Workspace.open(tmp_path / "w").config.name == "w"


def test_open_without_config_says_what_to_do(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as info:
        Workspace.open(tmp_path)
    assert "earful init" in str(info.value)
