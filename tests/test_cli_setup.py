"""`seowatch init` and `seowatch check-config` as a user meets them."""

from click.testing import CliRunner

from seowatch.scheduler import cli


def run(*args, env=None):
    return CliRunner().invoke(cli, list(args), env=env or {})


def test_init_writes_an_example_that_checks_clean_and_is_not_overwritten(tmp_path):
    path = tmp_path / "seowatch.toml"
    assert run("-c", str(path), "init").exit_code == 0
    result = run("-c", str(path), "check-config")
    assert result.exit_code == 0, result.output
    assert "ok" in result.output and "2 keywords" in result.output
    again = run("-c", str(path), "init")
    assert again.exit_code == 2 and "already exists" in again.output


def test_every_commented_section_of_the_example_is_valid_once_uncommented(tmp_path):
    from seowatch.cli.setup import EXAMPLE

    lines = []
    for line in EXAMPLE.splitlines():
        stripped = line.lstrip("# ")
        # uncomment configuration lines (keys and tables), keep prose comments
        if line.startswith("# ") and ("=" in stripped.split("#")[0] or stripped.startswith("[")):
            if not stripped.startswith(("(or:", "cron is", "`seowatch")):
                line = stripped
        lines.append(line)
    path = tmp_path / "seowatch.toml"
    path.write_text("\n".join(lines), "utf-8")
    (tmp_path / "keywords.csv").write_text("keyword,group,volume\nSEO优化,SEO,900\n", "utf-8")
    result = run("-c", str(path), "check-config", env={"SERPAPI_KEY": "x"})
    assert result.exit_code == 0, result.output
    assert "3 keywords" in result.output and "1 partner" in result.output
    # the secrets it names but the environment lacks are pointed out
    assert "email.password_env names SEOWATCH_SMTP_PASSWORD, which is not set" in result.output
    assert "chat.urls_env[0] names SEOWATCH_DINGTALK_URL" in result.output


def test_errors_name_the_file_and_the_key_and_exit_2(tmp_path):
    path = tmp_path / "bad.toml"
    path.write_text('[[sites]]\ndomain = "example.com"\nengines = ["baidoo"]\n', "utf-8")
    result = run("-c", str(path), "check-config")
    assert result.exit_code == 2
    assert f"{path}: sites[0].engines[0]: 'baidoo' is not allowed" in result.output


def test_files_the_config_names_are_checked_too(tmp_path):
    path = tmp_path / "seowatch.toml"
    path.write_text('[keywords]\nuser_dict = "words.txt"\n\n[[sites]]\ndomain = "example.com"\n'
                    'partners_file = "partners.csv"\n', "utf-8")
    (tmp_path / "partners.csv").write_text("page,anchor\nhttp://www.a.cn/links.html,整合营销\n", "utf-8")
    result = run("-c", str(path), "check-config")
    assert result.exit_code == 2 and "keywords.user_dict" in result.output and "words.txt" in result.output
    (tmp_path / "words.txt").write_text("营销demo 10 n\n", "utf-8")
    (tmp_path / "partners.csv").write_text("page,anchor\nftp://www.a.cn/links.html,整合营销\n", "utf-8")
    result = run("-c", str(path), "check-config")
    assert result.exit_code == 2 and "partners.csv" in result.output and "row 2" in result.output
