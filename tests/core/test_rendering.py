from app.rendering import markdown_to_html


def test_markdown_is_rendered() -> None:
    out = markdown_to_html("**卷积** uses `kernels`\n\n- a\n- b")
    assert "<strong>卷积</strong>" in out
    assert "<code>kernels</code>" in out
    assert "<li>a</li>" in out


def test_raw_html_from_a_model_stays_text() -> None:
    out = markdown_to_html('<script>alert(1)</script> <img src=x onerror="alert(2)"> <b>bold</b>')
    assert "<script>" not in out
    assert "<img" not in out
    assert "<b>" not in out
    assert "&lt;script&gt;" in out


def test_javascript_links_are_not_links() -> None:
    out = markdown_to_html("[click](javascript:alert(1))")
    assert 'href="javascript' not in out
