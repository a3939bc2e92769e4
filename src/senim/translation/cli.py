"""``senim translation …``: convert an NLLB checkpoint for CTranslate2, and check the configured engine."""

from __future__ import annotations

import importlib.util
import time
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from senim.config import get_settings

app = typer.Typer(help="Automatic translation into Kazakh (LAW-09).", no_args_is_help=True)
console = Console()
CHECK_SENTENCES = {
    "ru": "Сегодня в Алматы солнечно, и мы идём гулять в парк с детьми.",
    "en": "The community meeting starts at 18:30; details at https://senim.kz/c/almaty",
}


@app.command()
def convert(
    checkpoint: Annotated[Path, typer.Argument(help="A Hugging Face NLLB checkpoint downloaded locally")],
    output: Annotated[Path, typer.Argument(help="Where to write the CTranslate2 model")],
    quantization: Annotated[str, typer.Option(help="int8 (CPU), int8_float16, float16 or float32")] = "int8",
    force: Annotated[bool, typer.Option(help="Overwrite the output directory")] = False,
) -> None:
    """Turn a locally downloaded NLLB-200 checkpoint (e.g. facebook/nllb-200-distilled-600M) into a
    CTranslate2 model with int8 weights, with its SentencePiece model beside it. Needs torch and
    transformers, which Senim itself does not: install tools/requirements-ml.txt in a separate venv."""
    if not (checkpoint / "config.json").exists():
        console.print(f"[red]{checkpoint} holds no config.json: not a Hugging Face checkpoint[/red]")
        raise typer.Exit(2)
    if not (checkpoint / "sentencepiece.bpe.model").exists():
        console.print(f"[red]{checkpoint} holds no sentencepiece.bpe.model (NLLB's tokenizer)[/red]")
        raise typer.Exit(2)
    missing = [name for name in ("torch", "transformers") if importlib.util.find_spec(name) is None]
    if missing:
        console.print(
            f"[red]Converting needs torch and transformers ({', '.join(missing)} missing).[/red] Install "
            "them apart from Senim: python3 -m venv .venv-ml && .venv-ml/bin/pip install -r "
            f"tools/requirements-ml.txt, then: .venv-ml/bin/ct2-transformers-converter --model {checkpoint} "
            f"--output_dir {output} --quantization {quantization} --copy_files sentencepiece.bpe.model"
        )
        raise typer.Exit(2)
    try:
        from ctranslate2.converters import TransformersConverter

        converter = TransformersConverter(str(checkpoint), copy_files=["sentencepiece.bpe.model"])
        started = time.perf_counter()
        converter.convert(str(output), quantization=quantization, force=force)
    except (OSError, RuntimeError, ValueError) as exc:
        console.print(f"[red]Conversion failed: {exc}[/red]")
        raise typer.Exit(2) from exc
    size = sum(f.stat().st_size for f in output.iterdir()) / 1e6
    console.print(f"Converted in {time.perf_counter() - started:.0f} s: {output} ({size:.0f} MB)")
    console.print(
        f"Set SENIM_TRANSLATION_ENGINE=ctranslate2 and SENIM_TRANSLATION_MODEL_DIR={output.resolve()}"
    )


@app.command()
def check() -> None:
    """Load the configured engine, translate test sentences into Kazakh, print the timings."""
    from senim.translation.service import engines

    settings = get_settings()
    if settings.translation_engine == "none":
        console.print(
            "No translation engine is configured (SENIM_TRANSLATION_ENGINE=none): readers are told so."
        )
        raise typer.Exit(1)
    started = time.perf_counter()
    engine = engines.get(settings)
    loaded = time.perf_counter() - started
    if engine is None or isinstance(engine, Exception):
        console.print(f"[red]The {settings.translation_engine} engine did not load: {engine}[/red]")
        raise typer.Exit(1)
    console.print(f"Engine {engine.backend.name}, version {engine.backend.version}, loaded in {loaded:.2f} s")
    for language, sentence in CHECK_SENTENCES.items():
        timings = []
        for _ in range(3):
            started = time.perf_counter()
            try:
                [translated] = engine.translate([sentence], language, "kk")
            except Exception as exc:
                console.print(f"[red]Translation failed: {exc}[/red]")
                raise typer.Exit(1) from exc
            timings.append(time.perf_counter() - started)
        console.print(f"{language}: {sentence}\nkk: {translated}")
        console.print(f"   first {timings[0] * 1000:.0f} ms, then {min(timings[1:]) * 1000:.0f} ms")
