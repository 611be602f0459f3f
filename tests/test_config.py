from mpp_digital import create_app


def _app(tmp_path, test_config=None):
    return create_app(test_config, instance_path=str(tmp_path))


def test_defaults_apply_without_instance_config_or_environment(tmp_path, monkeypatch):
    monkeypatch.delenv("MPP_API_PAGE_SIZE", raising=False)
    app = _app(tmp_path)
    assert app.config["API_PAGE_SIZE"] == 100
    assert app.config["BABEL_DEFAULT_LOCALE"] == "id"
    assert app.config["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{tmp_path / 'mpp.sqlite3'}"
    assert app.config["SECRET_KEY"]          # a temporary one, with a warning


def test_instance_config_overrides_the_defaults(tmp_path):
    (tmp_path / "config.py").write_text("API_PAGE_SIZE = 7\nSECRET_KEY = 'from-instance'\n")
    app = _app(tmp_path)
    assert app.config["API_PAGE_SIZE"] == 7 and app.config["SECRET_KEY"] == "from-instance"


def test_environment_overrides_the_instance_config(tmp_path, monkeypatch):
    (tmp_path / "config.py").write_text("API_PAGE_SIZE = 7\n")
    monkeypatch.setenv("MPP_API_PAGE_SIZE", "9")
    monkeypatch.setenv("MPP_DATABASE_URL", "postgresql+psycopg://u@db.example/mpp")
    app = _app(tmp_path)
    assert app.config["API_PAGE_SIZE"] == 9
    assert app.config["SQLALCHEMY_DATABASE_URI"] == "postgresql+psycopg://u@db.example/mpp"


def test_a_test_config_overrides_everything(tmp_path, monkeypatch):
    (tmp_path / "config.py").write_text("API_PAGE_SIZE = 7\n")
    monkeypatch.setenv("MPP_API_PAGE_SIZE", "9")
    assert _app(tmp_path, {"API_PAGE_SIZE": 11}).config["API_PAGE_SIZE"] == 11


def test_init_writes_secrets_once_and_keeps_them(tmp_path):
    from mpp_digital.cli import write_instance_config

    path = write_instance_config(tmp_path)
    first = path.read_text()
    assert "SECRET_KEY = '" in first and "NIK_HMAC_KEY = '" in first
    assert oct(path.stat().st_mode & 0o777) == "0o600"
    write_instance_config(tmp_path)
    assert path.read_text() == first
    app = _app(tmp_path)
    assert app.config["SECRET_KEY"] in first
