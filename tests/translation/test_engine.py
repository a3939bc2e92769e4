"""The translation engine (LAW-09, issue 6 item 3) with the tiny NLLB-architecture fixture (random
weights: its output means nothing, so the tests check structure): the Kazakh target token, URLs,
@mentions, #hashtags, e-mail addresses, emoji and numbers surviving unchanged, sentence splitting,
batches equal to one-by-one, and the LibreTranslate HTTP backend against a local server."""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from threading import Thread

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from senim.translation.engine import CTranslate2Backend, LibreTranslateBackend, Translator, pieces

TINY = Path(__file__).resolve().parent.parent / "fixtures" / "translation" / "tiny-nllb"
POST = "Сәлем @aigerim! Қараңыз https://senim.kz/p/1?x=2, 25.11.2026 сағат 18:30 🎉 #almaty\nЖазыңыз: a@b.kz"
KEPT = ["@aigerim", "https://senim.kz/p/1?x=2", "25.11.2026", "18:30", "🎉", "#almaty", "a@b.kz"]


class Mangler:
    """A backend that changes every letter it is given (upper case) and, unless told not to, a digit
    (1 → 7); it records its calls."""

    name = "mangler"
    version = "m1"

    def __init__(self, *, digits: bool = True) -> None:
        self.calls: list[list[str]] = []
        self.digits = digits

    def translate(self, segments: Sequence[str], source: str, target: str) -> list[str]:
        self.calls.append(list(segments))
        return [s.upper().replace("1", "7") if self.digits else s.upper() for s in segments]


@pytest.fixture(scope="module")
def tiny() -> CTranslate2Backend:
    return CTranslate2Backend(TINY, threads=1, beam_size=1, max_decoding_length=12)


def test_pieces_put_the_text_back_together_and_protect_what_must_survive() -> None:
    cut = pieces(POST)
    assert "".join(p.text for p in cut) == POST
    kept = [p.text for p in cut if not p.translate]
    for token in ["@aigerim", "https://senim.kz/p/1?x=2", "🎉", "#almaty", "a@b.kz"]:
        assert token in kept
    assert all("http" not in p.text and "@" not in p.text for p in cut if p.translate)


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=200))
def test_pieces_never_lose_a_character(text: str) -> None:
    assert "".join(p.text for p in pieces(text)) == text


def test_every_protected_token_survives_even_a_backend_that_mangles_numbers() -> None:
    backend = Mangler()
    [out] = Translator(backend).translate([POST], "kk")
    for token in KEPT:
        assert token in out
    assert "ҚАРАҢЫЗ" in out  # the words were translated
    assert len(backend.calls) == 2  # the run holding numbers came back changed and was redone around them


def test_runs_are_batched_and_deduplicated() -> None:
    backend = Mangler(digits=False)
    texts = [f"Бірінші сөйлем. Екінші сөйлем {i}!" for i in range(40)] + ["Бірінші сөйлем."] * 10
    out = Translator(backend, batch_size=16).translate(texts, "kk")
    assert out[0] == "БІРІНШІ СӨЙЛЕМ. ЕКІНШІ СӨЙЛЕМ 0!" and out[-1] == "БІРІНШІ СӨЙЛЕМ."
    assert [len(c) for c in backend.calls] == [16, 16, 9]  # 41 distinct runs in batches of 16


def test_the_tiny_model_translates_into_kazakh_keeping_links_and_mentions(tiny: CTranslate2Backend) -> None:
    assert tiny.tokens("Привет", "ru")[0] == "rus_Cyrl" and tiny.tokens("Привет", "ru")[-1] == "</s>"
    [out] = Translator(tiny).translate([POST], "ru")
    for token in ["@aigerim", "https://senim.kz/p/1?x=2", "🎉", "#almaty", "a@b.kz", "25.11.2026", "18:30"]:
        assert token in out
    assert "kaz_Cyrl" not in out and "</s>" not in out  # language codes never leak into the text
    assert tiny.version.startswith("nllb-ct2:")


def test_a_batch_translates_as_one_by_one(tiny: CTranslate2Backend) -> None:
    sentences = ["Бүгін ауа райы жақсы.", "Сегодня хорошая погода.", "Nice weather today.", "Иә."]
    together = tiny.translate(sentences, "ru", "kk")
    assert together == [tiny.translate([s], "ru", "kk")[0] for s in sentences]


@pytest.fixture
def libre() -> Iterator[tuple[str, list[dict[str, object]]]]:
    received: list[dict[str, object]] = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
            received.append(body)
            answer = {"translatedText": [f"kk:{q}" for q in body["q"]]}
            data = json.dumps(answer).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}", received
    server.shutdown()


def test_the_libretranslate_backend_speaks_its_api(libre: tuple[str, list[dict[str, object]]]) -> None:
    url, received = libre
    [out] = Translator(LibreTranslateBackend(url, api_key="k")).translate(["Привет, @olga! Как дела?"], "ru")
    assert out == "kk:Привет, @olga! kk:Как дела?"
    assert received == [
        {"q": ["Привет,", "Как дела?"], "source": "ru", "target": "kk", "format": "text", "api_key": "k"}
    ]
